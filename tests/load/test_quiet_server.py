r"""A walk through every page of a real ``streamlit run app.py`` leaves no warning in its log.

The isolated children (backprop.core.isolate) share the server's stderr. They used to run
the page script again outside any session and log Streamlit's "missing ScriptRunContext"
once per element: hundreds of lines per page view. The server here is started headless on
127.0.0.1; a websocket client (st_client, the browser's side of /_stcore/stream) opens
every page the server lists, waiting for each run's ``script_finished``; then the server is
stopped and its output read: no line may mention a warning, an error or a traceback.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from st_client import Session

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
NOISE = re.compile(r"warning|error|traceback|exception", re.IGNORECASE)
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 180  # one page's first run (imports SymPy, fills caches) on a busy machine


@pytest.fixture
def server(tmp_path):
    """``streamlit run app.py`` on 127.0.0.1 and a free port; yields (url, log path); stopped by pid."""
    log = tmp_path / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
        "--server.port", "0", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield _url_when_healthy(process, log), log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _url_when_healthy(process: subprocess.Popen, log: Path) -> str:
    """The server's URL once it prints it and answers /_stcore/health (port 0: it picks one)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            url = found.group(0)
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as response:
                    if response.status == 200:
                        return url
            except OSError:
                pass
        time.sleep(0.2)  # polling interval while the server boots
    pytest.fail(f"the server did not start within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


async def _walk(url: str) -> list[str]:
    """Open every page the server lists, one run each; the pages visited.

    The server lists its pages in each run's ``new_session`` message (the first run may
    list the main page only, as ""), so pages are visited until no run names a new one.
    """
    session = Session(url)
    await session.connect()
    await session.rerun(timeout=RUN_TIMEOUT_S)
    visited: list[str] = []
    while unseen := sorted(set(session.page_hashes) - set(visited)):
        session.page = unseen[0]
        await session.rerun(timeout=RUN_TIMEOUT_S)
        visited.append(unseen[0])
    await session.close()
    assert session.exceptions == 0, session.exception_messages
    return visited


def test_every_page_view_leaves_no_warning_in_the_server_log(server):
    url, log = server
    # in a thread of its own: after the browser tests, Playwright's loop runs in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pages = pool.submit(asyncio.run, _walk(url)).result()
    assert len(pages) >= 10, pages  # the walk reached the app's pages, not an empty list
    noisy = [line for line in log.read_text(errors="replace").splitlines() if NOISE.search(line)]
    assert not noisy, f"{len(noisy)} warning lines for {len(pages)} page views, e.g. {noisy[:3]}"
