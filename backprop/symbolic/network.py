r"""Whole-network symbolic gradients by symbolic reverse mode, lambdified once and cached.

SymPy builds the network as a program of named steps in the notes' symbols, forward
then backward:

    z_{st}^{(l)} = Σ_k a_{sk}^{(l-1)} w_{kt}^{(l)} + b_{t}^{(l)},   a_{st}^{(l)} = g(z_{st}^{(l)}),
    L = Σ_i l_i (or its mean),   ∂L/∂a_{st}^{(L)} = sp.diff(L, a_{st}^{(L)}),
    ∂L/∂z_{st}^{(l)} = ∂L/∂a_{st}^{(l)} · g'(z_{st}^{(l)})     (g' = sp.diff(g(z), z);
                                                               softmax: Σ_j ∂L/∂a_j · sp.diff(a_j, z_t)),
    ∂L/∂u = Σ_{s,t} ∂L/∂z_{st}^{(l)} · sp.diff(z_{st}^{(l)}, u)   for u = w, b, a^{(l-1)}.

Every local derivative is ``sp.diff`` of the actual local expression (for z_st, of z_11,
renamed to (s, t): ``symbols.relabel``); the chain rule only multiplies and adds them
(reverse mode). The steps are the common sub-expressions, so
``lambdify(..., cse=<the program>)`` turns the loss and every gradient into one numeric
function directly. Measured cold at 4-8-8-3 with m = 4: this ~0.2-0.5 s CPU; SymPy's
general ``cse=True`` on the expanded gradients ~100 s (wall, busy machine); one ``sp.diff``
of the expanded loss per parameter (``naive_gradients``, the way the issue replaces) ~60 s CPU.
``expand`` writes any step out in the inputs a^{(0)} = X, targets y and parameters alone
(the loss as one expression).

The result depends only on (sizes, activations, loss, reduction, m) and is cached on
that key (``functools.lru_cache``; ``clear_caches`` empties it).

>>> from backprop import NetworkSpec, run
>>> spec = NetworkSpec(sizes=(2, 2, 1), activations=("tanh", "identity"), batch=2)
>>> trace = run(spec)
>>> values = network_gradients(spec).evaluate(trace)
>>> bool(abs(values["W", 1] - trace.layers[0].dW).max() < 1e-12)
True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from backprop.core.activations import activation
from backprop.symbolic._cache import cached
from backprop.symbolic.calculus import Z, at_kink_convention, derivative, total_loss
from backprop.symbolic.limits import NETWORK_EDGES_LIMIT, TooLarge, check_size, network_edges
from backprop.symbolic.symbols import info, relabel, symbol, symbol_matrix, vector, z_entry

VIEW = "whole-network symbolic gradients"
LOSS = sp.Symbol("L", real=True)


@dataclass(frozen=True, eq=False)
class NetworkGradients:
    r"""The program (forward and backward steps), every gradient, and their numeric function.

    ``gradients[("W", l)]`` is ∂L/∂W^(l) (n_{l-1}, n_l), ``("b", l)`` is (n_l, 1),
    ``("A_prev", l)`` is ∂L/∂A^(l-1) (m, n_{l-1}); ("A_prev", 1) is ∂L/∂X. Their entries
    are expressions in the program's step symbols; ``steps`` defines each in order.
    """

    key: tuple  # (sizes, activations, loss, reduction, m)
    inputs: tuple[sp.Symbol, ...]  # argument order: X, Y, then W^(l), b^(l) per layer (row-major)
    steps: dict[sp.Symbol, sp.Expr] = field(repr=False)  # symbol -> definition, in program order
    gradients: dict[tuple[str, int], sp.Matrix] = field(repr=False)
    function: Callable = field(repr=False)
    seconds: dict[str, float] = field(default_factory=dict)  # build, lambdify

    def evaluate(self, trace=None, *, params=None, X=None, Y=None) -> dict:
        r"""{"loss": L, (variable, l): array shaped like the variable} at a trace's (or given) numbers."""
        if trace is not None:
            Ws, bs, X, Y = [ly.W for ly in trace.layers], [ly.b for ly in trace.layers], trace.X, trace.Y
        else:
            Ws, bs = list(params.W), list(params.b)
        flat = [np.asarray(X).ravel(), np.asarray(Y).ravel()]
        for W, b in zip(Ws, bs):
            flat += [np.asarray(W).ravel(), np.asarray(b).ravel()]
        with np.errstate(all="ignore"):
            outputs = self.function(*np.concatenate(flat).tolist())
        values: dict[str | tuple[str, int], float | np.ndarray] = {"loss": float(outputs[0])}
        position = 1
        for key, grad in self.gradients.items():
            count = grad.rows * grad.cols
            shape = (grad.rows,) if key[0] == "b" else (grad.rows, grad.cols)
            values[key] = np.array(outputs[position : position + count], dtype=np.float64).reshape(shape)
            position += count
        return values

    def dependencies(self, expr: sp.Expr) -> list[tuple[sp.Symbol, sp.Expr]]:
        """The steps expr needs, in program order (what to print beside one entry)."""
        return _dependencies(self.steps, expr)

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """expr written out in the inputs, targets and parameters alone (can be very long)."""
        return _expand(self.steps, expr)

    @cached_property
    def loss(self) -> sp.Expr:
        """L as one SymPy expression in every input, target and parameter."""
        return self.expand(LOSS)


