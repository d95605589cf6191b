"""The step-through page: the step in the URL, back and forward, play / pause, one entry's sum, the ledger.

AppTest runs the whole script, fragment included, but does not fire a fragment's
``run_every`` timer. A run of the page while playing is what a timer tick does to the
fragment (one frame on), so "play advances with no input" is checked as: click play
once, then run the page again with no widget touched.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop import NetworkSpec, run
from backprop.derivation import latex
from backprop.derivation.exact import exact_run
from backprop.derivation.steps import backward_steps
from backprop.ui import animation
from backprop.ui.step_entry import Factor, entry_of, lit_blocks

from .conftest import assert_clean, run_page, texts

PAGE = "pages/9_step_through.py"
RAW_KEY = re.compile(r"\bsteps\.[a-z_]+\b")


def shown(at) -> list[str]:
    return [x.value.strip("$\n ") for x in at.latex]


def unlit(factor: Factor) -> list[str]:
    """The blocks the page shows for a matrix of the whole step (nothing lit)."""
    return lit_blocks(Factor(factor.tex, factor.value))[1]


def step_of(at) -> int:
    return int(
        at.query_params["step"][0] if isinstance(at.query_params["step"], list) else at.query_params["step"]
    )


def open_whole_step(at):
    """Open the whole step's expander, as a click on its summary does (its rerun fills it)."""
    at.session_state["st_whole"] = True
    return at.run()


def test_the_url_step_is_shown_with_the_cores_numbers_and_ledger():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": "3"})
    assert_clean(at)
    assert not RAW_KEY.search(texts(at))
    step = steps[2]
    assert shown(at)[0] == step.formula_line()
    # what the entry reads, lit; the whole step's expander is closed until a student opens it,
    # and holds nothing while closed (a step's click does not redraw what nobody sees)
    factors = entry_of(run(NetworkSpec()), step, (0, 0)).factors
    lit = [tex for f in factors for tex in lit_blocks(f)[1]]
    assert shown(at)[-len(lit) :] == lit
    assert not at.expander[0].proto.expanded and not at.expander[0].children
    assert not at.table
    # opened: the result in blocks of columns that wrap, and the ledger; the numbers put in are
    # the lit matrices above, not shown a second time
    open_whole_step(at)
    assert_clean(at)
    result = unlit(Factor(step.lhs, step.result))
    assert shown(at)[-len(lit) - len(result) :] == lit + result
    assert not set(tex for f in factors for tex in unlit(f)) & set(shown(at))
    table = at.table[0].value
    used = table[table.iloc[:, 3] == "✓"].iloc[:, 0].tolist()
    assert used == ["A⁽¹⁾", "∂L/∂Z⁽²⁾"]


def test_a_matrix_too_big_to_show_whole_is_a_table_in_the_expander():
    # 40 wide: A^(1) does not fit; what the entry reads shows its row only, the expander all of it
    at = open_whole_step(run_page(PAGE, {"sizes": "3,40,2", "m": "4", "step": "3"}))
    assert_clean(at)
    step = backward_steps(run(NetworkSpec(sizes=(3, 40, 2), batch=4)))[2]
    wide, narrow = entry_of(run(NetworkSpec(sizes=(3, 40, 2), batch=4)), step, (0, 0)).factors
    assert wide.value.shape == (40, 4) and narrow.value.shape == (4, 2)
    inside = at.expander[0]
    assert inside.markdown[0].value == "**The numbers put in**"
    # the expander's first grid is a window on the 40 x 4 matrix: its 4 columns, its first rows
    window = inside.dataframe[0].value
    assert window.shape[1] == 4 and 1 < window.shape[0] < 40
    np.testing.assert_allclose(window.to_numpy(dtype=float), wide.value[: window.shape[0]], rtol=1e-3)
    # the 4 x 2 one fits: shown lit in what the entry reads, not again here (the 40 x 2 result
    # is a window too: no matrix in the expander is LaTeX)
    assert any(tex.startswith(r"\frac{\partial L}{\partial Z^{(2)}}") for tex in shown(at))
    assert not inside.latex


def test_a_matrix_of_one_block_is_one_latex_and_a_wider_one_wraps_in_its_box():
    # 3-6-2, step 7 (∂L/∂W^(1)): Xᵀ (3 × 4) is one block, ∂L/∂Z^(1) (4 × 6) two blocks of columns
    at = run_page(PAGE, {"sizes": "3,6,2", "step": "7"})
    assert_clean(at)
    spec = NetworkSpec(sizes=(3, 6, 2))
    narrow, wide = entry_of(run(spec), backward_steps(run(spec))[6], (0, 0)).factors
    assert len(lit_blocks(narrow)[1]) == 1 and len(lit_blocks(wide)[1]) == 2
    reads = list(layout_nodes(at)[-2].children.values())[-1]  # the entry's "what it reads"
    parts = list(reads.children.values())
    assert [type(node).__name__ for node in parts] == ["Markdown", "Latex", "Block"]
    assert parts[1].value.strip("$\n ") == lit_blocks(narrow)[1][0]
    assert [node.value.strip("$\n ") for node in parts[2].children.values()] == lit_blocks(wide)[1]


