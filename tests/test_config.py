"""Production settings of .streamlit/config.toml, and no raw HTML from user text in the app's code."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from backprop.io.upload import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def _option(key: str):
    section, name = key.split(".")
    return CONFIG.get(section, {}).get(name)


@pytest.mark.parametrize(
    ("key", "wanted", "why"),
    [
        ("client.showErrorDetails", "none", "a traceback shows code and paths to every student"),
        ("client.toolbarMode", "viewer", "no developer menu (rerun on save, clear cache) for viewers"),
        ("server.enableXsrfProtection", True, "uploads need a token from the app's own page"),
        ("server.enableCORS", True, "other sites may not call the server from a browser"),
        ("browser.gatherUsageStats", False, "no usage statistics leave the classroom"),
        ("server.headless", True, "a server opens no browser"),
        ("server.runOnSave", False, "editing a file on the server does not rerun every session"),
        ("server.fileWatcherType", "none", "no module is re-imported under a live class"),
        ("runner.postScriptGC", False, "no full garbage collection holding the lock after every rerun"),
    ],
)
def test_production_setting(key, wanted, why):
    assert _option(key) == wanted, f"{key} should be {wanted!r}: {why}"


def test_upload_limit_is_small_and_matches_the_core():
    limit_mb = _option("server.maxUploadSize")
    assert isinstance(limit_mb, int) and 1 <= limit_mb <= 10, "server.maxUploadSize: a few MB at most"
    assert limit_mb * 2**20 == MAX_BYTES, "backprop.io.upload.MAX_BYTES and server.maxUploadSize disagree"


def test_every_key_is_an_option_of_the_installed_streamlit():
    from streamlit import config

    known = set(config._config_options_template)
    for section, options in CONFIG.items():
        for name in options:
            assert f"{section}.{name}" in known, f"{section}.{name} is not a Streamlit option (a typo?)"


def _sources() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    files += sorted((ROOT / "backprop").rglob("*.py"))
    return [f for f in files if f.exists()]


# Functions whose markup is made of integers and literals alone, each checked by its own test:
SAFE_MARKUP = {"chosen_style"}  # the diagram's outline (tests/test_network_figure.py: SHEET)


def _is_literal_text(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Call):  # a call of a function that makes markup of integers alone
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in SAFE_MARKUP
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _raw_html_calls(path: Path, root: Path = ROOT) -> list[str]:
    """Calls that send HTML to the browser from anything but a literal string in the code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        literal = _is_literal_text(node.args[0] if node.args else None)
        where = f"{path.relative_to(root)}:{node.lineno}"
        for keyword in node.keywords:
            off = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            if keyword.arg == "unsafe_allow_html" and not off and not literal:
                found.append(f"{where}: unsafe_allow_html with non-literal text")
        if isinstance(node.func, ast.Attribute) and node.func.attr == "html" and not literal:
            found.append(f"{where}: .html() with non-literal text")
    return found


def _keyword_uses(path: Path) -> int:
    tree = ast.parse(path.read_text(), filename=str(path))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return sum(keyword.arg == "unsafe_allow_html" for call in calls for keyword in call.keywords)


def test_sources_exist_to_scan():
    names = {p.name for p in _sources()}
    assert {"app.py", "formula.py", "upload.py"} <= names


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_raw_html_built_from_text_that_is_not_a_literal(path):
    assert _raw_html_calls(path) == []
    # every mention is a plain keyword the scan above has judged (not **{"unsafe_allow_html": ...})
    assert path.read_text().count("unsafe_allow_html") == _keyword_uses(path), f"{path.name}: hidden use"


def test_the_scan_catches_what_it_should(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import streamlit as st\n"
        "name = st.text_input('name')\n"
        "st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\n"
        "st.html(name)\n"
        "st.markdown('<br>', unsafe_allow_html=True)\n"
        "st.markdown(name, **{'unsafe_allow_html': True})\n"
    )
    assert _raw_html_calls(bad, tmp_path) == [
        "bad.py:3: unsafe_allow_html with non-literal text",
        "bad.py:4: .html() with non-literal text",
    ]
    assert bad.read_text().count("unsafe_allow_html") != _keyword_uses(bad)