def _dependencies(steps: dict[sp.Symbol, sp.Expr], expr: sp.Expr) -> list[tuple[sp.Symbol, sp.Expr]]:
    """The steps expr needs, in program order."""
    needed, stack = set(), [s for s in expr.free_symbols if s in steps]
    while stack:
        s = stack.pop()
        if s not in needed:
            needed.add(s)
            stack.extend(u for u in steps[s].free_symbols if u in steps)
    return [(s, e) for s, e in steps.items() if s in needed]


def _expand(steps: dict[sp.Symbol, sp.Expr], expr: sp.Expr) -> sp.Expr:
    """expr with every step symbol it needs replaced by its definition, latest first."""
    for s, e in reversed(_dependencies(steps, expr)):
        expr = expr.xreplace({s: e})
    return expr


def spec_key(spec) -> tuple:
    """What the symbolic expressions depend on: sizes, activations, loss, reduction, m."""
    return (tuple(spec.sizes), tuple(spec.activations), spec.loss, spec.reduction, spec.m)


def limit_for(spec) -> TooLarge | None:
    """TooLarge when the network passes the whole-network engine's limits, else None."""
    smaller = "the element sums of each layer, and backprop vs finite differences"
    softmax = not activation(spec.activations[-1]).elementwise
    return check_size(
        VIEW, "edges m·Σ n_{l-1} n_l", network_edges(spec.sizes, spec.m, softmax), NETWORK_EDGES_LIMIT,
        f"a smaller network or batch (4-8-8-3 with m = 4 has 480 edges), {smaller}",
    )  # fmt: skip


def network_gradients(spec) -> NetworkGradients | TooLarge:
    r"""The cached symbolic gradients of a NetworkSpec, or TooLarge (at once) past the limits."""
    return limit_for(spec) or _gradients(spec_key(spec))


@cached
@lru_cache(maxsize=16)
def _gradients(key: tuple) -> NetworkGradients:
    start = time.perf_counter()
    inputs, steps, grads = _program(*key)
    built = time.perf_counter()
    function = _lambdify(inputs, steps, grads)
    seconds = {"build": built - start, "lambdify": time.perf_counter() - built}
    return NetworkGradients(key, tuple(inputs), steps, grads, function, seconds)


def _program(sizes, activations, loss_name, reduction, m):
    r"""The inputs, the steps forward and backward, and every gradient (reverse mode)."""
    L = len(sizes) - 1
    X, Y = symbol_matrix("a", 0, m, sizes[0]), symbol_matrix("y", 0, m, sizes[-1])
    inputs = list(X) + list(Y)
    steps: dict[sp.Symbol, sp.Expr] = {}
    for l, name in enumerate(activations, start=1):  # forward
        inputs += list(symbol_matrix("w", l, sizes[l - 1], sizes[l])) + list(vector("b", l, sizes[l]))
        for s in range(m):
            z_row = [symbol("z", l, s, t) for t in range(sizes[l])]
            for t, z in enumerate(z_row):
                steps[z] = z_entry(l, s, t, sizes[l - 1])
            for t, a in enumerate(_activate(name, z_row)):
                steps[symbol("a", l, s, t)] = a
    out = symbol_matrix("a", L, m, sizes[-1])
    steps[LOSS] = total_loss(loss_name, reduction, out.tolist(), Y.tolist())
    for s in range(m):  # where the chain starts: ∂L/∂a^(L) from the loss in the outputs
        for t in range(sizes[-1]):
            steps[symbol("da", L, s, t)] = sp.diff(steps[LOSS], out[s, t])
    grads = {}
    for l in range(L, 0, -1):
        n_in, n_out = sizes[l - 1], sizes[l]
        for s in range(m):  # chain rule through g
            for t, dz in enumerate(_activation_step(activations[l - 1], l, s, n_out)):
                steps[symbol("dz", l, s, t)] = dz
        # chain rule through z_st: sp.diff of z_11 by each of its symbols, carried to every
        # (s, t) by renaming rows and units (a symmetry of Z = A W + 1 bᵀ; see symbols.relabel)
        z_11 = z_entry(l, 0, 0, n_in)
        local = {u: sp.diff(z_11, u) for u in z_11.free_symbols}
        terms: dict[sp.Symbol, list] = {}
        for s in range(m):
            for t in range(n_out):
                rows, units = {0: s, s: 0}, {0: t, t: 0}
                for u, d in local.items():
                    u_st = relabel(u, rows, units)
                    terms.setdefault(u_st, []).append(symbol("dz", l, s, t) * relabel(d, rows, units))
        grads["W", l] = symbol_matrix("w", l, n_in, n_out).applyfunc(lambda u, terms=terms: sp.Add(*terms[u]))
        grads["b", l] = vector("b", l, n_out).applyfunc(lambda u, terms=terms: sp.Add(*terms[u]))
        for s in range(m):
            for k in range(n_in):
                steps[symbol("da", l - 1, s, k)] = sp.Add(*terms[symbol("a", l - 1, s, k)])
        grads["A_prev", l] = symbol_matrix("da", l - 1, m, n_in)
    ordered = {(name, l): grads[name, l] for l in range(1, L + 1) for name in ("W", "b", "A_prev")}
    return inputs, steps, ordered


