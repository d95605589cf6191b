r"""Click-to-rendered time of each kind of control, beside a bare Streamlit app's button (a benchmark).

    python tests/browser/bench_clicks.py [--rounds 9]

Starts ``streamlit run app.py`` and, on another free port, a bare one-button Streamlit app
written to a temporary directory, both on 127.0.0.1. In headless Chromium it then clicks,
round after round so that both see the same load: the bare app's button; on the step-through
page the next-step button and the entry picker (the row's + / −); on the backward and
symbolic pages the entry picker (row i: another option); on the practice page the
next exercise, a hint and Check (an answer typed or picked first); on the presenter the
reveal and the next slide. A click's time runs from ``element.click()`` to the first
animation frame at which the run it started has finished and no element is stale
(``requestAnimationFrame`` polling in the page). It prints each control's median, its ratio
to the bare app's median (target at most 1.5), the rounds, the load average before and
after and the core count. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # browser_support, and the repository for `import backprop`

from bench_training_fps import wait_healthy  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WATCH_SCRIPT, AppPage  # noqa: E402
from conftest import _free_port, _stop  # noqa: E402

BARE_APP = """
import streamlit as st

st.session_state.setdefault("n", 0)


def more():
    st.session_state.n += 1


st.button("Click", key="bare", on_click=more)
st.write(f"clicked {st.session_state.n} times")
"""

# Click the element, then wait (one check per animation frame) until the run the click asked
# for has finished and nothing on the page is stale; the milliseconds between, or null.
CLICK = """
async (selector) => {
  const w = window.__stWatch, app = document.querySelector('[data-testid="stApp"]');
  const before = w.finished, element = document.querySelector(selector);
  if (!element || element.disabled) return null;
  const t0 = performance.now();
  element.click();
  const done = () => w.finished > before
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
  return await new Promise(resolve => {
    const poll = () => {
      if (done()) resolve(performance.now() - t0);
      else if (performance.now() - t0 > 120000) resolve(null);
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
}
"""


def server(script: str, cwd: Path, port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def click(app: AppPage, selector: str) -> float | None:
    """One measured click (ms), then the page settled; None if the control was missing or disabled."""
    ms = app.page.evaluate(CLICK, selector)
    app.settle()
    return ms


def enabled(app: AppPage, selector: str) -> bool:
    script = "(s) => { const e = document.querySelector(s); return !!e && !e.disabled; }"
    return app.page.evaluate(script, selector)


def either(app: AppPage, first: str, second: str) -> float | None:
    """Click ``first`` if it can act, else ``second`` (forward at the end: back)."""
    return click(app, first if enabled(app, first) else second)


def answer_and_check(app: AppPage) -> float | None:
    """Type or pick an answer (a form: no run), then the measured click on Check."""
    form = app.page.locator('[data-testid="stForm"]')
    if form.locator('[role="radiogroup"] label').count():
        form.locator('[role="radiogroup"] label').first.click()
    else:
        form.locator('input[type="text"]').fill("0")
    return click(app, '[data-testid="stForm"] [data-testid="stFormSubmitButton"] button')


def pick_other(app: AppPage, key: str) -> float | None:
    """Open the select box ``key`` from the keyboard (no run), then the measured click on another option."""
    field = app.page.locator(f".st-key-{key} input[role='combobox']")
    field.focus()
    field.press("ArrowDown")
    other = '[role="listbox"] [role="option"]:not([aria-selected="true"])'
    app.page.locator(other).first.wait_for()
    return click(app, other)


CONTROLS = {  # kind: (page path, one measured click)
    "entry picker (step-through)": (
        "/step_through?step=3",
        lambda app: either(
            app,
            '.st-key-st_i button[data-testid="stNumberInputStepUp"]',
            '.st-key-st_i button[data-testid="stNumberInputStepDown"]',
        ),
    ),  # fmt: skip
    "entry picker (backward)": ("/backward", lambda app: pick_other(app, "bw_i_W")),
    "entry picker (symbolic)": ("/symbolic", lambda app: pick_other(app, "sy_i_W")),
    "next step (step-through)": (
        "/step_through?step=3",
        lambda app: either(app, ".st-key-st_forward button", ".st-key-st_back button"),
    ),
    "next exercise (practice)": (
        "/practice",
        lambda app: either(app, ".st-key-pr_next button", ".st-key-pr_back button"),
    ),
    "hint (practice)": ("/practice", lambda app: click(app, ".st-key-pr_hint button")),
    "check / practice answer (practice)": ("/practice", answer_and_check),
    "reveal (presenter)": (
        "/presenter",
        lambda app: either(app, ".st-key-ps_reveal button", ".st-key-ps_hide button"),
    ),
    "next slide (presenter)": (
        "/presenter?slide=3",
        lambda app: either(app, ".st-key-ps_next button", ".st-key-ps_back button"),
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_clicks_"))
    (tmp / "bare.py").write_text(BARE_APP)
    ports = _free_port(), _free_port()
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    processes = [
        server("app.py", HERE.parents[1], ports[0], tmp / "app.log"),
        server("bare.py", tmp, ports[1], tmp / "bare.log"),
    ]
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {"bare Streamlit button": [], **{kind: [] for kind in CONTROLS}}
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            pages: dict[str, AppPage] = {}
            for path in ["bare", *{path for path, _ in CONTROLS.values()}]:
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(WATCH_SCRIPT)
                app = AppPage(context.new_page(), urls[1] if path == "bare" else urls[0])
                app.open("/" if path == "bare" else path)
                pages[path] = app
            click(pages["bare"], ".st-key-bare button")  # a first click warms both ends
            for _ in range(args.rounds):
                times["bare Streamlit button"].append(click(pages["bare"], ".st-key-bare button"))
                for kind, (path, act) in CONTROLS.items():
                    times[kind].append(act(pages[path]))
            browser.close()
    finally:
        for process in processes:
            _stop(process)
    measured = {kind: [ms for ms in values if ms is not None] for kind, values in times.items()}
    bare = statistics.median(measured["bare Streamlit button"])
    report = {
        "rounds": args.rounds,
        "median_ms": {kind: round(statistics.median(v), 1) if v else None for kind, v in measured.items()},
        "ratio_to_bare": {
            kind: round(statistics.median(v) / bare, 2) if v else None for kind, v in measured.items()
        },
        "clicks_measured": {kind: len(v) for kind, v in measured.items()},
        "target_ratio": 1.5,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
