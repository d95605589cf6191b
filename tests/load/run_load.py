"""Load test: many simulated students against a real ``streamlit run app.py`` on 127.0.0.1.

Each simulated session connects to /_stcore/stream as a browser does (``st_client``),
opens a page, and then, after a think time, changes the sidebar's seed (a new network,
so nothing comes from a cache) and waits for the rerun to finish, until the scenario's
time is up. A "heavy" session, when present, sits on the symbolic page with a network
whose whole-network SymPy derivation takes seconds (a child process, backprop.core.isolate)
and changes the seed again as soon as each derivation ends.

Reported per scenario: rerun latency of the ordinary sessions (median, 95th percentile,
max), throughput (reruns per second), the server's memory (peak RSS of its process tree)
and, with a heavy session, how much it added to everyone else's p95.

    python tests/load/run_load.py                          # 10, 30, 50 sessions; with and without heavy
    python tests/load/run_load.py --sessions 30 --duration 20
    python tests/load/run_load.py --url http://127.0.0.1:8600 --pids 1234,1235   # an existing server
    python tests/load/run_load.py --option runner.postScriptGC=false   # try a Streamlit option

Run it from a clean checkout (``git archive HEAD | tar -x -C /tmp/snap``): Streamlit
unloads and re-imports modules whose files change under it. On a machine shared with
other jobs, ``nice -n -10`` (as root) keeps their load out of the figures.

A maintainer's tool, not part of the test suite: loopback only, every loop bounded by
``--duration`` and a per-rerun timeout, and a server it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from st_client import Session, check_loopback  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HEAVY_QUERY = "sizes=8,10,10,10,2&m=4"  # about 3 s of SymPy per seed, under the symbolic limits
RERUN_TIMEOUT = 90.0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = None
    url = args.url
    if url is None:
        server, url = _start_server(args.port or _free_port(), args.option)
    check_loopback(url)
    pids = [int(p) for p in args.pids.split(",")] if args.pids else [server.pid]
    try:
        asyncio.run(_warm_up(url, args.page))
        rows = []
        for n in (int(s) for s in args.sessions.split(",")):
            for heavy in {"both": (False, True), "no": (False,), "only": (True,)}[args.heavy]:
                row = asyncio.run(_scenario(url, n, heavy, args, pids, seeds=len(rows) + 1))
                rows.append(row)
                print(_line(row), flush=True)
        print()
        print(_table(rows))
        print(_capacity(rows, args.class_size))
        print(_cpu_capacity(rows, args.class_size, args.think))
        for row in rows:
            for message in row["exception_messages"]:
                print(f"exception ({row['sessions']} sessions, heavy {row['heavy']}): {message}")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10,30,50", help="concurrent sessions per scenario")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds each scenario runs")
    parser.add_argument("--think", default="1,3", help="think time between reruns: low,high seconds")
    parser.add_argument("--page", default="forward", help="the page the sessions use")
    parser.add_argument("--heavy", choices=("both", "no", "only"), default="both")
    parser.add_argument("--url", help="an existing server (loopback); else one is started")
    parser.add_argument(
        "--port", type=int, default=0, help="port of the server this script starts (default: a free one)"
    )
    parser.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE",
        help="a Streamlit option for the server it starts, e.g. runner.postScriptGC=false (repeatable)",
    )  # fmt: skip
    parser.add_argument("--pids", help="server processes whose memory to report (with --url)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--class-size", type=int, default=200, help="sessions to size replicas for")
    return parser


def _free_port() -> int:
    """A port nobody listens on now (another server on a fixed port would answer our health check)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env() -> dict[str, str]:
    """The environment ``backprop app`` gives its server: BLAS at one thread (launch.BLAS_THREADS)."""
    sys.path.insert(0, str(ROOT))
    from backprop.io.launch import server_environment  # noqa: PLC0415

    return server_environment()


def _start_server(port: int, options: list[str]) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on 127.0.0.1:port in its own process group; waits until healthy."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true",
    ]  # fmt: skip
    for option in options:
        name, _, value = option.partition("=")
        command += [f"--{name}", value]
    log = open(f"/tmp/run_load_server_{port}.log", "w")  # noqa: SIM115 (lives as long as the server)
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=_server_env()
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"the server did not become healthy within 60 s (log: {log.name})")


