r"""The classic mistakes of a hand-written backward pass, injected one at a time.

Each mistake is a plausible line a student writes instead of the right one:

    w_not_transposed   ∂L/∂A^(l-1) = ∂L/∂Z W        instead of  ∂L/∂Z Wᵀ
    forgot_g_prime     ∂L/∂Z = ∂L/∂A                instead of  ∂L/∂A ⊙ g'(Z)
    mean_not_sum       ∂L/∂W = (1/m) A_prevᵀ ∂L/∂Z,
                       ∂L/∂b = (1/m) Σ_s ∂L/∂z_s    instead of  the sums (L = Σ_i l_i)
    bias_not_summed    ∂L/∂b = ∂L/∂Z                instead of  (1ᵀ ∂L/∂Z)ᵀ
    dz_times_a_prev_t  ∂L/∂W = ∂L/∂Z A_prevᵀ        instead of  A_prevᵀ ∂L/∂Z

Each is a catalogue entry of replacement formulas (``SWAPS``): the backward engine
(``backprop.core.backward_engine``) runs its own steps with the named ones swapped.
``backward_with`` runs the backward pass with one of them. Its outcome is data, never an
exception: either every gradient (``Injected.gradients``) or a ``Refusal`` saying which
product's shapes do not multiply, or which gradient lost its variable's shape
(denominator layout: ∂L/∂W has the shape of W). ``check_mistake`` then judges the
gradients entry by entry against central finite differences, as ``gradcheck.check``
judges the correct pass.

Some mistakes are invisible on some networks, and that is worth seeing: with m = 1 a
mean equals the sum; g'(z) = 1 for identity; a square, symmetric W equals its transpose.
``harmless_here`` names such a case.

>>> from backprop import NetworkSpec
>>> check_mistake(NetworkSpec(), "forgot_g_prime").report.passed
False
>>> str(check_mistake(NetworkSpec(), "w_not_transposed").refusal)
'∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2): shapes do not multiply: (4, 2) @ (4, 2)'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.core.arithmetic import product
from backprop.core.backward_engine import DB, DW, FORMULAS, G_PRIME, Formula, backward_pass
from backprop.core.backward_records import Refusal
from backprop.core.gradcheck import Entry, Report, check, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import Params, checked_inputs, forward
from backprop.core.spec import NetworkSpec
from backprop.derivation import notation as nt

Array = np.ndarray

# Multiply-adds the finite differences of one check may spend (each entry costs four
# forward passes): ~1 s on one core. Small networks check every entry up to 200 per variable.
CHECK_BUDGET = 2e9
MAX_ENTRIES = 200


@dataclass(frozen=True)
class Mistake:
    r"""One classic mistake: its key and the wrong and right formulas as LaTeX (notation.py's symbols)."""

    key: str
    wrong: str
    right: str


def _catalogue() -> dict[str, Mistake]:
    """Each mistake's wrong line beside the notes' right one, printed by the notation module."""
    dZ, W, A_prev = nt.grad("Z", "l"), nt.sup("W", "l"), nt.sup("A", "l-1")
    mean = r"\frac{1}{m} "
    return {
        m.key: m
        for m in (
            Mistake("w_not_transposed", f"{nt.grad('A', 'l-1')} = {dZ}\\, {W}", nt.dA_prev_formula()),
            Mistake("forgot_g_prime", f"{dZ} = {nt.grad('A', 'l')}", nt.dZ_formula()),
            Mistake(
                "mean_not_sum",
                f"{nt.grad('W', 'l')} = {mean}{nt.dW_product()},"
                f"\\quad {nt.grad('b', 'l')} = {mean}{nt.db_product()}",
                f"{nt.dW_formula()},\\quad {nt.db_formula()}",
            ),
            Mistake("bias_not_summed", f"{nt.grad('b', 'l')} = {dZ}", nt.db_formula()),
            Mistake(
                "dz_times_a_prev_t", f"{nt.grad('W', 'l')} = {dZ}\\, {nt.transpose(A_prev)}", nt.dW_formula()
            ),
        )
    }


MISTAKES: dict[str, Mistake] = _catalogue()


def _forgot_g_prime(ar, c, A_prev, W, Z, A, dA, dZ):
    return dA  # the chain rule through g left out


def _mean_dW(ar, c, *arrays):
    return ar.scale(FORMULAS[DW].compute(ar, c, *arrays), c.batch)  # the right ∂L/∂W, over m


def _mean_db(ar, c, *arrays):
    return ar.scale(FORMULAS[DB].compute(ar, c, *arrays), c.batch)  # the right ∂L/∂b, over m


def _bias_not_summed(ar, c, A_prev, W, Z, A, dA, dZ):
    return dZ  # one bias gradient per sample, never summed


def _dz_times_a_prev_t(ar, c, A_prev, W, Z, A, dA, dZ):
    return product(dZ, A_prev.T)  # ∂L/∂Z A_prevᵀ


def _w_not_transposed(ar, c, A_prev, W, Z, A, dA, dZ):
    return product(dZ, W)  # ∂L/∂Z W


# Each mistake as the engine's step formulas it replaces: {step name: wrong formula}.
SWAPS: dict[str, dict[str, Formula]] = {
    key: {f.name: f for f in formulas}
    for key, formulas in {
        "w_not_transposed": (
            Formula(
                "dA_prev",
                "dA_prev",
                ("dZ", "W"),
                _w_not_transposed,
                "∂L/∂A^({p}) = ∂L/∂Z^({l}) @ W^({l})",
                "{dZ} @ {W}",
                "w_not_transposed",
            ),
        ),
        "forgot_g_prime": (
            Formula(
                "dZ", G_PRIME, ("dA",), _forgot_g_prime, "∂L/∂Z^({l}) = ∂L/∂A^({l})", "{dA}", "forgot_g_prime"
            ),
        ),
        "mean_not_sum": (
            Formula(
                "dW",
                DW,
                ("A_prev", "dZ"),
                _mean_dW,
                "∂L/∂W^({l}) = (1/m) A^({p})ᵀ @ ∂L/∂Z^({l})",
                "{A_prev}.T @ {dZ} / m",
                "mean_not_sum",
            ),
            Formula(
                "db",
                DB,
                ("dZ",),
                _mean_db,
                "∂L/∂b^({l}) = (1/m) column sums of ∂L/∂Z^({l})",
                "{dZ}.sum(axis=0) / m",
                "mean_not_sum",
            ),
        ),
        "bias_not_summed": (
            Formula(
                "db", DB, ("dZ",), _bias_not_summed, "∂L/∂b^({l}) = ∂L/∂Z^({l})", "{dZ}", "bias_not_summed"
            ),
        ),
        "dz_times_a_prev_t": (
            Formula(
                "dW",
                DW,
                ("dZ", "A_prev"),
                _dz_times_a_prev_t,
                "∂L/∂W^({l}) = ∂L/∂Z^({l}) @ A^({p})ᵀ",
                "{dZ} @ {A_prev}.T",
                "dz_times_a_prev_t",
            ),
        ),
    }.items()
}


@dataclass(frozen=True)
class Injected:
    r"""A backward pass with one mistake: gradients {("X", 0), ("W", l), ("b", l): array}, or a refusal."""

    mistake: str | None
    gradients: dict | None
    refusal: Refusal | None
    loss: float


@dataclass(frozen=True)
class MistakeCheck:
    r"""The mistake's gradients judged against finite differences (``report`` is None when refused)."""

    mistake: str | None
    refusal: Refusal | None
    report: Report | None

    @property
    def caught(self) -> bool:
        """The check fails or the shapes refuse."""
        return self.report is None or not self.report.passed


def backward_with(
    spec: NetworkSpec, mistake: str | None, params: Params | None = None, X=None, Y=None
) -> Injected:
    r"""The engine's backward pass with ``mistake``'s formulas swapped in (a key of MISTAKES, or None).

    With None it computes the correct gradients, the same as ``network.run``. Shapes as there:
    ∂L/∂W^(l) (n_{l-1}, n_l), ∂L/∂b^(l) (n_l,), ∂L/∂X (m, n_0).
    """
    if mistake is not None and mistake not in MISTAKES:
        raise KeyError(mistake)
    params, X, Y = checked_inputs(spec, params, X, Y)
    fwd = forward(spec, params, X)
    Z, A = fwd[-1]
    total = float(LOSSES[spec.loss].per_sample(Z, A, Y).sum()) / (spec.m if spec.reduction == "mean" else 1)
    # an empty swap still checks every shape, like the mistaken passes it is compared with
    swaps = SWAPS[mistake] if mistake is not None else {}
    done = backward_pass(spec, params.W, params.b, X, Y, fwd, swaps=swaps or None)
    if done.refusal is not None:
        return Injected(mistake, None, done.refusal, total)
    gradients = {}
    for layer in reversed(done.layers):
        gradients[("W", layer.l)] = layer.dW
        gradients[("b", layer.l)] = layer.db
    gradients[("X", 0)] = done.layers[0].dA_prev
    return Injected(mistake, gradients, None, total)


def judge(injected: Injected, reference: Report) -> Report | None:
    r"""The injected gradients against the finite differences of ``reference`` (gradcheck.check's report)."""
    if injected.gradients is None:
        return None
    entries = []
    for e in reference.entries:
        g = float(injected.gradients[(e.variable, e.l)][e.index])
        error = float(rel_error(g, e.numeric, injected.loss))
        entries.append(Entry(e.variable, e.l, e.index, g, e.numeric, error, e.at_kink))
    return Report(tuple(entries), reference.tolerance)


def check_mistake(
    spec: NetworkSpec,
    mistake: str | None,
    params: Params | None = None,
    X=None,
    Y=None,
    reference: Report | None = None,
    max_entries: int | None = MAX_ENTRIES,
) -> MistakeCheck:
    r"""Inject ``mistake`` and check every (or up to ``max_entries`` per variable) gradient entry.

    ``reference`` is ``gradcheck.check`` of the same network, passed in when already
    computed (it is the expensive part and does not depend on the mistake).
    """
    if reference is None:
        reference = check(spec, params, X, Y, max_entries=max_entries)
    injected = backward_with(spec, mistake, params, X, Y)
    return MistakeCheck(mistake, injected.refusal, judge(injected, reference))


def sample_size(spec: NetworkSpec) -> int:
    r"""Entries per variable to check so the finite differences stay within CHECK_BUDGET.

    One forward pass costs m Σ n_{l-1} n_l multiply-adds; each entry needs four, and there
    are 2L + 1 variables (X, W^(l), b^(l)).

    >>> big = NetworkSpec(sizes=(784, 512, 256, 10), activations=("relu", "relu", "identity"), batch=256)
    >>> sample_size(NetworkSpec()), sample_size(big)
    (200, 1)
    """
    forward = spec.m * sum(a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))
    per_entry = 4 * forward * (2 * spec.L + 1)
    return max(1, min(MAX_ENTRIES, int(CHECK_BUDGET // per_entry)))


def checks_every_entry(spec: NetworkSpec) -> bool:
    """Whether ``sample_size`` covers every entry of every variable (X, W^(l), b^(l))."""
    largest = max(
        [spec.m * spec.sizes[0]] + [a * b for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True)]
    )
    return sample_size(spec) >= largest


def harmless_here(spec: NetworkSpec, mistake: str) -> bool:
    r"""Whether ``mistake`` changes nothing on this network's configuration.

    mean_not_sum with m = 1 (a mean of one sample is the sum); forgot_g_prime when every
    g is the identity (g' = 1). (A symmetric square W is data, not configuration: not here.)

    >>> harmless_here(NetworkSpec(batch=1), "mean_not_sum")
    True
    """
    if mistake == "mean_not_sum":
        return spec.m == 1
    if mistake == "forgot_g_prime":
        return all(name == "identity" for name in spec.activations)
    return False