def _activate(name: str, z_row: list[sp.Symbol]) -> list[sp.Expr]:
    """g applied to one row of z symbols (elementwise, or softmax on the whole row)."""
    act = activation(name)
    return [act.sym(z) for z in z_row] if act.elementwise else list(act.sym(z_row))


def _activation_step(name: str, l: int, s: int, n_out: int) -> list[sp.Expr]:
    r"""Row s of ∂L/∂Z^(l): ∂L/∂a · g'(z) with g' from sp.diff, or Σ_j ∂L/∂a_j ∂a_j/∂z_t (softmax)."""
    act = activation(name)
    z_row = [symbol("z", l, s, t) for t in range(n_out)]
    da_row = [symbol("da", l, s, t) for t in range(n_out)]
    if act.elementwise:
        g_prime = derivative(name)
        return [da * g_prime.xreplace({Z: z}) for da, z in zip(da_row, z_row)]
    outs = act.sym(z_row)
    return [sp.Add(*[da * at_kink_convention(sp.diff(a, z)) for da, a in zip(da_row, outs)]) for z in z_row]


def _safe_name(sym: sp.Symbol) -> str:
    """A plain identifier for a step or input symbol, e.g. dz2_0_1 (lambdify prints names as code)."""
    if sym == LOSS:
        return "L_total"
    kind, layer, index = info(sym)
    return f"{kind}{layer}_" + "_".join(map(str, index))


class _ProgramPrinter(NumPyPrinter):
    """NumPy code with the notes' symbols under plain names, terms in the order built (no sorting)."""

    def __init__(self, names: dict[sp.Symbol, str]):
        super().__init__({"fully_qualified_modules": False, "inline": True, "order": "none"})
        self.names = names

    def _print_Symbol(self, expr):
        return self.names.get(expr) or super()._print_Symbol(expr)


def _lambdify(inputs, steps, grads) -> Callable:
    r"""One numeric function of the inputs returning [L, every gradient entry], the steps as its cse."""
    names = {s: _safe_name(s) for s in list(inputs) + list(steps)}
    outputs = [LOSS] + [entry for g in grads.values() for entry in g]
    program = list(steps.items())
    # the arguments go in under their plain names (the printer writes the notes' symbols
    # with the same names), so lambdify has nothing to rename in the program
    arguments = [sp.Symbol(names[s]) for s in inputs]
    return sp.lambdify(
        arguments,
        outputs,
        modules="numpy",
        printer=_ProgramPrinter(names),
        cse=lambda exprs: (program, exprs),
    )


def naive_gradients(spec) -> dict[sp.Symbol, sp.Expr]:
    r"""One sp.diff of the expanded loss per parameter w_{ij}^{(l)}, b_{j}^{(l)}: the slow way."""
    sizes, activations, loss_name, reduction, m = spec_key(spec)
    inputs, steps, _grads = _program(sizes, activations, loss_name, reduction, m)
    loss = _expand(steps, LOSS)
    parameters = inputs[m * (sizes[0] + sizes[-1]) :]
    return {p: sp.diff(loss, p) for p in parameters}


def network_entry(trace, variable: str, l: int, index):
    r"""SymPy's whole-network derivative of one entry and its value, or TooLarge past the limits.

    ``variable`` is "W", "b", "A_prev" (of layer l) or "X"; ``index`` is 0-based.
    """
    from backprop.symbolic.printing import entry_record  # noqa: PLC0415

    grads = network_gradients(trace.spec)
    if isinstance(grads, TooLarge):
        return grads
    if variable == "X":
        variable, l = "A_prev", 1
    index = tuple(int(i) for i in np.atleast_1d(index))
    expr = grads.gradients[variable, l][index if variable != "b" else (index[0], 0)]
    value = float(grads.evaluate(trace)[variable, l][index])
    return entry_record(grads, variable, l, index, expr, value)
