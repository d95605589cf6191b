r"""The backward engine against independent oracles, and its steps, arithmetic and mistake hook.

Oracles: central finite differences in float64 (``backprop.core.gradcheck``) and SymPy
differentiating the loss written out as one expression (``sp.diff``, no chain rule of ours).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

from backprop import NetworkSpec
from backprop.core.activations import activation
from backprop.core.arithmetic import FLOAT, ShapeMismatch, product
from backprop.core.backward_engine import (
    DA_PREV,
    DB,
    DW,
    FORMULAS,
    G_PRIME,
    LOSS_START,
    SHORTCUT,
    SOFTMAX_JACOBIAN,
    Context,
    backward_pass,
)
from backprop.core.gradcheck import TOLERANCE, numeric_gradient, rel_error
from backprop.core.losses import LOSSES
from backprop.core.network import forward, init_params, make_data
from backprop.derivation.classic_mistakes import MISTAKES, SWAPS, harmless_here
from backprop.derivation.exact import EXACT, exact_g, to_exact, to_float

ELEMENTWISE = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "custom:z**3/3 + z")


def _specs():
    """Seeded networks covering every activation and loss, both reductions and the size-1 edges."""
    out = []
    for i, g in enumerate(ELEMENTWISE):
        out.append(NetworkSpec((3, 2, 2), (g, "tanh"), "mse", ("sum", "mean")[i % 2], 2, seed=i))
        out.append(NetworkSpec((2, 3, 1), ("sigmoid", g), "mse", "sum", 3, seed=10 + i))
    out += [
        NetworkSpec((2, 3, 3), ("relu", "softmax"), "mse", "mean", 2, seed=20),
        NetworkSpec((2, 3, 3), ("tanh", "softmax"), "softmax_ce", "sum", 3, seed=21),
        NetworkSpec((3, 2, 2), ("leaky_relu", "softmax"), "softmax_ce", "mean", 2, seed=22),
        NetworkSpec((2, 3, 1), ("softplus", "sigmoid"), "bce", "sum", 4, seed=23),
        NetworkSpec((3, 2), ("sigmoid",), "bce", "mean", 2, seed=24),
        NetworkSpec((1, 1), ("identity",), "mse", "sum", 1, seed=25),  # every size 1
        NetworkSpec((1, 1, 1), ("tanh", "sigmoid"), "bce", "mean", 1, seed=26),
        NetworkSpec((1, 2, 1, 1), ("relu", "sigmoid", "identity"), "mse", "sum", 1, seed=27),
        NetworkSpec((2, 1, 2), ("tanh", "softmax"), "softmax_ce", "sum", 1, seed=28),
    ]
    return out


SPECS = _specs()
IDS = [
    f"{'-'.join(map(str, s.sizes))}-{'-'.join(a.split(':')[0] for a in s.activations)}-{s.loss}"
    for s in SPECS
]


def _pass(spec, dtype=np.float64, **options):
    params = init_params(spec, dtype=dtype)
    X, Y = make_data(spec, dtype=dtype)
    fwd = forward(spec, params, X)
    return params, X, Y, backward_pass(spec, params.W, params.b, X, Y, fwd, **options)


def _gradients(layers):
    out = {("X", 0): layers[0].dA_prev}
    for layer in layers:
        out[("W", layer.l)], out[("b", layer.l)] = layer.dW, layer.db
    return out


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_engine_gradients_match_finite_differences(spec):
    params, X, Y, done = _pass(spec)
    loss = abs(float(LOSSES[spec.loss].per_sample(*forward(spec, params, X)[-1], Y).sum()))
    judged = 0
    for (variable, l), gradient in _gradients(done.layers).items():
        estimate, kinks = numeric_gradient(spec, params, X, Y, variable, l)
        assert gradient.shape == estimate.shape, f"∂L/∂{variable}^({l}) shape"
        errors = rel_error(gradient, estimate, loss)
        bad = (errors > TOLERANCE) & ~kinks
        assert not bad.any(), f"∂L/∂{variable}^({l}): {gradient[bad]} vs {estimate[bad]}"
        judged += int((~kinks).sum())
    assert judged > 0


def _sympy_gradients(spec, params, X, Y):
    """∂L/∂W^(l), ∂L/∂b^(l), ∂L/∂X by sp.diff of L written out in symbols, then evaluated."""
    m = spec.m
    x = sp.Matrix(m, spec.sizes[0], lambda i, j: sp.Symbol(f"x_{i}_{j}", real=True))
    Ws = [sp.Matrix(a, b, lambda i, j, l=l: sp.Symbol(f"w{l}_{i}_{j}", real=True))
          for l, (a, b) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:]), 1)]  # fmt: skip
    bs = [
        sp.Matrix(1, n, lambda i, j, l=l: sp.Symbol(f"b{l}_{j}", real=True))
        for l, n in enumerate(spec.sizes[1:], 1)
    ]
    A = x
    for W, b, name in zip(Ws, bs, spec.activations):
        Z = A * W + sp.ones(m, 1) * b
        g = activation(name).sym
        if name == "softmax":
            A = sp.Matrix([g(list(Z.row(i))) for i in range(m)])
        else:
            A = Z.applyfunc(g)
    per_sample = [LOSSES[spec.loss].sym(list(A.row(i)), list(Y[i])) for i in range(m)]
    L = sp.Add(*per_sample) / (m if spec.reduction == "mean" else 1)
    symbols = list(x) + [s for M in Ws + bs for s in M]
    numbers = list(np.ravel(X)) + [v for V in list(params.W) + list(params.b) for v in np.ravel(V)]
    gradient = sp.lambdify(symbols, [sp.diff(L, s) for s in symbols], modules="math", cse=True)
    by_symbol = dict(zip(symbols, gradient(*map(float, numbers)), strict=True))

    def value(M):
        return np.array([[by_symbol[s] for s in M.row(i)] for i in range(M.rows)], dtype=np.float64)

    out = {("X", 0): value(x)}
    for l, (W, b) in enumerate(zip(Ws, bs), 1):
        out[("W", l)], out[("b", l)] = value(W), value(b)[0]
    return out


SYMPY_SPECS = [s for s in SPECS if max(s.sizes) * s.m <= 9 and "relu" not in "".join(s.activations)]


@pytest.mark.parametrize("spec", SYMPY_SPECS[::2], ids=[IDS[SPECS.index(s)] for s in SYMPY_SPECS[::2]])
def test_engine_gradients_match_sympy(spec):
    params, X, Y, done = _pass(spec)
    expected = _sympy_gradients(spec, params, X, Y)
    for key, gradient in _gradients(done.layers).items():
        assert_close(f"∂L/∂{key[0]}^({key[1]})", gradient, expected[key], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_float32_runs_the_same_steps_in_float32(spec):
    *_, double = _pass(spec)
    *_, single = _pass(spec, dtype=np.float32)
    for d, s in zip(double.layers, single.layers, strict=True):
        for name in ("dZ", "dW", "db", "dA_prev"):
            assert getattr(s, name).dtype == np.float32, name
            assert_close(f"{name}^({d.l}) float32", getattr(s, name), getattr(d, name), rtol=2e-3, atol=2e-4)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("sizes, acts", [((3, 4, 2), ("relu", "identity")), ((1, 1), ("relu",)),
                                         ((2, 3, 2, 1), ("identity", "relu", "relu"))])  # fmt: skip
def test_exact_arithmetic_equals_the_float_path_step_by_step(sizes, acts, reduction):
    spec = NetworkSpec(sizes, acts, "mse", reduction, batch=3, seed=4, init="integers")
    params, X, Y, floats = _pass(spec, record=True)
    Ws, bs = [to_exact("W", W) for W in params.W], [to_exact("b", b) for b in params.b]
    Xe, Ye = to_exact("X", X), to_exact("Y", Y)
    fwd, A = [], Xe
    for W, b, name in zip(Ws, bs, acts, strict=True):
        Z = A @ W + b
        A = exact_g(name, Z)
        fwd.append((Z, A))
    exact = backward_pass(spec, Ws, bs, Xe, Ye, fwd, EXACT, record=True)
    assert [(s.kind, s.l) for s in exact.steps] == [(s.kind, s.l) for s in floats.steps]
    tol = dict(rtol=1e-12, atol=1e-12) if reduction == "mean" else dict(rtol=0, atol=0)
    for e, f in zip(exact.steps, floats.steps, strict=True):
        assert all(isinstance(v, sp.Rational) for v in np.ravel(e.result)), f"{e.kind}^({e.l}) not exact"
        assert_close(f"{e.kind}^({e.l})", to_float(e.result), f.result, **tol)


def test_steps_come_in_the_derivations_order_with_what_they_read():
    spec = NetworkSpec((3, 4, 2), ("sigmoid", "identity"))
    params, X, Y, done = _pass(spec, record=True)
    assert [(s.kind, s.name, s.l) for s in done.steps] == [
        (LOSS_START, "dA", 2), (G_PRIME, "dZ", 2), (DW, "dW", 2), (DB, "db", 2), (DA_PREV, "dA_prev", 2),
        (G_PRIME, "dZ", 1), (DW, "dW", 1), (DB, "db", 1), (DA_PREV, "dA_prev", 1),
    ]  # fmt: skip
    reads = [s.reads for s in done.steps]
    assert reads == [("A^(2)", "Y"), (), ("A^(1)",), (), ("W^(2)",), ("A^(1)",), ("X",), (), ("W^(1)",)]
    fwd = forward(spec, params, X)
    layer2 = done.layers[1]
    assert done.steps[2].value("A", 1) is layer2.A_prev  # the very array the forward pass stored
    assert done.steps[4].value("W", 2) is params.W[1]
    assert done.steps[5].value("dA", 1) is done.steps[4].result  # the step before's result
    assert np.array_equal(done.steps[0].value("A", 2), fwd[1][1])
    relu = _pass(NetworkSpec((2, 3, 1), ("relu", "identity")), record=True)[3]
    assert relu.steps[5].reads == ("Z^(1)",)  # ReLU' reads the stored Z


def test_shortcut_and_softmax_steps():
    ce = _pass(NetworkSpec((2, 3, 3), ("tanh", "softmax"), "softmax_ce", "mean", 3), record=True)[3]
    assert [s.kind for s in ce.steps[:2]] == [LOSS_START, SHORTCUT]
    assert ce.steps[1].reads == ("A^(2)", "Y")
    jac = _pass(NetworkSpec((2, 3, 3), ("tanh", "softmax"), "mse"), record=True)[3]
    assert jac.steps[1].kind == SOFTMAX_JACOBIAN and jac.steps[1].reads == ("A^(2)",)


@pytest.mark.parametrize("spec", SPECS[:6] + SPECS[-9:], ids=IDS[:6] + IDS[-9:])
def test_recording_changes_no_bit(spec):
    *_, bare = _pass(spec)
    *_, recorded = _pass(spec, record=True)
    assert bare.steps == ()
    for a, b in zip(bare.layers, recorded.layers, strict=True):
        for name in a._fields[1:]:
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    by_step = {(s.name, s.l): s.result for s in recorded.steps}
    for layer in recorded.layers:
        assert by_step[("dW", layer.l)] is layer.dW and by_step[("dZ", layer.l)] is layer.dZ


def _right_formula(step, spec):
    """The formula the engine uses for this step when nothing is swapped."""
    if step.name != "dZ":
        return FORMULAS[{"dA": LOSS_START, "dW": DW, "db": DB, "dA_prev": DA_PREV}[step.name]]
    if step.l == spec.L and LOSSES[spec.loss].dZ_shortcut is not None:
        return FORMULAS[SHORTCUT]
    return FORMULAS[G_PRIME if activation(spec.activations[step.l - 1]).dg else SOFTMAX_JACOBIAN]


def _recomputed(step, spec, params, X, Y, fwd):
    """The right formula on the step's own inputs (the backward ones from the pass it ran in)."""
    l = step.l
    c = Context()
    c.l, c.L, c.loss, c.Y, c.batch = l, spec.L, spec.loss, Y, spec.m
    c.m = spec.m if spec.reduction == "mean" else None
    c.act = activation(spec.activations[l - 1])
    given = dict(step.inputs)
    Z, A = fwd[l - 1]
    A_prev = fwd[l - 2][1] if l > 1 else X
    args = (A_prev, params.W[l - 1], Z, A, given.get(("dA", l)), given.get(("dZ", l)))
    return _right_formula(step, spec).compute(FLOAT, c, *args)


