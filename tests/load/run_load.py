"""Load test: many simulated students against a real ``streamlit run app.py`` on 127.0.0.1.

One command prints the whole picture (about 10 minutes):

1. The curve: 10, 30, 50, 100 and 200 sessions (``--sessions``), each changing the
   sidebar's seed on the forward page every 1-3 s (a new network each time, nothing from
   a cache; ``scenario.py``), ``--duration`` seconds per count: rerun latency (median,
   p95, max), reruns per second, the server's CPU per rerun, its peak memory, and the
   machine's load average during that count. Then each count's p95 against the smallest
   count's and the replicas a class of ``--class-size`` needs, from the p95 and from the
   server's CPU per rerun (which other jobs on the machine do not inflate).
2. The heavy link (``heavy_link.py``): others' p95 alone and beside the heaviest check
   link the app accepts, in alternating windows, and how long until the server's memory
   is freed after a browser leaves that link mid-check.

    python tests/load/run_load.py                                    # everything
    python tests/load/run_load.py --sessions 10,100 --duration 20 --no-heavy-link
    python tests/load/run_load.py --url http://127.0.0.1:8600 --pids 1234,1235   # an existing server
    python tests/load/run_load.py --option runner.postScriptGC=true  # try a Streamlit option

Run it from a clean checkout (``git archive HEAD | tar -x -C /tmp/snap``): Streamlit
unloads and re-imports modules whose files change under it. On a shared machine every
figure comes with the load average it was measured at; on a quiet one the figures are
the app's own.

A maintainer's tool, not part of the test suite: loopback only, every loop bounded by
``--duration`` and a per-rerun timeout, and a server it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import heavy_link  # noqa: E402
import scenario  # noqa: E402
from st_client import check_loopback  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = None
    url = args.url
    if url is None:
        server, url = scenario.start_server(args.port or scenario.free_port(), args.option)
    check_loopback(url)
    pids = [int(p) for p in args.pids.split(",")] if args.pids else [server.pid]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    try:
        pages = [(args.page, "")] + ([] if args.no_heavy_link else [heavy_link.HEAVY_LINK])
        asyncio.run(scenario.warm_up(url, pages))
        rows = []
        for k, n in enumerate(int(s) for s in args.sessions.split(",")):
            row = asyncio.run(scenario.scenario(url, n, args, pids, seeds=k + 1))
            rows.append(row)
            print(_line(row), flush=True)
        print()
        print(_table(rows))
        print(_capacity(rows, args.class_size))
        print(_cpu_capacity(rows, args.class_size, args.think))
        for row in rows:
            for message in row["exception_messages"]:
                print(f"exception ({row['sessions']} sessions): {message}")
        if not args.no_heavy_link:
            print()
            heavy = heavy_link.measure(url, pids, args, seeds=len(rows) + 1)
            print(heavy["text"], flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps([{**r, "latencies": None} for r in rows], indent=1))
    finally:
        if server is not None:
            scenario.stop_server(server)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10,30,50,100,200", help="concurrent sessions per count")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds each count runs")
    parser.add_argument("--think", default="1,3", help="think time between reruns: low,high seconds")
    parser.add_argument("--page", default="forward", help="the page the sessions use")
    parser.add_argument("--no-heavy-link", action="store_true", help="the curve only")
    heavy_link.add_options(parser)
    parser.add_argument("--url", help="an existing server (loopback); else one is started")
    parser.add_argument(
        "--port", type=int, default=0, help="port of the server this script starts (default: a free one)"
    )
    parser.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE",
        help="a Streamlit option for the server it starts, e.g. runner.postScriptGC=true (repeatable)",
    )  # fmt: skip
    parser.add_argument("--pids", help="server processes whose memory and CPU to report (with --url)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--class-size", type=int, default=200, help="sessions to size replicas for")
    return parser


def _line(row: dict) -> str:
    return (
        f"{row['sessions']} sessions: {row['reruns']} reruns, median {row['median_s']:.3f} s, "
        f"p95 {row['p95_s']:.3f} s, max {row['max_s']:.3f} s, {row['throughput_per_s']:.1f}/s, "
        f"server CPU {row['server_cpu_per_rerun_ms']:.1f} ms a rerun ({row['server_cpu_s']:.1f} s in "
        f"{row['elapsed_s']:.1f} s: {_cores(row):.2f} cores), peak RSS {row['server_peak_rss_mb']:.0f} MB, "
        f"failures {row['failures']}, "
        f"exceptions {row['exceptions']}, client CPU {row['client_cpu_s']:.1f} s, "
        f"load average {row['load_average']:.1f}"
        + (
            f", per replica {row['sessions_per_replica']}, not sticky {row['not_sticky']}"
            if row["sessions_per_replica"]
            else ""
        )
    )


def _table(rows: list[dict]) -> str:
    """The curve as a Markdown table, each count with the load average it was measured at."""
    lines = [
        "| sessions | reruns | median (s) | p95 (s) | max (s) | reruns/s | server CPU a rerun (ms) "
        "| server cores busy | peak RSS (MB) | failures | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['sessions']} | {r['reruns']} | {r['median_s']:.3f} | {r['p95_s']:.3f} | {r['max_s']:.3f} "
            f"| {r['throughput_per_s']:.1f} | {r['server_cpu_per_rerun_ms']:.1f} | {_cores(r):.2f} "
            f"| {r['server_peak_rss_mb']:.0f} "
            f"| {r['failures']} | {r['load_average']:.1f} |"
        )
    return "\n".join(lines)


def _cores(row: dict) -> float:
    """The server's CPU seconds per second of the scenario: cores kept busy (reruns/s × CPU a rerun)."""
    return row["server_cpu_s"] / row["elapsed_s"] if row["elapsed_s"] else 0.0


