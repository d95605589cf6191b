"""A minimal Streamlit client: the browser's side of /_stcore/stream, for load tests.

Streamlit's browser speaks protobuf over one websocket: it sends ``BackMsg``
(``rerun_script`` with a ``ClientState``: the query string, the page, every widget's
value) and receives ``ForwardMsg`` (``new_session``, ``delta`` per element,
``script_finished``). A rerun's latency here is the time from sending ``rerun_script``
to receiving ``script_finished``: what a student waits for after touching a widget.

Only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlparse(url).hostname
    if host not in LOOPBACK and not (host or "").startswith("127."):
        raise SystemExit(f"load tests run against loopback addresses only, not {host!r}")


@dataclass
class Session:
    """One simulated browser tab."""

    base: str  # http://127.0.0.1:8501
    page: str = ""  # url pathname of the page ("" = home, "forward", "symbolic", ...)
    query: str = ""  # the URL's query string: on connecting, then as the server last set it
    cookie: str = ""
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # id -> last value sent
    widget_ids: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    page_hashes: dict[str, str] = field(default_factory=dict)  # url pathname -> page script hash
    exceptions: int = 0  # st.exception elements seen (a page that crashed)
    exception_messages: list[str] = field(default_factory=list)  # the first few, for the report
    replica_of_page: str = ""  # behind tests/load/nginx.conf: which replica served the page
    replica_of_stream: str = ""  # ... and which one the websocket reached (the same, if sticky)
    _ws: object = None

    async def connect(self) -> None:
        check_loopback(self.base)
        if not self.cookie:
            self.cookie, self.replica_of_page = await asyncio.to_thread(_cookie_of, self.base)
        url = self.base.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._ws = await websockets.connect(
            url, subprotocols=["streamlit"], additional_headers=headers, max_size=2**26, open_timeout=60
        )
        self.replica_of_stream = self._ws.response.headers.get("X-Replica", "")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def rerun(self, timeout: float = 120.0) -> float:
        """Send rerun_script with the current widget values; seconds until script_finished."""
        start = time.perf_counter()
        await self.send_rerun()
        await asyncio.wait_for(self._until_finished(), timeout)
        return time.perf_counter() - start

    async def send_rerun(self) -> None:
        """Send rerun_script with the current widget values, without waiting for the run."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.page_script_hash = self.page_hashes.get(self.page, "")
        for widget in self.widgets.values():
            state.widget_states.widgets.append(widget)
        await self._ws.send(msg.SerializeToString())

    async def _until_finished(self) -> None:
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self._ws.recv())
            kind = fwd.WhichOneof("type")
            if kind in ("new_session", "navigation"):  # st.navigation's pages come in "navigation"
                for page in getattr(fwd, kind).app_pages:
                    self.page_hashes[page.url_pathname] = page.page_script_hash
            elif kind == "page_info_changed":  # the browser puts it in its address bar, sent with each rerun
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note_element(fwd.delta.new_element)
            elif kind == "script_finished" and fwd.script_finished in (FINISHED_OK,):
                return

    async def until_text(self, text: str) -> None:
        """Read the server's messages until an element holding ``text`` arrives (e.g. a spinner)."""
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self._ws.recv())
            if fwd.WhichOneof("type") == "delta" and text in str(fwd.delta):
                return

    def _note_element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions += 1
            if len(self.exception_messages) < 3:
                self.exception_messages.append(f"{element.exception.type}: {element.exception.message}"[:300])
        proto = getattr(element, kind) if kind else None
        widget_id = getattr(proto, "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id

    def set_int(self, key: str, value: int) -> None:
        """The widget with user key ``key`` (a number_input) takes ``value`` on the next rerun."""
        state = WidgetState(id=self.widget_ids[key], int_value=value)
        self.widgets[state.id] = state


def _cookie_of(base: str) -> tuple[str, str]:
    """The page's cookies (a proxy's sticky-session cookie) as a Cookie header, and its replica."""
    with urllib.request.urlopen(base.rstrip("/") + "/", timeout=30) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
        replica = response.headers.get("X-Replica", "")
    return "; ".join(c.split(";", 1)[0] for c in cookies), replica
