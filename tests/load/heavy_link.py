"""The heaviest check link the app accepts, among ordinary sessions: what it costs the others.

Two figures, against a real ``streamlit run app.py`` on 127.0.0.1 (``run_load.py`` prints
both after the curve; this file alone prints only these):

1. Others' p95. Ordinary sessions change their seed on the forward page in windows of
   ``--window`` seconds, alternately alone and beside one session that opens HEAVY_LINK
   with a new seed as soon as its last check ended (and leaves at the window's end).
   Alternating (alone, heavy, alone, heavy, alone) spreads a shared machine's drift over
   both sides; the reruns of each side are pooled. The heavy link is the largest network
   under ``backprop.core.spec.MAX_MULTIPLY_ADDS`` (8 layers of 200, m = 93: 29.8 million
   multiply-adds per forward pass), on the check page, whose finite differences and SymPy
   leg run in an isolated child (``backprop.core.isolate``). The bar: under +20%.
2. Memory freed. One more session opens the heavy link with a new seed and leaves once
   the page shows it is checking (a tab closed mid-request). The server's process tree
   (server, forkserver, children) is sampled every 0.1 s; reported are its peak above the
   baseline and when it was last seen with a child or more than FREED_MB above the
   baseline, against the check's budget (CHECK_SECONDS + REFERENCE_SECONDS) plus 1 s.

    python tests/load/heavy_link.py --sessions 10 --window 20 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenario  # noqa: E402
from st_client import Session  # noqa: E402

sys.path.insert(0, str(scenario.ROOT))
import streamlit.logger  # noqa: E402

streamlit.logger.set_log_level("error")  # importing results outside a server warns "no runtime"
from backprop.ui.results import CHECK_SECONDS, REFERENCE_SECONDS  # noqa: E402

HEAVY_LINK = ("check", "sizes=" + ",".join(["200"] * 9) + "&m=93")
FREED_MB = 30.0  # back within this of the baseline counts as freed (allocator slack)
SAMPLE_S = 0.1
CHECKING = "Checking every entry"  # the check page's spinner (check.working)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    server, url = scenario.start_server(scenario.free_port(), [])
    try:
        asyncio.run(scenario.warm_up(url, [(args.page, ""), HEAVY_LINK]))
        report = measure(url, [server.pid], args, seeds=1)
        print(report["text"])
    finally:
        scenario.stop_server(server)
    return 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_options(parser)
    parser.add_argument("--page", default="forward", help="the page the ordinary sessions use")
    parser.add_argument("--think", default="1,3", help="think time between reruns: low,high seconds")
    return parser


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--heavy-sessions", type=int, default=10, help="ordinary sessions beside the heavy link"
    )
    parser.add_argument("--window", type=float, default=20.0, help="seconds of each alone or heavy window")
    parser.add_argument("--rounds", type=int, default=2, help="heavy windows (each between two alone ones)")


def measure(url: str, pids: list[int], args, seeds: int) -> dict:
    """The alternating comparison and the memory figure; ``text`` is the printed report."""
    windows = argparse.Namespace(duration=args.window, think=args.think, page=args.page)
    rows, lines = [], []
    for k in range(2 * args.rounds + 1):
        heavy = k % 2 == 1
        row = asyncio.run(
            scenario.scenario(
                url,
                args.heavy_sessions,
                windows,
                pids,
                seeds=seeds + k,
                extra=heavy_session if heavy else None,
            )
        )
        rows.append(row)
        lines.append(
            f"  window {k + 1} ({'heavy link' if heavy else 'alone'}): {row['reruns']} reruns, p95 "
            f"{row['p95_s']:.3f} s, server CPU {row['server_cpu_per_rerun_ms']:.1f} ms a rerun, load average "
            f"{row['load_average']:.1f}" + (f", {row['heavy_reruns']} heavy checks finished" if heavy else "")
        )
    alone = [x for r in rows if not r["heavy"] for x in r["latencies"]]
    beside = [x for r in rows if r["heavy"] for x in r["latencies"]]
    p95_alone, p95_heavy = float(np.percentile(alone, 95)), float(np.percentile(beside, 95))
    cpu = {
        h: np.median([r["server_cpu_per_rerun_ms"] for r in rows if r["heavy"] == h]) for h in (False, True)
    }
    loads = {h: np.mean([r["load_average"] for r in rows if r["heavy"] == h]) for h in (False, True)}
    change = 100 * (p95_heavy / p95_alone - 1)
    freed = asyncio.run(_freed(url, pids, seeds * 10_000_000 + 7_000_000))
    budget = CHECK_SECONDS + REFERENCE_SECONDS
    text = "\n".join(
        [
            f"heavy link ({HEAVY_LINK[0]}?{HEAVY_LINK[1]}) beside {args.heavy_sessions} sessions, "
            f"{args.rounds} heavy windows of {args.window:g} s between alone ones:",
            *lines,
            f"others' p95 {p95_alone:.3f} s alone (load average {loads[False]:.1f}), "
            f"{p95_heavy:.3f} s beside the heavy link (load average {loads[True]:.1f}): {change:+.0f}% "
            f"(bar: under +20%); server CPU "
            f"{cpu[False]:.1f} and {cpu[True]:.1f} ms a rerun",
            f"memory: baseline {freed['baseline_mb']:.0f} MB, peak +{freed['peak_mb']:.0f} MB, isolated "
            f"children {freed['children']}; freed within {freed['freed_s']:.1f} s after the browser left "
            f"(bar: its budget {budget:.0f} s + 1 s), load average {os.getloadavg()[0]:.1f}",
        ]
    )
    return {
        "rows": rows,
        "p95_alone": p95_alone,
        "p95_heavy": p95_heavy,
        "change": change,
        **freed,
        "text": text,
    }


async def _open(url: str, seed: int, wait: bool) -> float:
    """Open HEAVY_LINK with ``seed``; wait for its run (seconds), or leave once the check began."""
    page, query = HEAVY_LINK
    session = Session(url, page=page, query=f"{query}&seed={seed}")
    await session.connect()
    start = time.perf_counter()
    try:
        if wait:
            await session.rerun(timeout=scenario.RERUN_TIMEOUT * 2)
        else:  # leave once the page shows it is checking (the isolated child is starting)
            await session.send_rerun()
            await asyncio.wait_for(session.until_text(CHECKING), scenario.RERUN_TIMEOUT)
    finally:
        await session.close()
    return time.perf_counter() - start


async def heavy_session(url, seed, deadline, latencies, failures) -> None:
    """The heavy link with a new seed as soon as the last check ended; leaves at the deadline."""
    try:
        while (left := deadline - time.monotonic()) > 0:
            seed += 1
            try:
                latencies.append(await asyncio.wait_for(_open(url, seed, wait=True), left))
            except TimeoutError:
                return  # the window ended mid-check: the session closed, as a tab would
    except Exception:  # noqa: BLE001 (a failed heavy request is counted, not fatal)
        failures[0] += 1


async def _freed(url: str, pids: list[int], seed: int) -> dict:
    """Open the heavy link and leave once its check started; watch the server's process tree.

    Sampled until the check's whole budget (plus 5 s) has passed, or 5 s after the tree
    was last seen busy; freed is that last moment (a child alive, or memory above
    FREED_MB over the baseline).
    """
    baseline_pids = len(scenario.tree(pids))
    baseline = _rss_mb(pids)
    start = time.monotonic()
    await _open(url, seed=seed, wait=False)
    left_at = time.monotonic()
    end = left_at + CHECK_SECONDS + REFERENCE_SECONDS + 5
    peak, children, busy_until = 0.0, 0, left_at
    while time.monotonic() < min(end, busy_until + 5):
        now, count = _rss_mb(pids) - baseline, len(scenario.tree(pids))
        peak, children = max(peak, now), max(children, count - baseline_pids)
        if count > baseline_pids or now > FREED_MB:
            busy_until = time.monotonic()
        await asyncio.sleep(SAMPLE_S)
    return {
        "baseline_mb": baseline,
        "peak_mb": peak,
        "freed_s": busy_until - left_at + SAMPLE_S,  # free at the next sample
        "children": children,
        "opened_s": left_at - start,
    }


def _rss_mb(pids: list[int]) -> float:
    return sum(scenario.tree_rss(pid) for pid in pids) / 2**20


if __name__ == "__main__":
    sys.exit(main())
