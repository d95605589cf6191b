"""The page registry: every page is reached through app.py's st.navigation, at the URL it always had."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.source_util import page_icon_and_name
from streamlit.string_util import validate_icon_or_emoji

from backprop.ui import registry
from backprop.ui.i18n import LANGUAGES, translate

from . import conftest
from .conftest import ROOT, assert_clean, run_page

ENTRIES = [pytest.param(entry, id=entry.name) for entry in registry.PAGES]


def _links(at) -> list:
    """The sidebar's page links, as Streamlit sent them."""
    return [element.proto for element in at.sidebar.get("page_link")]


def test_the_registry_holds_every_script_in_pages_and_nothing_else():
    on_disk = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")}
    assert {entry.script for entry in registry.PAGES} == on_disk
    assert len({entry.name for entry in registry.PAGES}) == len(registry.PAGES)
    assert [entry.name for entry in registry.PAGES if entry.url_path == ""] == ["home"]


def test_the_icons_need_no_network():
    """A :material/...: icon becomes a favicon fetched from fonts.gstatic.com; emoji are drawn inline."""
    for entry in registry.PAGES:
        assert entry.icon and validate_icon_or_emoji(entry.icon) == entry.icon, entry.name
        assert not entry.icon.startswith(":"), entry.name


@pytest.mark.parametrize("entry", ENTRIES[1:])
def test_a_pages_url_path_is_the_one_streamlit_derived_from_its_file_name(entry):
    """Links shared when pages/ was an automatic multipage folder (/backward?...) still open it."""
    _, derived = page_icon_and_name(Path(entry.script))
    assert entry.url_path == derived
    assert re.fullmatch(r"\d+_" + re.escape(entry.url_path) + r"\.py", Path(entry.script).name)


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_page_runs_through_app_py_with_links_to_every_page(entry):
    at = run_page(entry.script, {"sizes": "2,3,2"})
    assert_clean(at)
    links = _links(at)
    # the url paths are st.navigation's: the legacy pages/ router would give home "home"
    assert [link.page for link in links] == [e.url_path for e in registry.PAGES]
    assert [link.disabled for link in links] == [e is entry for e in registry.PAGES]
    assert all("sizes=2%2C3%2C2" in link.query_string for link in links)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_titles_are_translated(lang):
    at = run_page("pages/4_check.py", {"lang": lang})
    assert_clean(at)
    expected = [translate(lang, entry.title_key) for entry in registry.PAGES]
    assert [link.label for link in _links(at)] == expected
    assert len(set(expected)) == len(expected)
    assert at.title[0].value == translate(lang, "check.title")


def test_the_language_picker_retitles_the_pages():
    at = run_page("pages/1_forward.py")
    at.sidebar.selectbox(key="sb_lang").set_value("zh").run()
    assert_clean(at)
    assert [link.label for link in _links(at)] == [translate("zh", e.title_key) for e in registry.PAGES]


def test_by_name_refuses_an_unknown_page_and_lists_the_known_ones():
    assert registry.by_name("notes").script == "pages/7_notes.py"
    with pytest.raises(KeyError, match="no page called 'nope'; pages: home, forward"):
        registry.by_name("nope")


def test_a_servers_first_run_on_a_page_is_taken_over_from_the_legacy_router(monkeypatch):
    """The first run of a server's life, opened at /backward: Streamlit's legacy pages/ router
    runs the script directly; the page registers the registry's pages and reruns through app.py."""
    monkeypatch.setattr(PagesManager, "__init__", conftest._init_pages_manager)  # as Streamlit has it
    at = run_page("pages/2_backward.py", {"sizes": "3,4,2", "layer": "2"})
    assert_clean(at)
    assert at.title[0].value == translate("en", "backward.title")
    assert at.query_params["layer"] == "2"
    assert [link.page for link in _links(at)] == [e.url_path for e in registry.PAGES]
    assert PagesManager.uses_pages_directory is False


def test_the_registrys_examples_hold():
    assert doctest.testmod(registry).failed == 0


def test_the_pages_are_built_once_per_language_and_each_run_registers_copies(monkeypatch):
    """Building the fourteen st.Page objects resolved fourteen paths on disk every run; they are
    kept per process and language, and st.navigation marks only the run's own copies as callable
    (two sessions running at once must never share that mark)."""
    registered = []
    navigation = st.navigation

    def recording(pages, **kwargs):
        registered.extend(pages)
        return navigation(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    registry._PAGES.clear()
    at = run_page("pages/1_forward.py")
    kept = dict(registry._PAGES)
    assert sorted(name for _, lang, name in kept if lang == "en") == sorted(e.name for e in registry.PAGES)
    at.sidebar.number_input(key="sb_seed").set_value(5).run()
    assert_clean(at)
    assert registry._PAGES == kept and all(registry._PAGES[key] is page for key, page in kept.items())
    at.sidebar.selectbox(key="sb_lang").set_value("zh").run()
    assert_clean(at)
    chinese = {name: page.title for (_, lang, name), page in registry._PAGES.items() if lang == "zh"}
    assert chinese == {e.name: translate("zh", e.title_key) for e in registry.PAGES}
    assert len(registered) == 3 * len(registry.PAGES)
    assert not {id(page) for page in registered} & {id(page) for page in registry._PAGES.values()}
    assert [link.label for link in _links(at)] == [translate("zh", e.title_key) for e in registry.PAGES]