SLOWDOWN = 2.0  # a count of sessions is served while its p95 stays within this of the smallest's


def _capacity(rows: list[dict], class_size: int) -> str:
    r"""p95 of each count against the smallest count's, and the replicas ``class_size`` sessions need.

    A replica (this machine's cores) serves the largest count measured whose p95 stays
    within SLOWDOWN × the smallest count's p95; replicas = ⌈class_size / that count⌉.
    """
    plain = sorted((r["sessions"], r["p95_s"]) for r in rows)
    if not plain:
        return ""
    base_n, base = plain[0]
    lines = [
        f"p95 against {base_n} sessions' ({base:.3f} s): "
        + ", ".join(f"{n}: {p / base:.1f}x" for n, p in plain)
    ]
    served = [n for n, p in plain if p <= SLOWDOWN * base]
    per_replica = max(served)
    replicas = -(-class_size // per_replica)
    lines.append(
        f"one replica serves {per_replica} sessions within {SLOWDOWN:.0f}x the p95 of {base_n} "
        f"(the largest count measured that does): {class_size} sessions need {replicas} replica(s)"
        + (" at most: no larger count was measured" if per_replica == plain[-1][0] < class_size else "")
    )
    return "\n".join(lines)


UTILIZATION = 0.7  # of a core: queues stay short below it


def _cpu_capacity(rows: list[dict], class_size: int, think: str) -> str:
    r"""Replicas from the server's CPU per rerun, which other jobs on the machine do not inflate.

    One Streamlit process computes on one core at a time (the GIL): kept at UTILIZATION of
    it, it serves UTILIZATION / (c r) sessions, c its CPU seconds per rerun (the median
    over scenarios) and r = 1 / (mean think time) the reruns each session asks for per second.
    """
    low, high = (float(x) for x in think.split(","))
    per_rerun = float(np.median([r["server_cpu_s"] / r["reruns"] for r in rows if r["reruns"]]))
    if per_rerun <= 0:
        return "server CPU per rerun unknown (no server process ids)"
    sessions = UTILIZATION / (per_rerun * 2.0 / (low + high))
    asked = ", ".join(
        f"{r['sessions']} ask {r['sessions'] * 2.0 / (low + high):.0f}/s: "
        f"{r['sessions'] * 2.0 / (low + high) * per_rerun:.2f} cores"
        for r in rows
    )
    return (
        f"server CPU {1000 * per_rerun:.1f} ms a rerun: one process, its core {UTILIZATION:.0%} busy, serves "
        f"{sessions:.0f} sessions asking every {(low + high) / 2:.0f} s; {class_size} need "
        f"{-(-class_size // int(sessions))} process(es), one per core\n"
        f"server CPU the sessions ask for (reruns a second × CPU a rerun, at most; the machine has "
        f"{os.cpu_count()} cores, the load client runs beside it): {asked}"
    )


if __name__ == "__main__":
    sys.exit(main())