def test_back_and_forward_move_the_step_and_the_url():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": "1"})
    assert at.button(key="st_back").disabled
    at.button(key="st_forward").click().run()
    assert at.query_params["step"] == "2" and shown(at)[0] == steps[1].formula_line()
    assert animation.PLAYING not in at.session_state  # a step by hand leaves a paused page paused
    at.button(key="st_forward").click().run().button(key="st_back").click().run()
    assert at.query_params["step"] == "2"
    at = run_page(PAGE, {"step": str(len(steps))})
    assert at.button(key="st_forward").disabled


def test_hand_calculation_mode_shows_exact_fractions():
    query = {
        "sizes": "2,3,1",
        "act1": "relu",
        "act2": "identity",
        "init": "integers",
        "reduction": "mean",
        "m": "3",
    }
    spec = NetworkSpec((2, 3, 1), ("relu", "identity"), reduction="mean", batch=3, init="integers")
    exact = backward_steps(exact_run(spec))
    at = open_whole_step(run_page(PAGE, query | {"step": "1"}))
    assert_clean(at)
    assert at.radio(key="st_numbers").value == "exact"
    assert shown(at)[-1:] == unlit(Factor(exact[0].lhs, exact[0].result)) and r"\frac" in shown(at)[-1]
    at.radio(key="st_numbers").set_value("decimal").run()
    decimal = backward_steps(run(spec))[0]
    assert shown(at)[-1:] == unlit(Factor(decimal.lhs, decimal.result))


def test_a_bad_step_in_the_url_is_named_and_a_network_without_exact_mode_says_why_once():
    at = run_page(PAGE, {"step": "99", "numbers": "exact"})
    assert not at.exception
    assert "step" in " ".join(w.value for w in at.warning)
    assert not at.radio  # one option is no choice: no radio
    reasons = [c.value for c in at.caption if "hand-calculation mode" in c.value]
    assert reasons == [
        "Exact numbers (hand-calculation mode) need integer weights, initialisation “integers”; "
        "this network uses “uniform”."
    ]


@pytest.mark.parametrize(
    "query, reason",
    [
        ({"init": "integers"}, "第 1 层用的是 `sigmoid`"),
        ({"init": "integers", "act1": "relu", "act2": "identity", "sizes": "40,40,40", "m": "64"}, "20000"),
    ],
)
def test_the_reason_exact_numbers_are_off_is_in_the_pages_language(query, reason):
    at = run_page(PAGE, query | {"lang": "zh"})
    assert_clean(at)
    assert not at.radio
    captions = [c.value for c in at.caption if c.value.startswith("精确值（手算模式）")]
    assert len(captions) == 1 and reason in captions[0]
    assert not re.search(r"not allowed|hand-calculation", texts(at))


def test_play_advances_with_no_input_and_pause_holds():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": "1"})
    assert at.button(key="st_play").label.endswith("Play")
    at.button(key="st_play").click().run()
    assert_clean(at)
    assert at.button(key="st_play").label.endswith("Pause")
    runs = 0
    while step_of(at) == 1:  # each run is a tick: ∂L/∂A^(2) fills its one term, collapses, moves on
        at.run()
        runs += 1
        assert runs <= 3
    assert step_of(at) == 2 and shown(at)[0] == steps[1].formula_line()
    at.button(key="st_play").click().run()  # pause
    assert at.button(key="st_play").label.endswith("Play")
    held = step_of(at), shown(at)
    at.run()
    at.run()
    assert (step_of(at), shown(at)) == held


def test_a_step_by_hand_while_playing_pauses_the_play():
    at = run_page(PAGE, {"step": "1"})
    at.button(key="st_play").click().run()
    assert at.session_state[animation.PLAYING]
    at.button(key="st_forward").click().run()
    assert not at.session_state[animation.PLAYING]
    assert at.button(key="st_play").label.endswith("Play")
    held = step_of(at)
    at.run()
    assert step_of(at) == held


def test_a_played_sum_fills_in_term_by_term_then_collapses_to_the_product():
    trace = run(NetworkSpec())
    step = backward_steps(trace)[2]  # ∂L/∂W^(2): four samples, four terms
    entry = entry_of(trace, step, (1, 0))
    at = run_page(PAGE, {"step": "3", "i": "2", "j": "1"})
    assert entry.collapsed() in shown(at)  # paused: the whole sum and its product
    at.button(key="st_play").click().run()
    seen = []
    while step_of(at) == 3:
        seen.append(next(x for x in shown(at) if entry.index_sum in x))
        at.run()
    assert seen == [entry.filling(k) for k in range(1, entry.frames)] + [entry.filling(entry.frames)]
    assert r"+ \mathord{?}" in seen[0] and seen[-1].endswith(
        "&= " + latex.number_tex(step.result[1, 0]) + r"\end{aligned}"
    )