MISTAKE_SPECS = [SPECS[0], SPECS[4], SPECS[15], NetworkSpec((3, 3, 3), ("tanh", "identity"), batch=3)]


@pytest.mark.parametrize("spec", MISTAKE_SPECS, ids=lambda s: "-".join(map(str, s.sizes)) + "-" + s.loss)
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_changes_exactly_the_steps_it_names(spec, mistake):
    params, X, Y, wrong = _pass(spec, swaps=SWAPS[mistake])
    fwd = forward(spec, params, X)
    swapped, ran, differs = set(SWAPS[mistake]), set(), []
    for step in wrong.steps:  # each step against the right formula on the very same inputs
        right = _recomputed(step, spec, params, X, Y, fwd)
        same = right.shape == step.result.shape and np.array_equal(right, step.result)
        if step.name in swapped:
            assert step.mistake == mistake
            ran.add(step.name)
            differs.append(not same)
        else:
            assert step.mistake is None and same, f"{step.kind}^({step.l}) changed under {mistake}"
    if wrong.refusal is None:
        assert ran == swapped  # every named step ran
        assert any(differs) != harmless_here(spec, mistake), f"{mistake}: swapped steps changed nothing"
    else:
        assert wrong.refusal.kind in ("matmul", "shape")


def test_refusals_name_the_product_and_the_shapes():
    spec = NetworkSpec()  # (3, 4, 2): W^(2) is 4×2, ∂L/∂Z^(2) is 2×2
    refusal = _pass(spec, swaps=SWAPS["w_not_transposed"])[3].refusal
    assert str(refusal) == "∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2): shapes do not multiply: (4, 2) @ (4, 2)"
    done = _pass(spec, swaps=SWAPS["bias_not_summed"])[3]
    assert done.refusal.kind == "shape" and done.refusal.what == "∂L/∂b^(2)" and done.layers == ()
    assert str(done.refusal) == "∂L/∂b^(2) has shape (4, 2), but its variable has shape (2,)"


def test_a_mistaken_formulas_product_refuses_mismatched_shapes():
    with pytest.raises(ShapeMismatch) as error:
        product(np.ones((2, 3)), np.ones((2, 3)))
    assert (error.value.left, error.value.right) == ((2, 3), (2, 3))
    assert np.array_equal(product(np.ones((2, 3)), np.ones((3, 1))), np.full((2, 1), 3.0))
