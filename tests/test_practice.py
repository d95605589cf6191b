"""Practice: seeded exercises, answers checked (right, wrong, malformed), hints ending at the answer."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from backprop import InvalidInput, NetworkSpec, run
from backprop.teaching.practice import (
    KINDS,
    LETTERS,
    Score,
    Verdict,
    check_answer,
    exercise_set,
    parse_choice,
    parse_number,
    parse_shape,
    practice_spec,
)
from backprop.teaching.practice.answers import MAX_SHARE, REL_TOL, number_tolerance

LOCALES = Path(__file__).resolve().parents[1] / "backprop" / "locales"
SEEDS = st.integers(0, 2**32 - 1)


def _fields(exercise):
    return (
        exercise.kind,
        exercise.target,
        exercise.l,
        exercise.index,
        exercise.answer_text,
        exercise.question_tex,
    )


@given(SEEDS)
def test_the_same_seed_gives_the_same_exercises(seed):
    first, again = exercise_set(seed), exercise_set(seed)
    assert first == again
    assert practice_spec(seed) == practice_spec(seed)


def test_different_seeds_give_different_sets_and_every_kind_comes_up():
    sets = {tuple(_fields(e) for e in exercise_set(seed)) for seed in range(20)}
    assert len(sets) == 20
    assert {e.kind for e in exercise_set(42)} == set(KINDS)


def wrong_answers(exercise):
    """Plausible wrong answers for every kind (each must be refused)."""
    if exercise.kind == "entry":
        value = float(exercise.answer)
        step = 1.5 * exercise.tolerance or 0.002 * max(1.0, abs(value))  # exact keys: tolerance 0
        return [repr(value + step), repr(value - step), repr(-value - 1)]
    if exercise.kind == "shape":
        shape = exercise.answer
        bigger = " x ".join(str(n + 1) for n in shape)
        if len(shape) == 1:  # n, (n,) and n x 1 are right; a row 1 x n is not
            return [bigger, f"1 x {shape[0]}" if shape[0] > 1 else "3 x 1"]
        return [bigger, f"{shape[1]} x {shape[0]}" if shape[0] != shape[1] else "9 x 9", str(shape[0])]
    return [LETTERS[k] for k, choice in enumerate(exercise.choices) if not choice.correct]


@given(SEEDS)
def test_a_right_answer_is_accepted_and_a_wrong_one_refused_for_every_kind(seed):
    for exercise in exercise_set(seed, count=8):
        right = check_answer(exercise, exercise.answer_text)
        assert right.status == "right", (exercise.kind, exercise.answer_text)
        for text in wrong_answers(exercise):
            verdict = check_answer(exercise, text)
            assert verdict.status == "wrong", (exercise.kind, text, exercise.answer_text)
            assert verdict.code != "right"


def test_numeric_tolerance_is_the_stated_one():
    exercise = next(
        e for e in exercise_set(7, NetworkSpec((3, 4, 2), ("sigmoid", "identity"))) if e.kind == "entry"
    )
    value, tol = float(exercise.answer), exercise.tolerance
    assert REL_TOL * abs(value) <= tol <= MAX_SHARE * abs(value)
    assert check_answer(exercise, repr(value + 0.9 * tol)).correct
    assert check_answer(exercise, repr(value - 0.9 * tol)).correct
    assert not check_answer(exercise, repr(value + 1.1 * tol)).correct
    assert not check_answer(exercise, repr(value - 1.1 * tol)).correct


def _entry_with_key(key, terms):
    """A float entry exercise whose key is ``key``, its tolerance from the terms of its sum."""
    base = next(
        e for e in exercise_set(7, NetworkSpec((3, 4, 2), ("sigmoid", "identity"))) if e.kind == "entry"
    )
    return dataclasses.replace(
        base, answer=key, answer_text=repr(key), tolerance=number_tolerance(key, terms)
    )


def test_a_small_key_needs_its_sign_and_one_percent():
    # the former max(0.005, 0.5%) accepted "0", "-0.002" and "0.006" for a key of 0.002
    exercise = _entry_with_key(0.002, [0.0015, 0.0005])
    assert exercise.tolerance == pytest.approx(2e-5)
    for text in ("0", "-0.002", "0.006", "0.0021", "0.00197"):
        assert not check_answer(exercise, text).correct, text
    assert check_answer(exercise, "-0.002").code == "wrong_sign"
    for text in ("0.002", "0.00201", "0.001985", "2e-3", "1/500"):
        assert check_answer(exercise, text).correct, text


def test_cancelling_terms_widen_the_tolerance_up_to_a_tenth_of_the_key():
    # 0.9 - 0.898 = 0.002: rounding each term to 4 digits may move the sum by 5e-4 · 1.798
    exercise = _entry_with_key(0.002, [0.9, -0.898])
    assert exercise.tolerance == pytest.approx(0.1 * 0.002)  # capped: 5e-4 · 1.798 > 2e-4
    assert check_answer(exercise, "0.0018").correct and check_answer(exercise, "0.0022").correct
    assert not check_answer(exercise, "0.0017").correct and not check_answer(exercise, "0").correct
    mild = _entry_with_key(0.5, [30.0, -29.5])
    assert mild.tolerance == pytest.approx(5e-4 * 59.5)  # between 1% (0.005) and 10% (0.05)


def test_a_zero_key_needs_zero():
    exercise = _entry_with_key(0.0, [0.25, -0.25])
    assert exercise.tolerance == 0.0
    assert check_answer(exercise, "0").correct and check_answer(exercise, "-0.0").correct
    assert not check_answer(exercise, "1e-9").correct


def test_exact_keys_need_the_fraction_or_its_decimal_to_four_digits():
    spec = NetworkSpec((2, 3, 2), ("relu", "identity"), reduction="mean", batch=3, seed=1, init="integers")
    base = next(e for seed in range(20) for e in exercise_set(seed, spec) if e.kind == "entry")
    third = dataclasses.replace(base, answer=sp.Rational(1, 3))
    for text in ("1/3", "2/6", "0.3333", "0.3334", "0.33333", "3.333e-1"):
        assert check_answer(third, text).correct, text
    for text in ("0.333", "0.34", "-0.3333", "0.3335", "1/4"):
        assert not check_answer(third, text).correct, text
    assert check_answer(third, "0.333").code == "wrong_exact"  # near: say how to write it exactly
    assert check_answer(third, "0.33").code == "wrong_exact"
    assert check_answer(third, "-0.3333").code == "wrong_sign"
    for far in ("12345", "1/4", "0.5"):  # plainly another number: not a matter of digits
        assert check_answer(third, far).code == "wrong_value", far
    assert third.prompt_key == f"practice.prompt.entry_exact.{third.target}"  # no tolerance to state
    rounded = dataclasses.replace(third, tolerance=0.01, answer=0.5)
    assert rounded.prompt_key == f"practice.prompt.entry.{third.target}"
    twelfth = dataclasses.replace(base, answer=sp.Rational(-1, 12))
    assert check_answer(twelfth, "-0.0833").correct  # 4 decimal places
    assert not check_answer(twelfth, "0.0833").correct
    two = dataclasses.replace(base, answer=sp.Integer(2))
    assert check_answer(two, "2.0").correct and not check_answer(two, "2.001").correct


def test_one_score_per_exercise_the_first_check_counts():
    right, wrong = Verdict("right", "right"), Verdict("wrong", "wrong_number")
    malformed = Verdict("malformed", "malformed.empty")
    score = Score().record(malformed, "a").record(wrong, "a").record(right, "a").record(right, "a")
    assert (score.right, score.tried) == (0, 1) and score.first("a") is False
    score = score.record(right, "b").record(right, "b")  # Enter, then Check: one count
    assert (score.right, score.tried) == (1, 2) and score.first("b") is True and score.first("c") is None


def test_entry_answers_are_the_core_gradient_from_the_numbers_shown():
    spec = NetworkSpec((3, 4, 2), ("tanh", "identity"), batch=3, seed=3)
    trace = run(spec)
    entries = [e for seed in range(30) for e in exercise_set(seed, spec) if e.kind == "entry"]
    assert {e.target for e in entries} == {"W", "b", "A_prev"}
    for e in entries:
        layer = trace.layers[e.l - 1]
        core = {"W": layer.dW, "b": layer.db, "A_prev": layer.dA_prev}[e.target][
            tuple(i - 1 for i in e.index)
        ]
        assert abs(float(e.answer) - core) <= e.tolerance, (
            e.target,
            e.index,
        )  # rounding of the shown numbers


def test_hand_mode_exercises_are_exact_and_fractions_are_accepted():
    spec = NetworkSpec((2, 3, 2), ("relu", "identity"), reduction="mean", batch=3, seed=1, init="integers")
    entries = [e for seed in range(20) for e in exercise_set(seed, spec) if e.kind == "entry"]
    assert all(isinstance(e.answer, sp.Rational) for e in entries)
    fraction = next(e for e in entries if e.answer.q != 1)
    assert check_answer(fraction, f"{fraction.answer.p}/{fraction.answer.q}").correct
    assert check_answer(fraction, f"{float(fraction.answer):.4f}").correct


@given(SEEDS)
def test_hints_unfold_the_sum_and_end_at_the_full_answer(seed):
    for e in exercise_set(seed):
        keys = [h.key for h in e.hints]
        last = e.hints[-1].tex
        assert e.answer_tex in last, (e.kind, last)
        if e.kind == "entry":
            assert keys == [
                "practice.hint.double_sum",
                f"practice.hint.local.{e.target}",
                f"practice.hint.collapse.{e.target}",
                "practice.hint.numbers",
                keys[-1],
            ]
            assert keys[-1] in ("practice.hint.answer", "practice.hint.answer_kink")
            assert last == e.question_tex + " = " + e.answer_tex
            assert e.hints[0].tex.count(r"\sum") == 2 and e.hints[2].tex.count(r"\sum") == 1
        elif e.kind in ("formula", "vanish"):
            assert last.startswith(rf"\text{{{e.answer_text}}}")


def test_hint_numbers_add_up_to_the_answer():
    e = next(
        e
        for e in exercise_set(5, NetworkSpec((3, 4, 2), ("relu", "identity"), init="integers"))
        if e.kind == "entry" and e.target == "W"
    )
    terms = e.hints[3].tex.removeprefix("= ").split(" + ")
    products = [np.prod([float(f.strip("()")) for f in term.split(r"\cdot")]) for term in terms]
    assert sum(products) == float(e.answer)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1" * 41, "too_long"),
        ("0,5", "comma"),
        ("1/0", "zero_denominator"),
        ("__import__('os').system('x')", "number"),
        ("2**10", "number"),
        ("nan", "number"),
        ("inf", "number"),
        ("1e999", "number"),
        ("0x10", "number"),
        ("one", "number"),
    ],
)
def test_malformed_numbers_are_refused_with_a_code(text, code):
    exercise = next(e for e in exercise_set(42) if e.kind == "entry")
    verdict = check_answer(exercise, text)
    assert verdict.status == "malformed" and verdict.code == f"malformed.{code}"
    assert Score().record(verdict) == Score()  # not counted


@pytest.mark.parametrize(
    "kind, text, code",
    [
        ("shape", "4 by 2", "shape"),
        ("shape", "0 x 2", "shape"),
        ("shape", "2 x 2 x 2", "shape"),
        ("shape", "", "empty"),
        ("formula", "E", "choice"),
        ("formula", "0", "choice"),
        ("formula", "A or B", "choice"),
        ("vanish", "5", "choice"),
    ],
)
def test_malformed_shapes_and_choices_are_refused(kind, text, code):
    exercise = next(e for e in exercise_set(3, count=12) if e.kind == kind)
    assert check_answer(exercise, text).code == f"malformed.{code}"


def test_parsers_read_what_students_type():
    assert parse_number("  −0.25 ") == Fraction(-1, 4)
    assert parse_number("３/４") == Fraction(3, 4)  # full-width digits
    assert parse_number("+.5e1") == 5
    assert parse_shape("[4,2]") == parse_shape("4×2") == parse_shape("4 * 2") == (4, 2)
    assert parse_choice("c", 4) == 2 and parse_choice("2", 3) == 1
    with pytest.raises(InvalidInput, match="answer"):
        parse_choice("D", 3)


def test_wrong_choices_say_why_and_the_score_counts():
    exercise = next(e for e in exercise_set(3, count=12) if e.kind == "formula")
    whys = {check_answer(exercise, LETTERS[k]).code for k, c in enumerate(exercise.choices) if not c.correct}
    assert whys and all(code.startswith("why.") and code != "why.right" for code in whys)
    score = Score().record(check_answer(exercise, exercise.answer_text)).record(Verdict("wrong", "x"))
    assert (score.right, score.tried) == (1, 2)


def test_networks_too_big_for_hand_work_and_bad_seeds_are_refused():
    with pytest.raises(InvalidInput, match="network for practice"):
        exercise_set(1, NetworkSpec((784, 10), ("identity",)))
    for seed in (-1, 2**32, 1.5, "7", True):
        with pytest.raises(InvalidInput, match="exercise set"):
            exercise_set(seed)


def test_every_message_key_is_in_both_catalogues():
    keys = {e.prompt_key for seed in range(40) for e in exercise_set(seed, count=12)}
    keys |= {h.key for seed in range(40) for e in exercise_set(seed, count=12) for h in e.hints}
    keys |= {
        "practice.verdict.why." + c.why
        for seed in range(40)
        for e in exercise_set(seed, count=12)
        for c in e.choices
    }
    keys |= {
        f"practice.verdict.malformed.{c}"
        for c in ("empty", "too_long", "comma", "number", "zero_denominator", "shape", "choice")
    }
    keys |= {
        f"practice.verdict.{c}" for c in ("right", "wrong_number", "wrong_shape", "wrong_shape_transposed")
    }
    for lang in ("en", "zh"):
        catalogue = json.loads((LOCALES / lang / "practice.json").read_text(encoding="utf-8"))
        assert not keys - set(catalogue), (lang, sorted(keys - set(catalogue)))


def test_an_answer_key_that_uses_relu_prime_of_zero_says_so():
    found = {}
    for seed in range(40):
        spec = practice_spec(seed)
        trace = run(spec)
        for e in exercise_set(seed):
            if e.kind != "entry" or spec.activations[e.l - 1] != "relu":
                continue
            at_zero = bool((np.asarray(trace.layers[e.l - 1].Z, dtype=float) == 0).any())
            key = e.hints[-1].key
            assert key == ("practice.hint.answer_kink" if at_zero else "practice.hint.answer"), (seed, e.l)
            found[at_zero] = True
    assert found == {True: True, False: True}, "both cases come up in 40 seeded sets"
    for lang in ("en", "zh"):
        text = json.loads((LOCALES / lang / "practice.json").read_text("utf-8"))["practice.hint.answer_kink"]
        assert "relu′(0) = 0" in text
