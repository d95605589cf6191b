r"""Forward and backward through the network, in the notes' orientation.

Oracles independent of the core's backward: numbers worked by hand; the notes' index-level
double sums written as loops; SymPy differentiating the whole network entry by entry;
SymPy's matrix calculus deriving the three identities of the notes; finite differences
for the intermediate ∂L/∂Z^(l) and ∂L/∂A^(l). Plus initialisation and generated data.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

from backprop import ACTIVATIONS, LOSSES, NetworkSpec, Params, init_params, make_data, run

FIELDS = ("A_prev", "W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev")


def _shapes(spec, l):
    m, n_in, n_out = spec.m, spec.sizes[l - 1], spec.sizes[l]
    act, grad = (m, n_out), (m, n_in)
    return dict(A_prev=grad, W=(n_in, n_out), b=(n_out,), Z=act, A=act, dA=act, dZ=act,
                dW=(n_in, n_out), db=(n_out,), dA_prev=grad)  # fmt: skip


# numbers a student can check by hand ------------------------------------------------


def test_one_unit_by_hand():
    # z = 1·2 + 2·(-1) + 1 = 1, L = ½(1 - 0)² = ½; dZ = 1, dW = Aᵀ dZ = [[1], [2]], dA = dZ Wᵀ
    spec = NetworkSpec((2, 1), ("identity",), "mse", batch=1)
    t = run(spec, Params((np.array([[2.0], [-1.0]]),), (np.array([1.0]),)), [[1.0, 2.0]], [[0.0]])
    layer = t.layers[0]
    assert t.loss == 0.5
    assert_close("Z", layer.Z, [[1.0]])
    assert_close("dZ", layer.dZ, [[1.0]])
    assert_close("dW", layer.dW, [[1.0], [2.0]])
    assert_close("db", layer.db, [1.0])
    assert_close("dA_prev", layer.dA_prev, [[2.0, -1.0]])


def test_two_layers_relu_by_hand():
    spec = NetworkSpec((2, 2, 1), ("relu", "identity"), "mse", batch=2, init="integers")
    params = Params(
        (np.array([[1.0, -2.0], [0.0, 1.0]]), np.array([[1.0], [-1.0]])),
        (np.array([0.0, 1.0]), np.array([0.0])),
    )
    t = run(spec, params, [[1.0, -1.0], [2.0, 0.0]], [[1.0], [0.0]])
    one, two = t.layers
    assert_close("Z^(1)", one.Z, [[1, -2], [2, -3]])
    assert_close("A^(1)", one.A, [[1, 0], [2, 0]])
    assert_close("Z^(2)", two.Z, [[1], [2]])
    assert t.loss == 2.0  # ½ (0² + 2²)
    assert_close("dZ^(2)", two.dZ, [[0], [2]])
    assert_close("dW^(2)", two.dW, [[4], [0]])
    assert_close("db^(2)", two.db, [2])
    assert_close("dA^(1)", one.dA, [[0, 0], [2, -2]])
    assert_close("dZ^(1)", one.dZ, [[0, 0], [2, 0]])
    assert_close("dW^(1)", one.dW, [[4, 0], [0, 0]])
    assert_close("db^(1)", one.db, [2, 0])
    assert_close("dX", one.dA_prev, [[0, 0], [2, 0]])


# shapes, chaining, the forward formula ---------------------------------------------

SIZE_ONE_EDGES = [(1, 1), (1, 1, 1), (1, 5), (5, 1), (1, 4, 1), (4, 1, 4), (1, 1, 1, 1, 1), (2, 1, 1, 3)]


@pytest.mark.parametrize("sizes", SIZE_ONE_EDGES)
@pytest.mark.parametrize("m", [1, 3])
@pytest.mark.parametrize("loss", ["mse", "bce", "softmax_ce"])
def test_size_one_edges_every_quantity_has_its_shape(sizes, m, loss):
    out = {"mse": "tanh", "bce": "sigmoid", "softmax_ce": "softmax"}[loss]
    spec = NetworkSpec(sizes, ("relu",) * (len(sizes) - 2) + (out,), loss, batch=m)
    trace = run(spec)
    assert trace.X.shape == (m, sizes[0]) and trace.Y.shape == (m, sizes[-1])
    assert trace.losses.shape == (m,) and isinstance(trace.loss, float)
    assert [layer.l for layer in trace.layers] == list(range(1, spec.L + 1))
    for layer in trace.layers:
        for field, shape in _shapes(spec, layer.l).items():
            assert getattr(layer, field).shape == shape, (
                f"{field}^({layer.l}) has shape {getattr(layer, field).shape}, expected {shape}"
            )


@pytest.mark.parametrize("seed", range(3))
def test_forward_and_chaining_follow_the_notes(seed):
    rng = np.random.default_rng(seed)
    sizes = tuple(int(n) for n in rng.integers(1, 6, 4))
    spec = NetworkSpec(sizes, ("tanh", "leaky_relu", "softplus"), "mse", "mean", batch=3, seed=seed)
    trace = run(spec)
    A_prev = trace.X
    for layer in trace.layers:
        W, b = layer.W, layer.b
        # z_ij = Σ_k a_ik w_kj + b_j, written as a loop
        Z = np.array([[sum(A_prev[i, k] * W[k, j] for k in range(W.shape[0])) + b[j]
                       for j in range(W.shape[1])] for i in range(len(A_prev))])  # fmt: skip
        assert_close(f"A_prev^({layer.l})", layer.A_prev, A_prev)
        assert_close(f"Z^({layer.l})", layer.Z, Z)
        assert_close(f"A^({layer.l})", layer.A, ACTIVATIONS[spec.activations[layer.l - 1]].g(Z))
        A_prev = layer.A
    for lower, upper in zip(trace.layers, trace.layers[1:], strict=False):
        assert_close(f"dA^({lower.l}) = dA_prev of layer {upper.l}", lower.dA, upper.dA_prev)
    assert_close(
        "A^(L) feeds the loss",
        trace.losses,
        LOSSES["mse"].per_sample(trace.layers[-1].Z, trace.layers[-1].A, trace.Y),
    )


@pytest.mark.parametrize("seed", range(3))
def test_backward_is_the_notes_index_level_double_sums(seed):
    spec = NetworkSpec((3, 2, 2), ("sigmoid", "softmax"), "softmax_ce", batch=3, seed=seed)
    for layer in run(spec).layers:
        dZ, W, A_prev = layer.dZ, layer.W, layer.A_prev
        (m, n_out), n_in = dZ.shape, W.shape[0]
        st = list(itertools.product(range(m), range(n_out)))
        # ∂L/∂a_ij = Σ_{s,t} ∂L/∂z_st ∂z_st/∂a_ij, with ∂z_st/∂a_ij = w_jt if s = i else 0
        dA = [
            [sum(dZ[s, t] * (W[j, t] if s == i else 0.0) for s, t in st) for j in range(n_in)]
            for i in range(m)
        ]
        # ∂z_st/∂w_ij = a_si if t = j else 0
        dW = [
            [sum(dZ[s, t] * (A_prev[s, i] if t == j else 0.0) for s, t in st) for j in range(n_out)]
            for i in range(n_in)
        ]
        # ∂z_st/∂b_i = 1 if t = i else 0
        db = [sum(dZ[s, t] * (1.0 if t == i else 0.0) for s, t in st) for i in range(n_out)]
        assert_close(f"dA_prev^({layer.l})", layer.dA_prev, dA)
        assert_close(f"dW^({layer.l})", layer.dW, dW)
        assert_close(f"db^({layer.l})", layer.db, db)


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"])
def test_hidden_dZ_is_dA_times_g_prime(name):
    spec = NetworkSpec((3, 4, 2), (name, "identity"), batch=5, seed=4)
    layer = run(spec).layers[0]
    g = ACTIVATIONS[name]
    assert_close(f"dZ^(1) for {name}", layer.dZ, layer.dA * g.dg(layer.Z, layer.A))


# finite differences for the intermediate quantities the gradient check does not cover


def _loss_above(spec, params, Y, l, Z=None, A=None):
    """L as a function of Z^(l) (or of A^(l)): the forward pass from layer l upwards."""
    if Z is not None:
        A = ACTIVATIONS[spec.activations[l - 1]].g(Z)
    for k in range(l, spec.L):  # layers l+1..L
        Z = A @ params.W[k] + params.b[k]
        A = ACTIVATIONS[spec.activations[k]].g(Z)
    losses = LOSSES[spec.loss].per_sample(Z, A, Y)
    return losses.sum() / (spec.m if spec.reduction == "mean" else 1)


def _central(f, X, h=1e-6):
    out = np.empty_like(X)
    for index in np.ndindex(*X.shape):
        plus, minus = X.copy(), X.copy()
        plus[index] += h
        minus[index] -= h
        out[index] = (f(plus) - f(minus)) / (2 * h)
    return out


@pytest.mark.parametrize(
    "sizes, acts, loss, reduction",
    [
        ((3, 4, 3, 2), ("tanh", "softplus", "softmax"), "softmax_ce", "mean"),
        ((2, 3, 3), ("sigmoid", "leaky_relu"), "mse", "sum"),
        ((2, 2, 2), ("tanh", "sigmoid"), "bce", "sum"),
        ((1, 2, 3), ("identity", "softmax"), "mse", "mean"),
    ],
)
def test_every_layers_dZ_and_hidden_dA_match_finite_differences(sizes, acts, loss, reduction):
    spec = NetworkSpec(sizes, acts, loss, reduction, batch=3, seed=11)
    trace = run(spec)
    params = init_params(spec)
    for layer in trace.layers:
        l = layer.l
        numeric = _central(lambda Z, l=l: _loss_above(spec, params, trace.Y, l, Z=Z), layer.Z)
        assert_close(f"dZ^({l})", layer.dZ, numeric, rtol=1e-6, atol=1e-8)
        if l < spec.L:  # the output's dA is checked against SymPy in test_losses
            numeric = _central(lambda A, l=l: _loss_above(spec, params, trace.Y, l, A=A), layer.A)
            assert_close(f"dA^({l})", layer.dA, numeric, rtol=1e-6, atol=1e-8)


# SymPy as the independent oracle ----------------------------------------------------

sigmoid = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
SYMBOLIC_G = {
    "identity": lambda z: z,
    "sigmoid": sigmoid,
    "tanh": sp.tanh,
    "relu": lambda z: sp.Piecewise((z, z > 0), (0, True)),
    "leaky_relu": lambda z: sp.Piecewise((z, z > 0), (z / 100, True)),
    "softplus": lambda z: sp.log(1 + sp.exp(z)),
}


def _symbols(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def _symbolic_loss(spec, Y):
    """L of the whole network in named symbols x_ij, w^(l)_ij, b^(l)_j, written from the notes."""
    m = spec.m
    X = _symbols("x", m, spec.sizes[0])
    Ws = [_symbols(f"w{l}", spec.sizes[l - 1], spec.sizes[l]) for l in range(1, spec.L + 1)]
    bs = [_symbols(f"b{l}", 1, spec.sizes[l]) for l in range(1, spec.L + 1)]
    A = X
    for W, b, name in zip(Ws, bs, spec.activations, strict=True):
        Z = A * W + sp.ones(m, 1) * b  # Z = A W + 1 bᵀ
        if name == "softmax":
            A = sp.Matrix(
                [[sp.exp(z) / sum(sp.exp(v) for v in Z.row(i)) for z in Z.row(i)] for i in range(m)]
            )
        else:
            A = Z.applyfunc(SYMBOLIC_G[name])
    y = sp.Matrix(Y)
    if spec.loss == "mse":
        L = sum((a - t) ** 2 for a, t in zip(A, y, strict=True)) / 2
    elif spec.loss == "bce":
        L = -sum(t * sp.log(a) + (1 - t) * sp.log(1 - a) for a, t in zip(A, y, strict=True))
    else:
        L = -sum(t * sp.log(a) for a, t in zip(A, y, strict=True))
    if spec.reduction == "mean":
        L = L / m
    return L, X, Ws, bs


SYMPY_CASES = [
    ((1, 1), ("identity",), "mse", "sum", 1),
    ((2, 3, 2), ("sigmoid", "identity"), "mse", "sum", 2),
    ((3, 2, 2), ("tanh", "softmax"), "softmax_ce", "mean", 3),
    ((2, 2, 1), ("softplus", "sigmoid"), "bce", "sum", 2),
    ((2, 2, 2), ("leaky_relu", "softmax"), "mse", "mean", 2),
    ((1, 2, 2, 1), ("tanh", "relu", "identity"), "mse", "sum", 1),
    ((2, 1, 2), ("sigmoid", "sigmoid"), "bce", "mean", 3),
]


@pytest.mark.parametrize("sizes, acts, loss, reduction, m", SYMPY_CASES)
def test_sympy_differentiates_the_whole_network_to_the_same_gradients(sizes, acts, loss, reduction, m):
    spec = NetworkSpec(sizes, acts, loss, reduction, batch=m, seed=3)
    trace = run(spec)
    params = init_params(spec)
    L, X, Ws, bs = _symbolic_loss(spec, trace.Y)
    values = {}
    for symbols, numbers in (
        [(X, trace.X)]
        + list(zip(Ws, params.W, strict=True))
        + [(b, v.reshape(1, -1)) for b, v in zip(bs, params.b, strict=True)]
    ):
        values.update(zip(symbols, np.asarray(numbers, dtype=float).ravel(), strict=True))
    args = list(values)
    evaluate = lambda expr: np.array(sp.lambdify(args, expr, "numpy")(*values.values()), dtype=float)  # noqa: E731
    assert_close("L", trace.loss, float(evaluate(L)), rtol=1e-11)
    # sp.diff of a scalar by a matrix of symbols: denominator layout, the variable's shape
    assert_close("∂L/∂X", trace.layers[0].dA_prev, evaluate(sp.diff(L, X)), rtol=1e-9, atol=1e-12)
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True), start=1):
        assert_close(f"∂L/∂W^({l})", trace.layers[l - 1].dW, evaluate(sp.diff(L, W)), rtol=1e-9, atol=1e-12)
        assert_close(
            f"∂L/∂b^({l})", trace.layers[l - 1].db, evaluate(sp.diff(L, b)).ravel(), rtol=1e-9, atol=1e-12
        )


@pytest.mark.parametrize(
    "sizes, acts, loss, m",
    [((3, 4, 2), ("tanh", "softmax"), "softmax_ce", 5), ((1, 2, 1), ("relu", "identity"), "mse", 1)],
)
def test_matrix_calculus_gives_the_notes_three_identities(sizes, acts, loss, m):
    r"""Z = A W + 1 bᵀ and dL = tr((∂L/∂Z)ᵀ dZ): SymPy's matrix derivative of tr(Cᵀ Z), C = ∂L/∂Z
    held fixed, is ∂L/∂A = C Wᵀ, ∂L/∂W = Aᵀ C, ∂L/∂b = Cᵀ 1 (the notes' three results)."""
    trace = run(NetworkSpec(sizes, acts, loss, batch=m, seed=1))
    for layer in trace.layers:
        (n_in, n_out) = layer.W.shape
        A, W = sp.MatrixSymbol("A", m, n_in), sp.MatrixSymbol("W", n_in, n_out)
        b, C = sp.MatrixSymbol("b", n_out, 1), sp.MatrixSymbol("C", m, n_out)
        linear = sp.Trace(C.T * (A * W + sp.OneMatrix(m, 1) * b.T))
        numbers = {
            A: sp.ImmutableMatrix(layer.A_prev),
            W: sp.ImmutableMatrix(layer.W),
            b: sp.ImmutableMatrix(layer.b.reshape(-1, 1)),
            C: sp.ImmutableMatrix(layer.dZ),
        }

        def value(expr, numbers=numbers):
            return np.array(expr.subs(numbers).doit().as_explicit(), dtype=float)

        assert linear.diff(W) == A.T * C and linear.diff(A) == C * W.T
        assert_close(f"∂L/∂A^({layer.l - 1}) = ∂L/∂Z Wᵀ", layer.dA_prev, value(linear.diff(A)))
        assert_close(f"∂L/∂W^({layer.l}) = Aᵀ ∂L/∂Z", layer.dW, value(linear.diff(W)))
        assert_close(f"∂L/∂b^({layer.l}) = column sums", layer.db, value(linear.diff(b)).ravel())


# initialisation and data -------------------------------------------------------------


def _integral(array):
    return np.array_equal(array, np.round(array))


@pytest.mark.parametrize("loss, out", [("mse", "identity"), ("bce", "sigmoid"), ("softmax_ce", "softmax")])
def test_integers_init_gives_small_integers_a_student_can_multiply(loss, out):
    spec = NetworkSpec((6, 8, 5), ("relu", out), loss, batch=40, seed=2, init="integers")
    params, (X, Y) = init_params(spec), make_data(spec)
    for l, (W, b) in enumerate(zip(params.W, params.b, strict=True), start=1):
        assert _integral(W) and set(np.unique(W)) <= {-2, -1, 0, 1, 2} and len(np.unique(W)) > 2, f"W^({l})"
        assert _integral(b) and set(np.unique(b)) <= {-1, 0, 1}, f"b^({l})"
    assert _integral(X) and set(np.unique(X)) <= set(range(-3, 4)) and len(np.unique(X)) > 3
    if loss == "mse":
        assert _integral(Y) and set(np.unique(Y)) <= set(range(-2, 3))
    trace = run(spec)
    assert _integral(trace.layers[0].Z), "Z^(1) of integer X, W, b is integer"


def test_xavier_bounds_and_scale():
    spec = NetworkSpec((300, 200, 100), ("tanh", "identity"), batch=1, seed=5, init="xavier")
    for W, b in zip(*init_params(spec).__dict__.values(), strict=True):
        n_in, n_out = W.shape
        limit = np.sqrt(6.0 / (n_in + n_out))
        assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
        assert abs(W.std() / (limit / np.sqrt(3)) - 1) < 0.03, f"std {W.std()} for U(±{limit})"
        assert abs(W.mean()) < 0.01 and not b.any()


def test_he_scale():
    spec = NetworkSpec((400, 200, 50), ("relu", "identity"), batch=1, seed=6, init="he")
    for W, b in zip(*init_params(spec).__dict__.values(), strict=True):
        assert abs(W.std() / np.sqrt(2.0 / W.shape[0]) - 1) < 0.03, f"std {W.std()}, n_in {W.shape[0]}"
        assert abs(W.mean()) < 0.01 and not b.any()


def test_uniform_is_within_minus_one_to_one():
    params = init_params(NetworkSpec((200, 100), ("identity",), seed=7))
    W, b = params.W[0], params.b[0]
    assert np.abs(W).max() <= 1 and np.abs(b).max() <= 1
    assert abs(W.std() * np.sqrt(3) - 1) < 0.03


@pytest.mark.parametrize("init", ["uniform", "xavier", "he", "integers"])
def test_same_seed_same_arrays_different_seed_different_arrays(init):
    def arrays(seed):
        spec = NetworkSpec((4, 5, 3), ("tanh", "identity"), batch=6, seed=seed, init=init)
        params, (X, Y) = init_params(spec), make_data(spec)
        return dict(W1=params.W[0], W2=params.W[1], b1=params.b[0], X=X, Y=Y)

    first, again, other = arrays(17), arrays(17), arrays(18)
    for name in first:
        assert np.array_equal(first[name], again[name]), f"{name} differs for the same seed"
    for name in ("W1", "W2", "X", "Y"):
        assert not np.array_equal(first[name], other[name]), f"{name} equal for seeds 17 and 18"


@pytest.mark.parametrize("init", ["uniform", "integers"])
def test_generated_targets_fit_the_loss(init):
    bce = NetworkSpec((3, 4), ("sigmoid",), "bce", batch=200, seed=1, init=init)
    Y = make_data(bce)[1]
    assert set(np.unique(Y)) == {0.0, 1.0}
    ce = NetworkSpec((3, 4), ("softmax",), "softmax_ce", batch=200, seed=1, init=init)
    Y = make_data(ce)[1]
    assert set(np.unique(Y)) == {0.0, 1.0} and (Y.sum(axis=1) == 1).all()
    assert (Y.sum(axis=0) > 0).all(), "every class appears in 200 samples"


def test_run_repeats_exactly_and_leaves_given_arrays_alone():
    spec = NetworkSpec((3, 4, 2), ("sigmoid", "identity"), batch=4, seed=9)
    params, (X, Y) = init_params(spec), make_data(spec)
    copies = [a.copy() for a in (*params.W, *params.b, X, Y)]
    first, second = run(spec, params, X, Y), run(spec)
    for before, after in zip(copies, (*params.W, *params.b, X, Y), strict=True):
        assert np.array_equal(before, after), "run changed an array it was given"
    assert first.loss == second.loss
    for a, b in zip(first.layers, second.layers, strict=True):
        for field in FIELDS:
            assert np.array_equal(getattr(a, field), getattr(b, field)), f"{field}^({a.l}) differs"


def test_run_builds_a_frozen_trace_equal_to_the_constructed_one():
    import dataclasses

    from backprop.core.network import Trace

    trace = run(NetworkSpec())
    same = Trace(trace.spec, trace.X, trace.Y, trace.layers, trace.loss, trace.losses)
    assert type(trace) is Trace and list(vars(trace)) == [f.name for f in dataclasses.fields(Trace)]
    assert all(getattr(trace, f) is getattr(same, f) for f in vars(same))
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.loss = 0.0
