r"""Multiple-choice exercises: the right matrix formula, the terms of the index sum that vanish."""

from __future__ import annotations

from backprop.derivation import notation as nt
from backprop.derivation.notation import sup as sym
from backprop.teaching.practice.exercise import LETTERS, TARGETS, Choice, Exercise, Hint
from backprop.teaching.practice.unfold import entry_symbol, grad_tex, sum_hints, var_tex


def formula_exercise(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    targets = ["W", "b", "A_prev"] + (["Z"] if spec.activations[l - 1] != "softmax" else [])
    target = targets[int(rng.integers(0, len(targets)))]
    A_prev, W, Z = sym("A", l - 1), sym("W", l), sym("Z", l)
    A_prev_T, W_T = nt.transpose(A_prev), nt.transpose(W)
    dZ, dA = grad_tex(Z), grad_tex(sym("A", l))
    ones = nt.ones(spec.m)
    options = {
        "W": [
            (A_prev_T + " " + dZ, "right"),
            (dZ + " " + A_prev_T, "order"),
            (nt.paren_transpose(dZ) + " " + A_prev, "layout"),
            (A_prev + " " + dZ, "transpose"),
        ],
        "b": [
            (nt.paren_transpose(nt.transpose(ones) + " " + dZ), "right"),
            (dZ + r"\, \mathbf{1}", "rows"),
            (r"\mathbf{1}", "notes"),
            (dZ, "whole"),
        ],
        "A_prev": [
            (dZ + " " + W_T, "right"),
            (W_T + " " + dZ, "order"),
            (dZ + " " + W, "transpose"),
            (W, "notes"),
        ],
        "Z": [
            (nt.hadamard(dA, "g'(" + Z + ")"), "right"),
            (dA + r"\, g'(" + Z + ")", "matmul"),
            (nt.transpose("g'(" + Z + ")") + " " + dA, "order"),
            (nt.hadamard(dA, "g(" + Z + ")"), "g"),
        ],
    }[target]
    order = rng.permutation(len(options))
    choices = tuple(Choice(options[k][0], options[k][1] == "right", options[k][1]) for k in order)
    answer = next(k for k, c in enumerate(choices) if c.correct)
    lhs = {"W": grad_tex(W), "b": grad_tex(sym("b", l)), "A_prev": grad_tex(A_prev), "Z": dZ}[target]
    right = choices[answer].tex
    if target == "Z":
        hints: tuple[Hint, ...] = (
            Hint(
                "practice.hint.activation",
                r"a_{st} = g(z_{st}) \;\Rightarrow\; "
                + grad_tex("z_{st}")
                + " = "
                + grad_tex("a_{st}")
                + r"\, g'(z_{st})",
            ),
            Hint(
                "practice.hint.elementwise",
                r"\left("
                + nt.hadamard(dA, "g'(" + Z + ")")
                + r"\right)_{st} = "
                + grad_tex("a_{st}")
                + r"\, g'(z_{st})",
            ),
        )
    else:
        hints = sum_hints(target, {"W": ("i", "j"), "b": ("i",), "A_prev": ("i", "j")}[target], "m", "n")
        hints += (Hint(f"practice.hint.matrix.{target}", lhs + " = " + right),)
    hints += (Hint("practice.hint.answer", f"\\text{{{LETTERS[answer]}}}:\\; " + lhs + " = " + right),)
    return Exercise(
        number,
        "formula",
        target,
        l,
        (),
        lhs,
        (),
        choices,
        answer,
        LETTERS[answer],
        right,
        0.0,
        hints,
        (("l", l),),
    )


def vanish_exercise(number: int, trace, rng) -> Exercise:
    spec = trace.spec
    l = int(rng.integers(1, spec.L + 1))
    n_in, n_out, m = spec.sizes[l - 1], spec.sizes[l], spec.m
    pairs = [(s, t) for s in range(1, m + 1) for t in range(1, n_out + 1)]
    for target in rng.permutation(TARGETS):  # a target whose sum has terms that vanish, if there is one
        target = str(target)
        if target == "W":
            index: tuple[int, ...] = (int(rng.integers(1, n_in + 1)), int(rng.integers(1, n_out + 1)))
            right, wrong = ("t", index[1]), [("s", index[0]), ("none", 0), ("t", index[0]), ("st", 0)]
        elif target == "b":
            index = (int(rng.integers(1, n_out + 1)),)
            right, wrong = ("t", index[0]), [("s", index[0]), ("none", 0), ("st", 0)]
        else:
            index = (int(rng.integers(1, m + 1)), int(rng.integers(1, n_in + 1)))
            right, wrong = ("s", index[0]), [("t", index[1]), ("none", 0), ("s", index[1]), ("st", 0)]
        if _vanishing(right, pairs):
            break
    options, seen = [right], [_vanishing(right, pairs)]
    for option in wrong:  # tempting wrong conditions, each removing a different set of terms
        if _vanishing(option, pairs) not in seen and len(options) < 4:
            options.append(option)
            seen.append(_vanishing(option, pairs))
    order = rng.permutation(len(options))
    choices = tuple(
        Choice(_condition_tex(options[k]), options[k] == right, "right" if options[k] == right else "vanish")
        for k in order
    )
    answer = next(k for k, c in enumerate(choices) if c.correct)
    vanishing = len(_vanishing(right, pairs))
    unfolded = sum_hints(target, index, m, n_out)
    question = unfolded[0].tex.replace(grad_tex(var_tex(target, index)), entry_symbol(target, l, index), 1)
    hints = (
        Hint("practice.hint.depends", r"z_{st} = \sum_{k} a_{sk} w_{kt} + b_t"),
        unfolded[1],
        Hint("practice.hint.vanish_answer", f"\\text{{{LETTERS[answer]}}}:\\; " + choices[answer].tex),
    )
    return Exercise(
        number,
        "vanish",
        target,
        l,
        index,
        question,
        (),
        choices,
        answer,
        LETTERS[answer],
        choices[answer].tex,
        0.0,
        hints,
        (("l", l), ("terms", len(pairs)), ("vanishing", vanishing)),
    )


def _vanishing(condition: tuple[str, int], pairs) -> list[tuple[int, int]]:
    """The terms (s, t) a condition such as ("t", 2) (t ≠ 2), ("st", 0) (s ≠ t) or ("none", 0) removes."""
    kind, value = condition
    if kind == "none":
        return []
    if kind == "st":
        return [(s, t) for s, t in pairs if s != t]
    return [(s, t) for s, t in pairs if (s if kind == "s" else t) != value]


def _condition_tex(condition: tuple[str, int]) -> str:
    kind, value = condition
    return {"none": r"\varnothing", "st": r"s \ne t"}.get(kind, f"{kind} \\ne {value}")
