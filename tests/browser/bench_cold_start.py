r"""Cold start: ``streamlit run`` to the first page drawn in Chromium, ours against a bare app.

    python tests/browser/bench_cold_start.py            # 5 starts of each, alternating
    python tests/browser/bench_cold_start.py --runs 3

Not a test (pytest collects only test_*.py). Each start launches a fresh server on a free
port of 127.0.0.1 (``streamlit run app.py``, or a one-line ``st.write`` app written to a
temporary folder), opens it in one headless Chromium (the browser tests' flags), and
times from the launch to two events: the first element the script drew in the main area
(``first``), and the end of that first run with nothing stale or skeletal left on the page
(``settled``). The servers alternate, so a busy spell of the shared machine falls on both.
Medians and the ratio ours / bare are printed (issue 16 asks for ``first`` at most 1.5).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[2])]
from browser_support import CHROMIUM, CHROMIUM_ARGS, REPO, SERVER_START_TIMEOUT_S  # noqa: E402

BARE_APP = 'import streamlit as st\n\nst.write("Hello")\n'
FIRST = '[data-testid="stMain"] [data-testid="stElementContainer"]'
SETTLED = (
    "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return app && app.dataset.testScriptState === 'notRunning'"
    " && app.dataset.testConnectionState === 'CONNECTED'"
    " && document.querySelector(arguments_first) !== null"
    ' && !document.querySelector(\'[data-testid="stSkeleton"], [data-testid="stAppSkeleton"],'
    ' [data-testid="stElementContainer"][data-stale="true"]\'); }'
)
RATIO = 1.5
EVENTS = ("healthy", "first", "settled")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(script: Path, port: int, log) -> subprocess.Popen:
    """``streamlit run script`` on 127.0.0.1:port, as the browser tests start it."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=script.parent, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    """Until the server answers its health check (polled; gives up after SERVER_START_TIMEOUT_S)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"{url} not healthy within {SERVER_START_TIMEOUT_S} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server this script started, by its process id."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def one_start(browser, script: Path) -> tuple[float, float, float]:
    """Seconds from launch to (healthy, first element drawn, first run settled)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        began = time.perf_counter()
        process = start(script, port, log)
        try:
            wait_healthy(url, process)
            healthy = time.perf_counter() - began
            context = browser.new_context()
            page = context.new_page()
            page.goto(url, wait_until="commit")
            page.wait_for_selector(FIRST, state="visible", timeout=SERVER_START_TIMEOUT_S * 1000)
            first = time.perf_counter() - began
            page.wait_for_function(
                SETTLED.replace("arguments_first", repr(FIRST)), timeout=SERVER_START_TIMEOUT_S * 1000
            )
            settled = time.perf_counter() - began
            context.close()
        finally:
            stop(process)
    return healthy, first, settled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (a dev requirement)

    times: dict[str, list[tuple[float, float, float]]] = {"bare": [], "ours": []}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        bare = Path(folder) / "bare_app.py"
        bare.write_text(BARE_APP)
        apps = {"bare": bare, "ours": REPO / "app.py"}
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for run in range(args.runs):
                for name, script in apps.items():
                    times[name].append(one_start(browser, script))
                    seconds = ", ".join(f"{what} {s:.2f} s" for what, s in zip(EVENTS, times[name][-1]))
                    print(f"run {run + 1} {name:5} {seconds}")
        finally:
            browser.close()
    print(f"\ncold start, median of {args.runs} (s; load average {os.getloadavg()[0]:.1f})")
    print(f"{'':6} {'healthy':>8} {'first':>8} {'settled':>8}")
    medians = {
        name: [statistics.median(t[i] for t in rows) for i in range(3)] for name, rows in times.items()
    }
    for name, (healthy, first, settled) in medians.items():
        print(f"{name:6} {healthy:8.2f} {first:8.2f} {settled:8.2f}")
    ratios = [o / b for o, b in zip(medians["ours"], medians["bare"], strict=True)]
    flag = "" if ratios[1] <= RATIO else f"  first over {RATIO}x"
    print(f"{'ratio':6} {ratios[0]:8.2f} {ratios[1]:8.2f} {ratios[2]:8.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
