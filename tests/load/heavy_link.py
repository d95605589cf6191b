"""Load test: the heaviest check link the app accepts, among ordinary sessions.

Two figures, against a real ``streamlit run app.py`` on 127.0.0.1:

1. Others' p95. ``--sessions`` ordinary sessions change their seed on the forward page
   (run_load's scenario), first alone, then beside one session that opens HEAVY_LINK
   with a new seed as soon as its last check ends. The heavy link is the largest network
   under ``backprop.ui.limits.MAX_MULTIPLY_ADDS`` (8 layers of 200, m = 93: 29.8 million
   multiply-adds per forward pass), on the check page, whose finite differences and
   SymPy leg run in an isolated child with CHECK_SECONDS. The row reports the change
   of the ordinary sessions' p95 (the bar: under +20%).
2. Memory freed. One more session opens the heavy link with a new seed and leaves at
   once (closes its WebSocket, as a browser tab closed mid-request). The server's
   process tree (server, forkserver, children) is sampled every 0.1 s; reported are its
   peak above the baseline and when it came back within FREED_MB of the baseline,
   against the check's budget (CHECK_SECONDS + REFERENCE_SECONDS, the most it may take)
   plus 1 s.

    python tests/load/heavy_link.py --sessions 10 --duration 30

A maintainer's tool like run_load.py: loopback only, every loop bounded, the server it
started stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_load  # noqa: E402
from st_client import Session  # noqa: E402

sys.path.insert(0, str(run_load.ROOT))
from backprop.ui import results  # noqa: E402  (the check budgets; logs that no Streamlit runtime is running)

HEAVY_LINK = ("check", "sizes=" + ",".join(["200"] * 9) + "&m=93")
FREED_MB = 30.0  # back within this of the baseline counts as freed (allocator slack)
SAMPLE_S = 0.1
CHECKING = "Checking every entry"  # the check page's spinner (check.working)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    port = run_load._free_port()
    server, url = run_load._start_server(port, [])
    pids = [server.pid]
    try:
        asyncio.run(run_load._warm_up(url, args.page))
        asyncio.run(_open(url, seed=1, wait=True))  # imports and the forkserver, before timing
        plain = asyncio.run(run_load._scenario(url, args.sessions, False, args, pids, seeds=1))
        print(run_load._line(plain), flush=True)
        heavy = asyncio.run(
            run_load._scenario(url, args.sessions, True, args, pids, seeds=2, heavy_run=_heavy_link)
        )
        print(run_load._line(heavy), flush=True)
        again = asyncio.run(run_load._scenario(url, args.sessions, False, args, pids, seeds=3))
        print(run_load._line(again), flush=True)
        alone = (plain["p95_s"] + again["p95_s"]) / 2  # before and after: the machine's drift
        change = 100 * (heavy["p95_s"] / alone - 1)
        print(f"others' p95: {plain['p95_s']:.3f} s and {again['p95_s']:.3f} s alone, {heavy['p95_s']:.3f} s "
              f"beside the heavy link ({change:+.0f}%; {heavy['heavy_reruns']} heavy checks, "
              f"median {heavy['heavy_median_s']} s)")  # fmt: skip
        freed = asyncio.run(_freed(url, pids))
        budget = results.CHECK_SECONDS + results.REFERENCE_SECONDS
        print(f"memory: baseline {freed['baseline_mb']:.0f} MB, peak +{freed['peak_mb']:.0f} MB, "
              f"isolated children {freed['children']}, tree back to its processes and within "
              f"{FREED_MB:.0f} MB after {freed['freed_s']:.1f} s (budget {budget:.0f} s + 1 s)")  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="ordinary sessions")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds each scenario runs")
    parser.add_argument("--think", default="1,3", help="think time between reruns: low,high seconds")
    parser.add_argument("--page", default="forward", help="the page the ordinary sessions use")
    return parser


async def _open(url: str, seed: int, wait: bool) -> float:
    """Open HEAVY_LINK with ``seed``; wait for its run (seconds), or leave once the check began."""
    page, query = HEAVY_LINK
    session = Session(url, page=page, query=f"{query}&seed={seed}")
    await session.connect()
    start = time.perf_counter()
    try:
        if wait:
            await session.rerun(timeout=run_load.RERUN_TIMEOUT * 2)
        else:  # leave once the page shows it is checking (the isolated child is starting)
            await session.send_rerun()
            await asyncio.wait_for(session.until_text(CHECKING), run_load.RERUN_TIMEOUT)
    finally:
        await session.close()
    return time.perf_counter() - start


async def _heavy_link(url, seed, deadline, latencies, failures) -> None:
    """The heavy session: the heavy link with a new seed as soon as the last check ended."""
    try:
        while time.monotonic() < deadline:
            seed += 1
            latencies.append(await _open(url, seed, wait=True))
    except Exception:  # noqa: BLE001 (a failed heavy request is counted, not fatal)
        failures[0] += 1


async def _freed(url: str, pids: list[int]) -> dict:
    """Open the heavy link and leave once its check started; watch the server's process tree.

    The tree is sampled until the check's whole budget (plus 5 s) has passed; freed is the
    last moment it held more processes than before (an isolated child) or more than
    FREED_MB above the baseline memory.
    """
    baseline_pids = len(_tree(pids))
    baseline = _rss_mb(pids)
    start = time.monotonic()
    await _open(url, seed=77_000_000, wait=False)
    end = start + results.CHECK_SECONDS + results.REFERENCE_SECONDS + 5
    peak, children, busy_until = 0.0, 0, start
    while time.monotonic() < end:
        now, count = _rss_mb(pids) - baseline, len(_tree(pids))
        peak, children = max(peak, now), max(children, count - baseline_pids)
        if count > baseline_pids or now > FREED_MB:
            busy_until = time.monotonic()
        await asyncio.sleep(SAMPLE_S)
    return {"baseline_mb": baseline, "peak_mb": peak, "freed_s": busy_until - start, "children": children}


def _rss_mb(pids: list[int]) -> float:
    return sum(run_load._tree_rss(pid) for pid in pids) / 2**20


def _tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants (from /proc)."""
    found = []
    todo = list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            pass
    return found


if __name__ == "__main__":
    sys.exit(main())
