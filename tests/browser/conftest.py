r"""Browser fixtures: one Streamlit server per session, Debian's Chromium driven by Playwright.

>>> def test_home(app):                      # doctest: +SKIP
...     app.open("/")                        # waits until Streamlit's first run has finished
...     set_number(app, "sb_m", 3)           # browser_support: type, Enter, wait for the rerun
...     assert not app.page.locator('[data-testid="stException"]').count()

Waiting strategy (no fixed sleeps). The app root ``[data-testid="stApp"]`` carries
``data-test-connection-state`` (CONNECTING, CONNECTED, ...) and ``data-test-script-state``
(initial, running, rerunRequested, stopRequested, notRunning, compilationError). An init
script installs a MutationObserver that counts every change of the script state into
``notRunning``, so a run that starts and ends between two polls is still seen. A page has
settled when:

* the connection is CONNECTED and the script state is notRunning;
* at least one run finished since the action (the counter moved past its value before it);
  the action itself is first seen to ask for a run: the init script also counts the page's
  ``rerun_script`` messages on its WebSocket, and an action that asked for none within
  RUN_START_GRACE_MS is done once more (``AppPage.act``);
* no ``stSkeleton`` / ``stAppSkeleton`` placeholder and no stale element
  (``stElementContainer[data-stale="true"]``, the faded leftovers of the previous run) remain;
* the script state has not changed for QUIET_MS: ``st.rerun()`` ends a run with
  FINISHED_EARLY_FOR_RERUN and a short notRunning gap before the next run starts
  (streamlit/runtime/app_session.py); the quiet window bridges that gap. It is a condition
  polled by the browser, not a sleep: it adds at most QUIET_MS after the last state change.

Charts draw after the run, so they are waited for separately (AppPage.wait_for_charts):
every visible ``[data-testid="stPlotlyChart"]`` until it holds a ``.main-svg``, its graph div
has data and its marks are drawn; every ``stGraphVizChart`` until its ``svg`` has nodes;
every ``stVegaLiteChart`` until its canvas has a size. "Visible" is ``checkVisibility()``:
charts in closed expanders and unselected tabs are not drawn until opened.

``BROWSER_CPU_STRESS=2 python -m pytest -m browser`` runs the whole suite with two busy
processes beside it (an hour at most; killed at the end), as on a loaded CI machine.

Without /usr/bin/chromium (or without the playwright package) every browser test skips,
saying how to install it, unless REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    SERVER_START_TIMEOUT_S,
    VIEWPORT,
    WATCH_SCRIPT,
    AppPage,
    cpu_stress,
)


def _browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: `pip install -r requirements-dev.txt`"
    return None


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip (or, with REQUIRE_BROWSER=1, fail) when Chromium or Playwright is missing."""
    reason = _browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop the server we started, by its process id: terminate, then kill."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:]


@pytest.fixture(scope="session")
def server(browser_available, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` on 127.0.0.1 and a free port, for the whole session."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        # Files may be saved while the suite runs; a watcher would offer reruns of
        # half-written files in the middle of a test.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode}:\n{server.output()}", pytrace=False
                )
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {server.url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT_S} s:\n{server.output()}",
                    pytrace=False,
                )
            time.sleep(0.2)  # polling interval while the server boots, not a wait for a state
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session", autouse=True)
def cpu_stress_everywhere():
    """With BROWSER_CPU_STRESS=N, N busy processes share the cores for the whole browser session."""
    workers = int(os.environ.get("BROWSER_CPU_STRESS", "0") or 0)
    if not workers:
        yield
        return
    with cpu_stress(workers=workers, seconds=3600):
        yield


@pytest.fixture(scope="session")
def browser(browser_available):
    """Debian's Chromium, headless, launched once per session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser) -> Iterator[Callable[[], object]]:
    """Factory: fresh browser contexts (own cookies, storage, Streamlit session), closed after the test."""
    contexts = []

    def make():
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(WATCH_SCRIPT)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def new_app_page(server, new_context) -> Callable[..., AppPage]:
    """Factory: a page on the app in a new context (or a given one), console errors recorded."""

    def make(ctx=None) -> AppPage:
        page = (ctx or new_context()).new_page()
        app_page = AppPage(page, server.url)
        page.on(
            "console",
            lambda m: (
                m.type == "error" and app_page.console_errors.append((m.text, m.location.get("url", "")))
            ),
        )
        page.on("pageerror", lambda e: app_page.console_errors.append((f"uncaught: {e}", "")))
        return app_page

    return make


@pytest.fixture
def app(new_app_page) -> AppPage:
    """One page on the app in a fresh context."""
    return new_app_page()
