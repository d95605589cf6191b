"""Time to each page's first screen in Chromium, cold: ``python tests/browser/bench_first_screen.py``.

Not a test (pytest collects only test_*.py). Starts ``streamlit run app.py`` on a free port,
then, ``--rounds`` times, opens every page in a fresh browser context (a new Streamlit
session, an empty browser cache) and measures, from the start of the navigation:

- ``run``: the last Streamlit run of the first visit finished (``data-test-script-state``
  back to notRunning, the page settled as the browser tests define it);
- ``math``: the first KaTeX element in the document (st.latex or $...$ typeset), if any;
- ``first screen``: the later of the two.

Prints each page's median over the rounds, the median page, and the notes and your-own pages
as ratios to it (issue 15 asks the notes page's first screen within 2x the median page's).
The first round also pays the server's first imports (SymPy, Plotly) and empty caches, which
is why medians over several rounds are printed. Needs /usr/bin/chromium and playwright.
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
import urllib.error
import urllib.request
from pathlib import Path

# browser_support, as the tests import it; the repository, for `import backprop`
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[2])]

from browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    VIEWPORT,
    WATCH_SCRIPT,
    AppPage,
    page_files,
    page_name,
    page_path,
)

# Records when the last run finished and when the first typeset formula appeared
# (performance.now(): milliseconds since the navigation started).
TIMING_SCRIPT = """
(() => {
  if (window.__firstScreen) return;
  const fs = window.__firstScreen = {runFinished: null, katex: null};
  new MutationObserver(records => {
    const now = performance.now();
    if (fs.katex === null && document.querySelector('.katex')) fs.katex = now;
    for (const r of records) {
      const el = r.target;
      if (r.type === 'attributes' && el.getAttribute && el.getAttribute('data-testid') === 'stApp'
          && el.getAttribute('data-test-script-state') === 'notRunning') fs.runFinished = now;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""
START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on 127.0.0.1, waited for until /_stcore/health answers."""
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with code {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise SystemExit(f"streamlit did not answer within {START_TIMEOUT_S} s")
        time.sleep(0.2)  # polling interval while the server boots


def first_screen(browser, url: str, path: str) -> tuple[float, float | None]:
    """(run finished, first formula or None) in ms since navigation, for one cold visit."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(WATCH_SCRIPT)
        context.add_init_script(TIMING_SCRIPT)
        app = AppPage(context.new_page(), url).open(path)
        timing = app.page.evaluate("() => window.__firstScreen")
        return timing["runFinished"], timing["katex"]
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("pages", nargs="*", help="page files (default: every page that exists)")
    args = parser.parse_args()
    pages = args.pages or page_files()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (a benchmark-only dependency)

    runs: dict[str, list[float]] = {p: [] for p in pages}
    maths: dict[str, list[float]] = {p: [] for p in pages}
    screens: dict[str, list[float]] = {p: [] for p in pages}
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(Path(tmp) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for _ in range(args.rounds):
                    for page in pages:
                        run_ms, math_ms = first_screen(browser, url, page_path(page))
                        runs[page].append(run_ms)
                        if math_ms is not None:
                            maths[page].append(math_ms)
                        screens[page].append(max(run_ms, math_ms or 0.0))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)

    print(f"first screen in Chromium, cold session, ms (median of {args.rounds} rounds; "
          f"load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"{'page':16} {'run':>8} {'math':>8} {'first screen':>13}")
    medians = {}
    for page in pages:
        medians[page] = statistics.median(screens[page])
        math = f"{statistics.median(maths[page]):8.0f}" if maths[page] else f"{'-':>8}"
        print(f"{page_name(page):16} {statistics.median(runs[page]):8.0f} {math} {medians[page]:13.0f}")
    middle = statistics.median(medians.values())
    print(f"{'median page':16} {'':8} {'':8} {middle:13.0f}")
    for page in pages:
        if page_name(page) in ("notes", "your_own"):
            print(f"{page_name(page)} / median page: {medians[page] / middle:.2f} (issue 15 asks <= 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
