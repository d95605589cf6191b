"""The practice page: a seeded set from the URL, answers checked at once, hints, the session score."""

from __future__ import annotations

import re

from backprop import NetworkSpec
from backprop.teaching.practice import LETTERS, exercise_set

from .conftest import assert_clean, run_page, texts

RAW_KEY = re.compile(r"\bpractice\.[a-z_.]+\b")
PAGE = "pages/8_practice.py"


def _submit(at, slot: str):
    return at.button(key=f"FormSubmitter:pr_form_{slot}-Check").click().run()


def test_the_url_picks_the_set_and_the_exercise_and_answers_are_checked():
    seed = 42
    exercises = exercise_set(seed)
    entry = next(e for e in exercises if e.kind == "entry")
    at = run_page(PAGE, {"set": str(seed), "ex": str(entry.number)})
    assert_clean(at)
    assert not RAW_KEY.search(texts(at))
    assert entry.question_tex in [x.value.strip("$\n ") for x in at.latex]
    assert any("only your first checked answer counts" in c.value for c in at.caption)
    slot = f"random_{seed}_{entry.number}"
    at.text_input(key=f"pr_text_{slot}").input("1,5")
    _submit(at, slot)
    assert at.warning and "comma" in at.warning[0].value  # malformed: said so, not counted
    assert at.metric[0].value == "0 right of 0"
    wrong = float(entry.answer) + max(10 * entry.tolerance, 1.0)
    at.text_input(key=f"pr_text_{slot}").input(repr(wrong))
    _submit(at, slot)
    assert at.error and at.metric[0].value == "0 right of 1"
    assert any("Counted in your score: not right" in c.value for c in at.caption)
    at.text_input(key=f"pr_text_{slot}").input(entry.answer_text)
    _submit(at, slot)  # right now, but the first check is the one that counts
    assert at.success and entry.answer_text in at.success[0].value
    assert at.metric[0].value == "0 right of 1"


def test_enter_then_check_and_re_checks_count_once():
    seed = 42
    entry = next(e for e in exercise_set(seed) if e.kind == "entry")
    other = next(e for e in exercise_set(seed) if e.kind == "entry" and e.number != entry.number)
    at = run_page(PAGE, {"set": str(seed), "ex": str(entry.number)})
    slot = f"random_{seed}_{entry.number}"
    at.text_input(key=f"pr_text_{slot}").input(entry.answer_text)
    _submit(at, slot)  # Enter in the box submits the form
    _submit(at, slot)  # then the Check button
    assert at.success and at.metric[0].value == "1 right of 1"
    assert any("Counted in your score: right" in c.value for c in at.caption)
    step = "pr_next" if other.number > entry.number else "pr_back"
    for _ in range(abs(other.number - entry.number)):
        at.button(key=step).click().run()
    other_slot = f"random_{seed}_{other.number}"
    at.text_input(key=f"pr_text_{other_slot}").input(
        repr(float(other.answer) + max(10 * other.tolerance, 1.0))
    )
    _submit(at, other_slot)
    assert at.metric[0].value == "1 right of 2"
    for _ in range(3):  # re-checks, right or wrong, change nothing
        at.text_input(key=f"pr_text_{other_slot}").input(other.answer_text)
        _submit(at, other_slot)
    assert at.success and at.metric[0].value == "1 right of 2"


def test_the_tolerance_is_explained_on_screen():
    spec_args = {"net": "current", "sizes": "3,4,2", "act1": "sigmoid", "act2": "identity"}
    spec = NetworkSpec((3, 4, 2), ("sigmoid", "identity"))
    entry = next(e for e in exercise_set(1, spec) if e.kind == "entry")
    at = run_page(PAGE, spec_args | {"set": "1", "ex": str(entry.number)})
    assert_clean(at)
    why = [c.value for c in at.caption if c.value.startswith("Why this tolerance")]
    assert why and f"({entry.tolerance:.3g})" in why[0] and "The sign must be right" in why[0]
    exact = next(e for e in exercise_set(42) if e.kind == "entry")
    at = run_page(PAGE, {"set": "42", "ex": str(exact.number)})
    assert any(c.value.startswith("Every number here is exact") for c in at.caption)


def test_hints_unfold_one_at_a_time_and_end_at_the_answer():
    exercise = exercise_set(7)[0]
    at = run_page(PAGE, {"set": "7", "ex": "1"})
    before = len(at.latex)
    for shown in range(1, len(exercise.hints) + 1):
        at.button(key="pr_hint").click().run()
        assert len(at.latex) == before + shown
    assert at.latex[-1].value.strip("$\n ") == exercise.hints[-1].tex
    assert exercise.answer_tex in at.latex[-1].value
    assert at.button(key="pr_hint").disabled


def test_a_choice_exercise_and_the_next_button():
    exercises = exercise_set(3)
    choice = next(e for e in exercises if e.choices)
    at = run_page(PAGE, {"set": "3", "ex": str(choice.number - 1 or 1)})
    if choice.number > 1:
        at.button(key="pr_next").click().run()
    assert at.query_params["ex"] == str(choice.number)
    slot = f"random_3_{choice.number}"
    wrong = next(k for k, c in enumerate(choice.choices) if not c.correct)
    at.radio(key=f"pr_pick_{slot}").set_value(wrong)
    _submit(at, slot)
    assert at.error and at.error[0].value.startswith(LETTERS[wrong])
    at.radio(key=f"pr_pick_{slot}").set_value(choice.answer)
    _submit(at, slot)
    assert at.success


def test_the_current_network_and_one_too_big_for_hand_work():
    at = run_page(
        PAGE, {"net": "current", "sizes": "2,3,1", "act1": "relu", "act2": "identity", "init": "integers"}
    )
    assert_clean(at)
    spec = NetworkSpec((2, 3, 1), ("relu", "identity"), init="integers")
    first = exercise_set(1, spec)[0]
    assert first.question_tex in [x.value.strip("$\n ") for x in at.latex]
    at = run_page(PAGE, {"net": "current", "sizes": "20,3,1"})
    assert at.error and "network for practice" in at.error[0].value and not at.exception


def test_chinese():
    at = run_page(PAGE, {"lang": "zh", "set": "5"})
    assert_clean(at)
    assert at.title[0].value == "练习" and not RAW_KEY.search(texts(at))