async def _warm_up(url: str, page: str) -> None:
    """One session on each page the test uses: imports and caches filled before timing."""
    for name, query in ((page, ""), ("symbolic", HEAVY_QUERY)):
        session = Session(url, page=name, query=query)
        await session.connect()
        await session.rerun(timeout=RERUN_TIMEOUT)
        await session.close()


async def _scenario(url: str, n: int, heavy: bool, args, pids: list[int], seeds: int, heavy_run=None) -> dict:
    """n ordinary sessions (and one heavy one) for args.duration seconds; the measured row.

    ``heavy_run`` is the heavy session's coroutine function (default ``_heavy``, the
    symbolic page), called as heavy_run(url, seed, deadline, latencies, failures).

    Every rerun asks for a seed no earlier rerun of this server used (``seeds`` numbers
    the scenario), so no result comes from a cache filled by an earlier scenario.
    """
    low, high = (float(x) for x in args.think.split(","))
    sessions = [Session(url, page=args.page) for _ in range(n)]
    first = await _connect_all(sessions)
    latencies: list[float] = []
    failures = [0]
    heavy_latencies: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_memory(pids, stop))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    server_cpu_before = sum(_cpu_seconds(pid) for pid in pids)
    load_before = os.getloadavg()[0]
    deadline = time.monotonic() + args.duration
    base = seeds * 10_000_000
    tasks = [
        _ordinary(s, base + 100_000 * (k + 1), deadline, low, high, latencies, failures)
        for k, s in enumerate(sessions)
    ]
    heavy_task = (
        asyncio.create_task((heavy_run or _heavy)(url, base + 9_000_000, deadline, heavy_latencies, failures))
        if heavy
        else None
    )
    start = time.monotonic()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start  # the ordinary sessions' time: throughput is theirs
    server_cpu = sum(_cpu_seconds(pid) for pid in pids) - server_cpu_before
    stop.set()
    if heavy_task is not None:
        await heavy_task  # ends after the derivation in progress (at most RERUN_TIMEOUT)
    peak_mb = await sampler
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    lat = np.array(latencies) if latencies else np.array([np.nan])
    return {
        "sessions": n,
        "heavy": heavy,
        "reruns": len(latencies),
        "median_s": float(np.median(lat)),
        "p95_s": float(np.percentile(lat, 95)),
        "max_s": float(np.max(lat)),
        "throughput_per_s": len(latencies) / elapsed,
        "first_load_median_s": float(np.median(first)),
        "heavy_reruns": len(heavy_latencies),
        "heavy_median_s": float(np.median(heavy_latencies)) if heavy_latencies else None,
        "failures": failures[0],
        "exceptions": sum(s.exceptions for s in sessions),
        "exception_messages": sorted({m for s in sessions for m in s.exception_messages})[:5],
        "sessions_per_replica": dict(Counter(s.replica_of_stream for s in sessions if s.replica_of_stream)),
        "not_sticky": sum(s.replica_of_page != s.replica_of_stream for s in sessions),
        "server_peak_rss_mb": peak_mb,
        "client_cpu_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu_before,
        "server_cpu_s": server_cpu,
        "elapsed_s": elapsed,
        "load_average_before": load_before,
    }


async def _connect_all(sessions: list[Session]) -> list[float]:
    """Connect and run each session's first page, ten at a time (as a class arriving)."""
    gate = asyncio.Semaphore(10)

    async def one(session: Session) -> float:
        async with gate:
            await session.connect()
            return await session.rerun(timeout=RERUN_TIMEOUT)

    return list(await asyncio.gather(*(one(s) for s in sessions)))


async def _ordinary(session, seed0, deadline, low, high, latencies, failures) -> None:
    rng = random.Random(seed0)
    seed = seed0
    while True:
        await asyncio.sleep(rng.uniform(low, high))
        if time.monotonic() >= deadline:
            return
        seed += 1
        session.set_int("sb_seed", seed)
        try:
            latencies.append(await session.rerun(timeout=RERUN_TIMEOUT))
        except (TimeoutError, OSError, Exception):  # noqa: BLE001 (a failed rerun is counted, not fatal)
            failures[0] += 1
            return


