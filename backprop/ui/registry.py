r"""The app's pages, in one table: script, URL path, icon, sidebar state; titles from the catalogues.

``app.py`` routes with it (``registry.route().run()``), the sidebar and the home page link
with it, and the tests read it. A page's ``name`` is its key everywhere: its title is
``common.nav_<name>``, its line on the home page ``home.about_<name>``, and it calls
``sidebar.render(name)``.

The URL paths are the ones Streamlit derived from the file names when pages/ was an
automatic multipage folder (``2_backward.py`` -> ``/backward``), so links shared before
keep opening the same page; home is the default page, at ``/``.

>>> [entry.url_path for entry in PAGES][:3]
['', 'forward', 'backward']
>>> by_name("check").script
'pages/4_check.py'
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from backprop.io.launch import app_root
from backprop.ui import i18n, state

ROOT = app_root()  # where app.py and pages/ live: the checkout, or backprop/_app/ when installed


@dataclass(frozen=True)
class Entry:
    """One page: its key, its script (relative to ROOT), its URL path ("" for home), its icon.

    Icons are emoji: Streamlit draws an emoji favicon inline, while a ``:material/...:``
    icon makes the browser fetch the tab's favicon from fonts.gstatic.com (a console
    error, and no icon, in a classroom without internet).
    """

    name: str
    script: str
    url_path: str
    icon: str
    sidebar: Literal["auto", "expanded", "collapsed"] = "auto"  # the sidebar's state when it opens

    @property
    def title_key(self) -> str:
        return f"common.nav_{self.name}"


PAGES = (
    Entry("home", "pages/0_home.py", "", "🏠"),
    Entry("forward", "pages/1_forward.py", "forward", "➡️"),
    Entry("backward", "pages/2_backward.py", "backward", "⬅️"),
    Entry("symbolic", "pages/3_symbolic.py", "symbolic", "🔣"),
    Entry("check", "pages/4_check.py", "check", "✅"),
    Entry("heatmaps", "pages/5_heatmaps.py", "heatmaps", "🌡️"),
    Entry("graph", "pages/6_graph.py", "graph", "🕸️"),
    Entry("notes", "pages/7_notes.py", "notes", "📖"),
    Entry("practice", "pages/8_practice.py", "practice", "✏️"),
    Entry("step_through", "pages/9_step_through.py", "step_through", "👣"),
    # a projector needs the whole width: the sidebar starts closed
    Entry("presenter", "pages/10_presenter.py", "presenter", "📽️", "collapsed"),
    Entry("your_own", "pages/11_your_own.py", "your_own", "🛠️"),
    Entry("export", "pages/12_export.py", "export", "📦"),
    Entry("training", "pages/13_training.py", "training", "📉"),
)
HOME = PAGES[0]


def by_name(name: str) -> Entry:
    """The entry called ``name``; KeyError naming the known pages otherwise."""
    for entry in PAGES:
        if entry.name == name:
            return entry
    raise KeyError(f"no page called {name!r}; pages: {', '.join(e.name for e in PAGES)}")


def title(entry: Entry) -> str:
    """The page's title in the session's language: its link's label and the browser tab's title."""
    return i18n.t(entry.title_key)


def route() -> st.Page:
    r"""Register every page with ``st.navigation``, configure the page once; the page to run.

    The language comes first (from the URL on a session's first run), so the titles,
    which are also the browser tab's title, are in the session's language.
    """
    state.init_session()
    current = _navigation()
    entry = next(e for e in PAGES if e.url_path == current.url_path)
    st.set_page_config(layout="wide", initial_sidebar_state=entry.sidebar)
    return current


def take_over_from_legacy_router() -> None:
    r"""Rerun through app.py when Streamlit's legacy pages/ router ran a page script directly.

    Until some session has called ``st.navigation``, Streamlit treats a folder called
    pages/ beside the entry point as a legacy multipage app (documented: once any
    session calls ``st.navigation``, pages/ is ignored for all of them). So the first
    run of a server's life, if it opens ``/backward``, runs pages/2_backward.py without
    app.py: no page config, Streamlit's own page list. Registering the pages ends that
    for every session, and the rerun reaches the same page through app.py (a page's id
    is the hash of its URL path in both routers). That first run is a page load, so
    the rerun loses no click.
    """
    if PagesManager.uses_pages_directory:
        _navigation()
        st.rerun()


def page(entry: Entry) -> st.Page:
    r"""The ``st.Page`` of ``entry`` in the session's language: built once per process and language.

    Building one resolves its script's path on disk and checks the file (about a tenth
    of a forward-page rerun for the fourteen pages), so the pages are kept; ``st.page_link``
    only reads them. Outside a run (no pages manager) the page is built, not kept.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return _built(entry)
    parent = ctx.pages_manager.main_script_parent
    key = (parent, i18n.current_language(), entry.name)
    built = _PAGES.get(key)
    if built is None:
        built = _PAGES[key] = _built(entry)
    return built


_PAGES: dict[tuple, st.Page] = {}  # (the app's folder, language, page name) -> its st.Page


def _built(entry: Entry) -> st.Page:
    return st.Page(
        entry.script,
        title=title(entry),
        icon=entry.icon,
        url_path=entry.url_path or None,  # home: the default page, at /
        default=entry is HOME,
    )


def _navigation() -> st.Page:
    """Every page registered with ``st.navigation`` (titles translated); the page asked for.

    ``st.navigation`` marks the page it returns as the one this run may call, and that
    page's ``run`` unmarks it: each run gets its own shallow copies of the kept pages, so
    two sessions' runs never share that mark.
    """
    pages = [copy.copy(page(entry)) for entry in PAGES]
    # hidden: the sidebar draws its own links, which carry the configuration in the URL
    return st.navigation(pages, position="hidden")
