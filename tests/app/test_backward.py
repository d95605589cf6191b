"""The backward page: the entry explorer shows the core's gradient, and finite differences agree."""

from __future__ import annotations

import pytest

from backprop import NetworkSpec, run
from backprop.derivation import latex
from backprop.ui import explorer

from .conftest import assert_clean, run_page, texts

ENTRIES = [  # (query, layer l, variable, 0-based index)
    ({"layer": "1", "var": "W", "i": "2", "j": "3"}, 1, "W", (1, 2)),
    ({"layer": "2", "var": "b", "j": "2"}, 2, "b", (1,)),
    (
        {"layer": "2", "var": "A_prev", "i": "4", "j": "3"},
        2,
        "A_prev",
        (3, 2),
    ),  # a hidden A: FD on layers 2..L
    ({"layer": "1", "var": "A_prev", "i": "1", "j": "1"}, 1, "A_prev", (0, 0)),  # ∂L/∂X
]


def table(at) -> dict[str, dict]:
    """The comparison table, by method."""
    frame = at.main.table[-1].value
    return {method: row for method, row in frame.iterrows()}


@pytest.mark.parametrize("query, l, var, index", ENTRIES, ids=[e[2] + str(e[1]) for e in ENTRIES])
def test_explorer_shows_the_cores_gradient_and_agrees_with_finite_differences(query, l, var, index):
    at = run_page("pages/2_backward.py", query)
    assert_clean(at)
    expected = getattr(run(NetworkSpec()).layers[l - 1], "d" + var)[index]
    rows = table(at)
    for method in ("backprop", "index-level sum", "matrix entry", "SymPy"):
        assert rows[method]["value"] == pytest.approx(expected, rel=1e-12, abs=1e-14), method
        assert rows[method]["relative error"] < 1e-8, method
    assert f"= {latex.num(expected)}" in texts(at)


def test_softmax_output_says_it_has_a_jacobian_and_the_shortcut():
    at = run_page(
        "pages/2_backward.py", {"loss": "softmax_ce", "act2": "softmax", "sizes": "3,4,3", "layer": "2"}
    )
    assert_clean(at)
    assert "shortcut" in texts(at)
    at = run_page(
        "pages/2_backward.py", {"act2": "softmax", "sizes": "3,4,3", "layer": "2"}
    )  # mse: no shortcut
    assert "Jacobian" in texts(at)


def test_changing_the_variable_changes_the_pickers():
    at = run_page("pages/2_backward.py")
    at.radio(key="bw_var").set_value("b").run()
    assert_clean(at)
    assert at.query_params["var"] == "b" and "i" not in [
        s.key for s in at.main.selectbox if s.key == "bw_i_b"
    ]
    expected = run(NetworkSpec()).layers[0].db[0]
    assert table(at)["backprop"]["value"] == pytest.approx(expected, rel=1e-12)


def test_every_layer_panel_shows_a_shape():
    at = run_page(
        "pages/2_backward.py", {"sizes": "2,3,4,1", "act2": "relu", "act3": "identity", "layer": "2"}
    )
    assert_clean(at)
    shown = texts(at)
    for shape in (
        r"\underset{4 \times 3}",
        r"\underset{3 \times 4}",
        r"\underset{4}",
        r"\underset{4 \times 3}",
    ):
        assert shape in shown


def test_sympy_line_is_sympys_own_expression_beside_its_value():
    at = run_page("pages/2_backward.py", {"layer": "1", "var": "W", "i": "2", "j": "3"})
    assert_clean(at)
    expected = run(NetworkSpec()).layers[0].dW[1, 2]
    start = r"$\displaystyle \frac{\partial L}{\partial w_{23}^{(1)}}"  # display size: readable scripts
    (line,) = [m.value for m in at.markdown if m.value.startswith(start)]
    assert r"e^{- z_{13}^{(1)}}" in line  # σ'(z) as SymPy differentiated it, not the index column's sum
    assert r"\frac{\partial L}{\partial z" not in line and line.endswith(f"= {latex.num(expected)}$")


def test_a_matrix_too_wide_for_a_formula_keeps_its_highlight_in_the_table():
    """5-8-8-3: ∂L/∂Z⁽¹⁾ (4 × 8) is shown as a table; the column the entry uses is coloured there too."""
    query = {"sizes": "5,8,8,3", "act1": "sigmoid", "act2": "sigmoid", "act3": "identity", "j": "3"}
    at = run_page("pages/2_backward.py", query)
    assert_clean(at)
    wide = [m.value for m in at.main.markdown if m.value.startswith("| |")]  # show.highlighted_table
    assert len(wide) == 1 and wide[0].count("\n") == 1 + 4, wide
    assert f"\\textcolor{{{latex.COLUMN}}}{{\\mathbf" in wide[0]


def test_sympys_steps_are_drawn_only_once_their_expander_is_opened():
    at = run_page("pages/2_backward.py", {"layer": "1", "var": "W", "i": "2", "j": "3"})
    box = at.expander(key="bw_sympy_steps")
    assert not box.proto.expanded and not box.children  # a pick does not redraw what nobody sees
    at.session_state["bw_sympy_steps"] = True  # as a click on its summary does (its rerun fills it)
    at.run()
    assert_clean(at)
    sym = explorer.symbolic(run(NetworkSpec()), {}, "W", 1, (1, 2))
    shown = [x.value.strip("$\n ") for x in at.expander(key="bw_sympy_steps").latex]
    assert shown[-1 - len(sym.steps) :] == [sym.latex, *sym.steps] and sym.steps
    note = at.expander(key="bw_sympy_steps").caption[-1].value
    assert len(sym.steps) < sym.steps_total and "40 of 72" in note
    # another entry, whose steps number differently: the box stays open and shows that entry's
    at.radio(key="bw_var").set_value("A_prev").run()
    assert_clean(at)
    box = at.expander(key="bw_sympy_steps")
    assert box.proto.expanded and [x.value.strip("$\n ") for x in box.latex] != shown
    index = (int(at.selectbox(key="bw_i_A_prev").value) - 1, int(at.selectbox(key="bw_j_A_prev").value) - 1)
    other = explorer.symbolic(run(NetworkSpec()), {}, "A_prev", 1, index)
    assert [x.value.strip("$\n ") for x in box.latex][-1 - len(other.steps) :] == [other.latex, *other.steps]


@pytest.mark.parametrize("lang, words", [("en", "is not drawn"), ("zh", "没有画出")])
def test_an_entry_past_the_drawn_units_is_said_to_be_not_drawn(lang, words):
    """A layer wider than the diagram draws its first units: a chosen unit past them is said to be missing."""
    wide = {"sizes": "3,12,2", "layer": "1", "var": "W", "i": "2", "lang": lang}
    past, drawn = (
        run_page("pages/2_backward.py", {**wide, "j": "12"}),
        run_page("pages/2_backward.py", {**wide, "j": "3"}),
    )
    for at in (past, drawn):
        assert_clean(at)
    said = lambda at: any(words in caption.value for caption in at.caption)  # noqa: E731
    assert said(past) and not said(drawn)
