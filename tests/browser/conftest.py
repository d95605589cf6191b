r"""Browser fixtures: one Streamlit server per session, Debian's Chromium driven by Playwright.

>>> def test_home(app):                      # doctest: +SKIP
...     app.open("/")                        # waits until Streamlit's first run has finished
...     set_number(app, "sb_m", 3)           # browser_support: type, Enter, wait for the rerun
...     assert not app.page.locator('[data-testid="stException"]').count()

Waiting strategy (no fixed sleeps). An init script (browser_support.WATCH_SCRIPT) reads
Streamlit's own messages on the page's WebSocket and counts:

* ``requested``: the reruns the page asked for on a student's action (a click, a key, a page
  link, the first load), its ``rerun_script`` messages, leaving out a fragment timer's
  (``is_auto_rerun``), so a timer's frame cannot pass for a lost click;
* ``started`` and ``finished``: the server's ``new_session`` (a run began) and
  ``script_finished`` messages, a finish that hands over to another run
  (FINISHED_EARLY_FOR_RERUN: ``st.rerun()``, a request that arrived mid-run) left out;
* ``answered``: the requests so far, once a run of their kind (whole page or fragment) that
  began after the last of them has ended its chain.

An action (``AppPage.act``) first waits for its rerun request; with none within
RUN_START_GRACE_MS the action is done once more, and with none again the test fails saying
so. It then waits until the page has settled:

* every request is answered (a run started after it has ended);
* the connection is CONNECTED and the script state (``data-test-script-state`` on
  ``[data-testid="stApp"]``) is notRunning;
* no ``stSkeleton`` / ``stAppSkeleton`` placeholder and no stale element
  (``stElementContainer[data-stale="true"]``, the faded leftovers of the previous run) remain;
* nothing of the above has changed for QUIET_MS, so the frontend has drawn what the run
  sent. It is a condition polled by the browser, not a sleep.

Charts draw after the run, so they are waited for separately (AppPage.wait_for_charts):
every visible ``[data-testid="stPlotlyChart"]`` until it holds a ``.main-svg``, its graph div
has data and its marks are drawn; every ``stGraphVizChart`` until its ``svg`` has nodes;
every ``stVegaLiteChart`` until its canvas has a size. "Visible" is ``checkVisibility()``:
charts in closed expanders and unselected tabs are not drawn until opened.

``BROWSER_CPU_STRESS=2 python -m pytest -m browser`` runs every browser module beside two
busy processes (tests/browser/stress.py: each capped in time, killed when the module ends),
as on a loaded CI machine; test_interactions.py always runs so.

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
import stress
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    SERVER_START_TIMEOUT_S,
    VIEWPORT,
    WATCH_SCRIPT,
    AppPage,
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


@pytest.fixture(scope="module", autouse=True)
def cpu_stress_module(request) -> Iterator[None]:
    """With BROWSER_CPU_STRESS=N, N busy processes share the cores while each browser module runs.

    Module by module, so the load ends with the last browser test, not with the session
    (the tests after it measure timings); each burner has its own time cap (stress.py).
    Modules not marked ``browser`` (the load's own tests) run without it.
    """
    workers = stress.workers_from_env()
    if not workers or not any(request.node.iter_markers("browser")):
        yield
        return
    with stress.cpu_stress(workers=workers) as burners:
        yield
        ended = [b.pid for b in burners if b.poll() is not None]
        assert not ended, (
            f"the load ended before the module's tests did (burners {ended}): raise stress.CAP_S"
        )


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
def new_app_page(server, new_context, request) -> Iterator[Callable[..., AppPage]]:
    """Factory: a page on the app in a new context (or a given one), console errors recorded."""
    pages: list[AppPage] = []

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
        pages.append(app_page)
        return app_page

    yield make
    REPEATED.extend(f"{request.node.nodeid}: {url}" for app_page in pages for url in app_page.repeated)


@pytest.fixture
def app(new_app_page) -> AppPage:
    """One page on the app in a fresh context."""
    return new_app_page()


REPEATED: list[str] = []  # "test id: page url" of every action done a second time (AppPage.act)


def pytest_terminal_summary(terminalreporter) -> None:
    """List the actions that asked for no run at first and were done again: a busy machine's trace."""
    if REPEATED:
        terminalreporter.section("browser actions done twice (no rerun asked at first)")
        for line in REPEATED:
            terminalreporter.write_line(line)
