"""The forward page: renders for several networks; what it shows is the core's numbers."""

from __future__ import annotations

import re

import pytest
from helpers import ends_with_number

from backprop import NetworkSpec, run
from backprop.derivation import latex

from .conftest import assert_clean, run_page, texts

NETWORKS = {
    "default": {},
    "one-layer": {"sizes": "3,2", "act1": "identity"},
    "four-layers": {
        "sizes": "3,4,4,4,2",
        "act1": "relu",
        "act2": "tanh",
        "act3": "softplus",
        "act4": "identity",
    },
    "m=1": {"m": "1"},
    "softmax-ce": {"loss": "softmax_ce", "act2": "softmax", "sizes": "3,4,3"},
    "wide": {"sizes": "20,12,2", "m": "12"},  # too wide for LaTeX: tables
}
RAW_KEY = re.compile(r"\b(?:common|home|forward|backward)\.[a-z_]+\b")
PAGES = ("app.py", "pages/1_forward.py", "pages/2_backward.py")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("network", NETWORKS, ids=list(NETWORKS))
def test_page_renders(page, network):
    at = run_page(page, NETWORKS[network])
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    assert not RAW_KEY.search(texts(at)), RAW_KEY.search(texts(at))


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_chinese_without_raw_keys(page):
    at = run_page(page, {"lang": "zh"})
    assert_clean(at)
    shown = texts(at) + " ".join(w.label for w in at.sidebar.selectbox)
    assert not RAW_KEY.search(shown) and re.search(r"[\u4e00-\u9fff]", at.title[0].value)


def entry_sum(at) -> str:
    return next(x.value for x in at.latex if re.match(r"\$\$\s*z_\{", x.value)).strip("$\n ")


def test_entry_sum_is_the_cores_z_and_follows_the_picker():
    at = run_page("pages/1_forward.py", {"layer": "2", "i": "3", "j": "2"})
    layer = run(NetworkSpec()).layers[1]
    assert ends_with_number(entry_sum(at), layer.Z[2, 1])
    at.selectbox(key="fw_i").set_value(1).run()
    assert ends_with_number(entry_sum(at), layer.Z[0, 1]) and at.query_params["i"] == "1"


def test_changing_the_seed_changes_the_numbers_shown():
    at = run_page("pages/1_forward.py")
    before = entry_sum(at)
    at.sidebar.number_input(key="sb_seed").set_value(3).run()
    layer = run(NetworkSpec(seed=3)).layers[0]
    assert entry_sum(at) != before and ends_with_number(entry_sum(at), layer.Z[0, 0])


def test_the_layer_choice_survives_a_visit_to_another_page():
    at = run_page("pages/1_forward.py", {"layer": "2"})
    at.switch_page("pages/0_home.py").run()
    at.switch_page("pages/1_forward.py").run()
    assert at.radio(key="fw_layer").value == 2


def _window_tables(at) -> list[list[list[str]]]:
    """The page's highlighted windows (show.highlighted_table): each a Markdown table's rows of cells."""
    tables = [m.value for m in at.main.markdown if m.value.startswith("| |")]
    return [[[c.strip() for c in row.strip("|").split("|")] for row in table.split("\n")] for table in tables]


def test_too_wide_matrices_are_tables_with_a_note():
    at = run_page("pages/1_forward.py", NETWORKS["wide"])
    assert _window_tables(at) and "too large for LaTeX" in texts(at)


def test_a_too_wide_matrix_is_a_window_of_the_cores_numbers_with_the_entrys_column_coloured():
    """20-12-2, j = 3: W⁽¹⁾ (20 × 12) is a table from column 3 on, that column coloured."""
    at = run_page("pages/1_forward.py", {**NETWORKS["wide"], "j": "3"})
    assert_clean(at)
    tables = _window_tables(at)
    assert len(tables) == 5 and not at.main.dataframe  # A⁽⁰⁾, W, b, Z, A: each highlighted
    W = run(NetworkSpec(sizes=(20, 12, 2), batch=12)).layers[0].W
    header, _, *rows = tables[1]
    assert header == ["", *map(str, range(3, 11))]  # the window starts at the entry's column
    assert [row[0] for row in rows] == [str(r) for r in range(1, 11)]
    for r, (_, first, *rest) in enumerate(rows):
        assert first == f"${latex.coloured(latex.COLUMN, latex.num(W[r, 2]))}$"  # column 3, coloured
        assert [float(v) for v in rest] == pytest.approx(W[r, 3:10], rel=5e-4)  # 4 significant digits


def test_a_smaller_network_moves_the_page_choices_back_in_range_without_warnings():
    at = run_page("pages/1_forward.py", {"layer": "2", "i": "4"})
    at.sidebar.number_input(key="sb_L").set_value(1).run()
    at.sidebar.number_input(key="sb_m").set_value(2).run()
    assert_clean(at)
    assert not at.warning and at.query_params["layer"] == "1" and at.query_params["i"] == "1"
