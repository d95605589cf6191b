r"""Mistakes 8 and 9: the figure's broken sentence, and the layout the notes never state."""

from __future__ import annotations

from backprop.core.network import Trace
from backprop.derivation import notation as nt
from backprop.teaching.notes_walk.checks import Focus, finite_differences
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake
from backprop.teaching.notes_walk.statements import FIGURE_FIXED, NO_LAYOUT, NO_LAYOUT_FIXED


def broken_sentence(trace: Trace, f: Focus, shared: dict | None = None) -> Mistake:
    r"""8. "由图可以看出" stops mid-sentence; what the figure shows: ∂L/∂Z in, three gradients out.

    ``shared`` may hold the chain steps' finite-difference checks of the same products
    ("W", "b", "A_prev"), so they are not run twice.
    """
    layer, shared = trace.layers[f.l - 1], shared or {}
    refutation = Check("reading", False, (Evidence("breaks_off", {}),))
    products = {  # the backward engine's results, each judged by finite differences
        "W": (layer.dW, nt.dW_product("l", bold_symbol=True)),
        "b": (layer.db, nt.db_product("l", bold_symbol=True)),
        "A_prev": (layer.dA_prev, nt.dA_prev_product("l", bold_symbol=True)),
    }
    checks = [shared.get(name) or finite_differences(trace, name, f.l, *products[name]) for name in products]
    if f.l > 1:  # what goes down is the layer below's upstream gradient, ∂L/∂A^(l-1)
        checks.append(
            finite_differences(trace, "A", f.l - 1, layer.dA_prev, nt.grad("A", "l-1", bold_symbol=True))
        )
    return Mistake(8, "broken_sentence", "", refutation, FIGURE_FIXED, tuple(checks))


def layout_unstated(trace: Trace, f: Focus, shared: dict | None = None) -> Mistake:
    r"""9. Without a layout A_prevᵀ ∂L/∂Z is ambiguous: numerator layout holds its transpose."""
    from backprop.teaching import layout  # noqa: PLC0415 (layout imports this package's checks)

    refutation = layout.numerator_refutes(trace, f.l)
    layer = trace.layers[f.l - 1]
    fd = (shared or {}).get("W") or finite_differences(
        trace,
        "W",
        f.l,
        layer.dW,  # A_prevᵀ ∂L/∂Z, the backward engine's
        nt.dW_product("l", bold_symbol=True),
        first=f.w_entry,
    )
    fixed = (layout.shapes_match_variables(trace), fd)
    return Mistake(9, "layout_unstated", NO_LAYOUT, refutation, NO_LAYOUT_FIXED, fixed)
