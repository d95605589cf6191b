"""The export page: a download for every format, refusals named, the preview and the command line."""

from __future__ import annotations

from backprop import NetworkSpec, run
from backprop.io.export import FORMATS
from backprop.io.export.cli import command_line
from backprop.io.export.worksheet import worksheet_markdown

from .conftest import assert_clean, run_page, texts

PAGE = "pages/12_export.py"
SMALL = {"sizes": "2,3,1", "act1": "relu", "act2": "identity", "init": "integers"}


def test_every_format_has_a_download_and_the_preview_is_the_core_worksheet():
    at = run_page(PAGE, SMALL)
    assert_clean(at)
    buttons = at.get("download_button")
    assert len(buttons) == len(FORMATS)
    assert at.radio(key="ex_numbers").value == "exact"
    spec = NetworkSpec((2, 3, 1), ("relu", "identity"), init="integers")
    assert at.code[0].value == command_line(spec, exact=True)
    sheet = worksheet_markdown(run(spec), exact=True)
    assert sheet.strip() in [m.value.strip() for m in at.markdown]


def test_a_big_network_names_what_it_cannot_export():
    at = run_page(PAGE, {"sizes": "300,300,2", "m": "10"})
    assert not at.exception
    unavailable = [c.value for c in at.caption if "not available" in c.value]
    assert len(unavailable) == 5  # the notebook and the four sheets
    assert any("The notebook writes out at most" in c for c in unavailable)  # errors.notebook_size
    assert len(at.get("download_button")) == len(FORMATS) - 5
    assert "hand-calculation mode" in texts(at)


def test_export_page_in_chinese():
    at = run_page(PAGE, SMALL | {"lang": "zh"})
    assert_clean(at)
    assert at.title[0].value == "导出"
