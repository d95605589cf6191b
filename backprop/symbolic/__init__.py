r"""The symbolic engine: SymPy derives every gradient of a dense network in the notes' notation.

Import it where it is used (``import backprop`` does not load it). Indices are 0-based in
every argument and field (numpy's); the LaTeX shows them 1-based as the notes do.
Symbols print as the notes write them: a_{ij}^{(l-1)}, w_{ij}^{(l)}, b_{j}^{(l)},
z_{st}^{(l)}, \frac{\partial L}{\partial z_{st}^{(l)}} (``symbols``). Every view has a size
limit set from its measured cost (``limits``); past it the call returns ``TooLarge`` at
once (test it with ``isinstance(result, TooLarge)``; ``.message()`` names the limit and the smaller
view).
LaTeX strings are pure mathematics (no words to translate).

Backward page, entry explorer (layer l, variable in VARIABLES = ("A_prev", "W", "b")):

``element_sum(trace, l, variable, index, network=True)`` -> ElementSum | TooLarge
    Σ_{s,t} ∂L/∂z_st · ∂z_st/∂x at the trace's numbers (``trace`` is a backprop.Trace).
    Arrays over (s, t), shape (m, n_l): ``local`` (SymPy ∂z_st/∂x, from sp.diff of the
    actual z_st), ``upstream_values`` (∂L/∂Z^(l)), ``local_values``, ``term_values``,
    ``vanishes``, ``class_of``; ``classes`` (TermClass: condition such as "t \neq j",
    representative (s0, t0), its z, sp.diff(z, x), vanishes); ``terms`` (every Term:
    s, t, upstream LaTeX, local, local_latex, upstream_value, local_value, value,
    vanishes, reason); ``term(s, t)``; ``value`` (Σ of all terms); ``collapsed`` and
    ``collapsed_value`` (the surviving single sum); ``identity`` and ``identity_value``
    (the matrix-product entry, e.g. (∂L/∂Z Wᵀ)_ij, from a row and a column); ``difference``
    (collapsed - identity, simplified: 0); ``latex`` dict with keys target, double_sum,
    collapsed_generic, collapsed, identity_name, identity, equation;
    ``expanded_latex(max_terms)``; ``symbolic_entry`` (SymPy's whole-network derivative,
    a NetworkEntry, TooLarge, or None when ``network=False``).
``activation_step(trace, l, (s, t))`` -> ActivationStep
    ∂L/∂z_st = ∂L/∂a_st · g'(z_st) with g' from SymPy (softmax: the Jacobian column),
    with its value beside backprop's and whether backprop took the loss's shortcut.
``network_entry(trace, variable, l, index)`` -> NetworkEntry | TooLarge
    variable in {"W", "b", "A_prev", "X"}. Fields: expr (in the program's step symbols),
    value, latex ("∂L/∂x = ..."), steps_latex (the steps it rests on, nearest first),
    steps_total, truncated, expanded_latex (in inputs and parameters alone, when short).

Symbolic page:

``generic_derivation()`` -> GenericDerivation: IndexedBase/Sum for symbolic sizes;
    ``local[v]`` (δ_ip w_qj, δ_jq a_ip, δ_jq), ``gradient[v]`` (the collapsed sums),
    ``steps[v]`` (LaTeX lines), v in VARIABLES.
``matrix_derivation()`` -> MatrixDerivation: Φ = tr(Gᵀ(A W + 1 bᵀ)); ``derivatives[v]``
    (G Wᵀ, Aᵀ G, Gᵀ 1) and ``steps`` (LaTeX lines).
``activation_derivation(name)`` -> ActivationDerivation (g, g', LaTeX) for any
    elementwise activation, "custom:<formula>" included; ``softmax_jacobian(n)`` and
    ``softmax_ce_shortcut(n)`` -> Derivation (result, form, agrees, LaTeX) | TooLarge;
    ``loss_derivation(loss, reduction, n, m)`` -> Derivation (∂L/∂a at the output).
``network_gradients(spec)`` -> NetworkGradients | TooLarge: every gradient by symbolic
    reverse mode; ``evaluate(trace)`` or ``evaluate(params=, X=, Y=)`` gives
    {"loss": L, ("W", l): array, ("b", l): array, ("A_prev", l): array}; ``loss`` is L as
    one expression; ``steps`` the program; cached on (sizes, activations, loss, reduction, m).

Other: ``layer_symbols(l, m, n_in, n_out)`` -> LayerSymbols (A_prev, W, b, Z, dZ as
SymPy matrices of the notes' symbols); ``naive_gradients(spec)`` (one sp.diff of the
expanded loss per parameter: the slow way, for the benchmark); ``clear_caches()`` (every
cache, SymPy's included); ``latex`` (the engine's printer); ``KINK_CONVENTION`` and
``kink_disagreements(names)`` (activations whose backprop g'(kink) differs from SymPy's).

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
>>> es = element_sum(trace, 1, "W", (2, 1))
>>> es.latex["collapsed_generic"]
'\\sum_{s=1}^{4} \\frac{\\partial L}{\\partial z_{s2}^{(1)}} a_{s3}^{(0)}'
>>> bool(abs(es.value - es.symbolic_entry.value) < 1e-12), es.difference
(True, 0)
"""

from backprop.symbolic._cache import clear_caches
from backprop.symbolic.activation_step import (
    ActivationDerivation,
    ActivationStep,
    Derivation,
    activation_derivation,
    activation_step,
    loss_derivation,
    softmax_ce_shortcut,
    softmax_jacobian,
)
from backprop.symbolic.calculus import KINK_CONVENTION, kink_disagreements
from backprop.symbolic.element_sum import VARIABLES, ElementSum, Term, TermClass, element_sum
from backprop.symbolic.generic import GenericDerivation, generic_derivation
from backprop.symbolic.limits import TooLarge
from backprop.symbolic.matrix_calculus import MatrixDerivation, matrix_derivation
from backprop.symbolic.network import NetworkGradients, naive_gradients, network_entry, network_gradients
from backprop.symbolic.notes_latex import latex
from backprop.symbolic.printing import NetworkEntry
from backprop.symbolic.symbols import LayerSymbols, layer_symbols

__all__ = [
    "KINK_CONVENTION",
    "VARIABLES",
    "ActivationDerivation",
    "ActivationStep",
    "Derivation",
    "ElementSum",
    "GenericDerivation",
    "LayerSymbols",
    "MatrixDerivation",
    "NetworkEntry",
    "NetworkGradients",
    "Term",
    "TermClass",
    "TooLarge",
    "activation_derivation",
    "activation_step",
    "clear_caches",
    "element_sum",
    "generic_derivation",
    "kink_disagreements",
    "latex",
    "layer_symbols",
    "loss_derivation",
    "matrix_derivation",
    "naive_gradients",
    "network_entry",
    "network_gradients",
    "softmax_ce_shortcut",
    "softmax_jacobian",
]
