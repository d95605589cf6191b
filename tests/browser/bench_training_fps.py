r"""Frames drawn per second on the training page, in headless Chromium (a benchmark, not a test).

    python tests/browser/bench_training_fps.py [--seconds 10] [--query "tr_k=5"] [--vanishing]

Starts ``streamlit run app.py`` on a free port of 127.0.0.1 (as tests/browser/conftest.py
does), opens /training, presses play, and for ``--seconds`` counts the frames the browser
draws: a MutationObserver on the step counter (``.st-key-tr_counter``) records the time of
every change of its text. It prints the frames of every whole second, their median (the
frames per second), the median gap between frames, the load average before and after,
and the machine's core count. The target is at least 5 frames per second on the default
network.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # browser_support, and the repository for `import backprop`

from browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WATCH_SCRIPT, AppPage  # noqa: E402
from conftest import _free_port, _stop  # noqa: E402

COUNTER = ".st-key-tr_counter"
# times (performance.now(), ms) of every change of the step counter's text
OBSERVE = """
(selector) => {
  const times = window.__frames = [];
  let last = null;
  const read = () => {
    const el = document.querySelector(selector + ' [data-testid="stMetricValue"]');
    return el ? el.textContent : null;
  };
  last = read();
  new MutationObserver(() => {
    const now = read();
    if (now !== null && now !== last) { last = now; times.push(performance.now()); }
  }).observe(document.querySelector('[data-testid="stApp"]'),
             {subtree: true, childList: true, characterData: true});
}
"""


def start_server(port: int, log: Path):
    import subprocess

    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    sink = log.open("wb")
    return subprocess.Popen(command, cwd=HERE.parents[1], stdout=sink, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process, seconds: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling while the server boots
    raise SystemExit(f"streamlit did not answer {url} within {seconds} s")


def per_second(times_ms: list[float]) -> list[int]:
    """Frames in each whole second from the first frame on (the last, partial second left out)."""
    if len(times_ms) < 2:
        return []
    start, end = times_ms[0], times_ms[-1]
    counts = [0] * int((end - start) // 1000)
    for t in times_ms:
        k = int((t - start) // 1000)
        if k < len(counts):
            counts[k] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--query", default="", help="extra URL query, e.g. 'tr_k=20'")
    parser.add_argument("--vanishing", action="store_true", help="the deep sigmoid / ReLU mode")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_training_{port}.log"
    process = start_server(port, log)
    load_before = os.getloadavg()
    try:
        wait_healthy(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(WATCH_SCRIPT)
            app = AppPage(context.new_page(), url)
            app.open("/training" + (f"?{args.query}" if args.query else ""))
            if args.vanishing:
                app.act(lambda: app.page.locator(".st-key-tr_vanishing label").click())
            app.wait_for_charts()
            app.page.evaluate(OBSERVE, COUNTER)
            app.page.locator(".st-key-tr_play button").click()
            time.sleep(args.seconds)  # the measuring window of a benchmark
            times = app.page.evaluate("() => window.__frames")
            app.page.locator(".st-key-tr_play button").click()  # pause
            browser.close()
    finally:
        _stop(process)
    counts = per_second(times)
    gaps = [b - a for a, b in zip(times, times[1:])]
    report = {
        "page": "/training" + (" (vanishing)" if args.vanishing else ""),
        "query": args.query,
        "frames": len(times),
        "frames_per_second": counts,
        "median_fps": statistics.median(counts) if counts else 0,
        "median_gap_ms": round(statistics.median(gaps), 1) if gaps else None,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