def test_play_stops_at_the_last_step_and_starts_again_from_the_first():
    steps = backward_steps(run(NetworkSpec()))
    at = run_page(PAGE, {"step": str(len(steps) - 1)})
    at.button(key="st_play").click().run()
    for _ in range(20):
        at.run()
    assert not at.session_state[animation.PLAYING] and step_of(at) == len(steps)
    assert at.button(key="st_play").label.endswith("Play")
    at.button(key="st_play").click().run()  # from the end: the pass again
    assert step_of(at) == 1 and at.session_state[animation.PLAYING]


def test_a_large_network_plays_the_chosen_layer_only_and_says_so():
    deep = {"sizes": "3,4,4,4,2", "act1": "relu", "act2": "relu", "act3": "relu", "act4": "identity"}
    at = run_page(PAGE, deep | {"step": "2", "lang": "zh"})
    assert_clean(at)
    assert any("只走第 4 层" in c.value for c in at.caption)
    at.button(key="st_play").click().run()
    for _ in range(40):
        at.run()
    steps = backward_steps(run(at.session_state["_spec"]))
    assert [s.l for s in steps][step_of(at) - 1] == 4 and not at.session_state[animation.PLAYING]


def test_every_step_of_the_default_network_draws_in_chinese_without_raw_keys():
    steps = backward_steps(run(NetworkSpec()))
    for number in range(1, len(steps) + 1):
        at = run_page(PAGE, {"step": str(number), "lang": "zh"})
        assert_clean(at)
        assert not RAW_KEY.search(texts(at))
        assert at.button(key="st_play").label.endswith("播放")


def layout_nodes(at) -> list:
    """The step fragment's elements in order (its last two: the entry's fragment and the expander)."""
    step = [node for node in at.main.children.values() if type(node).__name__ == "Block"][-1]
    return list(step.children.values())


def layout(at) -> list:
    """The kinds of the step fragment's elements in order; for the entry's fragment and the expander, theirs.

    (The containers inside, whose length varies with the step by design, are one element each.)
    """
    kind = lambda node: type(node).__name__  # noqa: E731
    nodes = layout_nodes(at)
    entry, expander = nodes[-2:]
    return [kind(node) for node in nodes] + [
        [kind(node) for node in part.children.values()] for part in (entry, expander)
    ]


def test_every_step_keeps_the_fragments_elements_in_their_places():
    # steps with and without the shortcut note, with two pickers and with one, reading one matrix
    # or two: the same elements at the same places, so a step's change updates them in the
    # browser instead of rebuilding everything after the first one that moved
    spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "softmax"), loss="softmax_ce")
    query = {"sizes": "3,4,2", "act1": "sigmoid", "act2": "softmax", "loss": "softmax_ce"}
    steps = backward_steps(run(spec))
    assert {len(s.result.shape) for s in steps} == {1, 2} and any(s.shortcut for s in steps)
    pages = [run_page(PAGE, {**query, "step": str(n)}) for n in range(1, len(steps) + 1)]
    closed = [layout(at) for at in pages]
    assert all(shape == closed[0] for shape in closed), closed
    assert closed[0][-2:] == [["Block", "Block", "Block"], []]  # the closed expander: empty
    # the entry's sum, in its box (set from the left): collapsed when paused, the sum and the product
    sums = [list(layout_nodes(at)[-2].children.values())[1] for at in pages]
    assert all(box.proto.id.endswith("-st_sum") for box in sums), [box.proto.id for box in sums]
    assert all([type(n).__name__ for n in box.children.values()] == ["Latex", "Latex"] for box in sums)
    opened = [layout(open_whole_step(at)) for at in pages]
    assert all(shape == opened[0] for shape in opened), opened
    assert opened[0][:-1] == closed[0][:-1] and opened[0][-1] == ["Block", "Block"]


@pytest.mark.parametrize("reduction, scaled", [("sum", False), ("mean", True)])
def test_the_shortcut_note_writes_the_steps_own_formula(reduction, scaled):
    """With the mean over samples the shortcut is (1/m)(A − Y): the note must say so, as the step does."""
    query = {"sizes": "3,4,2", "act1": "tanh", "act2": "sigmoid", "loss": "bce", "reduction": reduction}
    at = run_page(PAGE, query)
    notes = [box.value for box in at.info if "shortcut" in box.value]
    assert len(notes) == 1, [box.value for box in at.info]
    assert (r"\frac{1}{4}" in notes[0]) == scaled and "A^{(2)} - Y" in notes[0]
