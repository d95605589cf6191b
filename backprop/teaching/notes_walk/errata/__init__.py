r"""The mistakes of the notes (docs/notes.md's nine and four more), each refuted here and corrected.

Each ``Mistake`` holds the notes' statement, the check that refutes it (why it fails:
the shapes, SymPy, a counterexample certified by finite differences, or the reading of
the text), the corrected statement and the checks that verify it. When the current
numbers happen to satisfy a wrong statement (m = 1, n_l = 1, a square layer) the
refutation says so and rests on the general argument, which the evidence names.

>>> from backprop import NetworkSpec, run
>>> from backprop.teaching.notes_walk.checks import focus
>>> trace = run(NetworkSpec())
>>> [(k.number, k.refutation.verdict, k.corrected_verdict) for k in all_mistakes(trace, focus(trace))][:2]
[(1, 'refuted', 'verified'), (2, 'refuted', 'verified')]

One module a group: ``notation`` (1, 2, 6), ``gradients`` (3, 4, 5), ``loss_sum`` (7),
``figure`` (8, 9), ``further`` (10 to 13: the differential with W fixed, the ∂ missing
again, bold a_i a row but bold w_i a column, G^(l) a matrix of functions).
"""

from __future__ import annotations

from backprop.core.network import Trace
from backprop.teaching.notes_walk.checks import Focus
from backprop.teaching.notes_walk.errata.figure import broken_sentence, layout_unstated
from backprop.teaching.notes_walk.errata.further import (
    bold_roles,
    differential_w_fixed,
    further_mistakes,
    g_functions,
    partial_again,
)
from backprop.teaching.notes_walk.errata.gradients import differential, loss_gradients, what_to_find
from backprop.teaching.notes_walk.errata.loss_sum import loss_per_sample
from backprop.teaching.notes_walk.errata.notation import column_length, missing_partial, superscripts
from backprop.teaching.notes_walk.model import Mistake

BUILDERS = (
    column_length,
    superscripts,
    what_to_find,
    differential,
    loss_gradients,
    missing_partial,
    loss_per_sample,
    broken_sentence,
    layout_unstated,
)


def all_mistakes(trace: Trace, f: Focus, shared: dict | None = None) -> list[Mistake]:
    """The notes' nine mistakes in order, then 10 to 13, checked (``shared``: see broken_sentence)."""
    return [
        build(trace, f, shared) if build in (broken_sentence, layout_unstated) else build(trace, f)
        for build in BUILDERS
    ] + further_mistakes(trace, f)


__all__ = [
    "BUILDERS",
    "all_mistakes",
    "bold_roles",
    "differential_w_fixed",
    "further_mistakes",
    "g_functions",
    "partial_again",
    "broken_sentence",
    "column_length",
    "differential",
    "layout_unstated",
    "loss_gradients",
    "loss_per_sample",
    "missing_partial",
    "superscripts",
    "what_to_find",
]