async def _heavy(url, seed, deadline, latencies, failures) -> None:
    """One session asking for a new whole-network SymPy derivation as soon as the last one ends."""
    session = Session(url, page="symbolic", query=HEAVY_QUERY)
    await session.connect()
    await session.rerun(timeout=RERUN_TIMEOUT)
    try:
        while time.monotonic() < deadline:
            seed += 1
            session.set_int("sb_seed", seed)
            latencies.append(await session.rerun(timeout=RERUN_TIMEOUT))
    except Exception:  # noqa: BLE001
        failures[0] += 1
    finally:
        await session.close()


async def _memory(pids: list[int], stop: asyncio.Event) -> float:
    """Peak resident memory (MB) of the server processes and all their children, sampled twice a second."""
    peak = 0.0
    while not stop.is_set():
        peak = max(peak, sum(_tree_rss(pid) for pid in pids) / 2**20)
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except TimeoutError:
            pass
    return peak


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and the children it has waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def _tree_rss(pid: int) -> int:
    """RSS in bytes of a process and its descendants (from /proc)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _tree_rss(int(child))
    except (OSError, ValueError):
        pass
    return total


def _line(row: dict) -> str:
    heavy = (
        f", heavy session: {row['heavy_reruns']} derivations, median {row['heavy_median_s']}"
        if row["heavy"]
        else ""
    )
    return (
        f"{row['sessions']} sessions{' + heavy' if row['heavy'] else ''}: {row['reruns']} reruns, "
        f"median {row['median_s']:.3f} s, p95 {row['p95_s']:.3f} s, max {row['max_s']:.3f} s, "
        f"{row['throughput_per_s']:.1f}/s, peak RSS {row['server_peak_rss_mb']:.0f} MB, "
        f"failures {row['failures']}, exceptions {row['exceptions']}, server CPU {row['server_cpu_s']:.1f} s "
        f"in {row['elapsed_s']:.1f} s, client CPU {row['client_cpu_s']:.1f} s, "
        f"load average before {row['load_average_before']:.1f}{heavy}"
        + (
            f", per replica {row['sessions_per_replica']}, not sticky {row['not_sticky']}"
            if row["sessions_per_replica"]
            else ""
        )
    )


def _table(rows: list[dict]) -> str:
    """A Markdown table; for heavy rows, the change of p95 against the same count without."""
    plain = {r["sessions"]: r["p95_s"] for r in rows if not r["heavy"]}
    lines = [
        "| sessions | heavy session | reruns | median (s) | p95 (s) | p95 change | max (s) | reruns/s "
        "| peak RSS (MB) | failures |",
        "|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        change = ""
        if r["heavy"] and r["sessions"] in plain:
            change = f"{100 * (r['p95_s'] / plain[r['sessions']] - 1):+.0f}%"
        lines.append(
            f"| {r['sessions']} | {'yes' if r['heavy'] else 'no'} | {r['reruns']} | {r['median_s']:.3f} "
            f"| {r['p95_s']:.3f} | {change} | {r['max_s']:.3f} | {r['throughput_per_s']:.1f} "
            f"| {r['server_peak_rss_mb']:.0f} | {r['failures']} |"
        )
    return "\n".join(lines)


SLOWDOWN = 2.0  # a count of sessions is served while its p95 stays within this of the smallest's


def _capacity(rows: list[dict], class_size: int) -> str:
    r"""p95 of each count against the smallest count's, and the replicas ``class_size`` sessions need.

    A replica (this machine's cores) serves the largest count measured whose p95 stays
    within SLOWDOWN × the smallest count's p95; replicas = ⌈class_size / that count⌉.
    """
    plain = sorted((r["sessions"], r["p95_s"]) for r in rows if not r["heavy"])
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
    sessions = UTILIZATION / (per_rerun * 2.0 / (low + high))
    return (
        f"server CPU {1000 * per_rerun:.1f} ms a rerun: one process, its core {UTILIZATION:.0%} busy, serves "
        f"{sessions:.0f} sessions asking every {(low + high) / 2:.0f} s; {class_size} need "
        f"{-(-class_size // int(sessions))} process(es), one per core"
    )


if __name__ == "__main__":
    sys.exit(main())
