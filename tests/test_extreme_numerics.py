"""No floating point warning for |z| up to 1e4: every activation and loss under np.errstate(all="raise").

The grid puts every row of three logits from {±1e4, ±745, ±709, ±708, ±300, ±40, ±1e-300, 0}
through g, g', the backward step (softmax's Jacobian included), each valid loss, its
∂L/∂A and its shortcut, with one-hot and spread targets. Products that fall below float64's
normal range are flushed to exactly 0; where the plain computation stays normal the result
is unchanged, bit for bit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from backprop import ACTIVATIONS, NetworkSpec, Params, run
from backprop.core.activation_type import flush_subnormal
from backprop.core.losses import LOSSES

VALUES = (
    -1e4,
    -745.0,
    -709.0,
    -708.0,
    -300.0,
    -40.0,
    -1e-300,
    0.0,
    1e-300,
    40.0,
    300.0,
    708.0,
    709.0,
    745.0,
    1e4,
)
Z_GRID = np.array(list(itertools.product(VALUES, repeat=3)))  # (3375, 3): one row per case
TARGETS = {
    "first": [1.0, 0.0, 0.0],
    "last": [0.0, 0.0, 1.0],
    "spread": [0.2, 0.3, 0.5],
}
PAIRS = [(act, loss) for act in ACTIVATIONS for loss, spec in LOSSES.items() if spec.output in (None, act)]


@pytest.mark.parametrize("act_name, loss_name", PAIRS)
@pytest.mark.parametrize("target", list(TARGETS))
def test_no_floating_point_warning_over_the_grid(act_name, loss_name, target):
    act, loss = ACTIVATIONS[act_name], LOSSES[loss_name]
    Y = np.tile(TARGETS[target], (len(Z_GRID), 1))
    with np.errstate(all="raise"):
        A = act.g(Z_GRID)
        values = [A, loss.per_sample(Z_GRID, A, Y), loss.dA(A, Y)]
        values.append(act.backward(Z_GRID, A, values[-1]))
        if act.dg is not None:
            values.append(act.dg(Z_GRID, A))
        else:
            values += [act.jacobian(row) for row in A[:: len(A) // 50]]
        if loss.dZ_shortcut is not None:
            values.append(loss.dZ_shortcut(A, Y))
    for value in values:
        assert np.isfinite(value).all()
        assert not ((value != 0) & (np.abs(value) < np.finfo(np.float64).tiny)).any(), "a subnormal is left"


def test_the_issue_case_softmax_with_squared_error_at_300_0_minus_300():
    spec = NetworkSpec((3, 3), ("softmax",), "mse", batch=2)
    params = Params((np.zeros((3, 3)),), (np.array([300.0, 0.0, -300.0]),))
    X, Y = np.ones((2, 3)), np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    with np.errstate(all="raise"):
        trace = run(spec, params, X, Y)
    dZ = trace.layers[0].dZ
    a = trace.layers[0].A[1]
    # the normal entries are the plain formula's: J_sᵀ (a_s - y_s) with J_s = diag(a_s) - a_s a_sᵀ
    with np.errstate(under="ignore"):
        plain = (np.diag(a) - np.outer(a, a)).T @ (a - Y[1])
    normal = np.abs(plain) >= np.finfo(float).tiny
    assert np.array_equal(dZ[1][normal], plain[normal]) or np.allclose(
        dZ[1][normal], plain[normal], rtol=1e-15
    )
    assert dZ[0][2] == 0.0  # a_3 = e^-600 times a tiny ∂L/∂a_3: below the normal range, flushed
    # the pass ignores underflow while it runs (and flushes): no array it keeps is subnormal
    for layer in trace.layers:
        for name, value in layer._asdict().items():
            if isinstance(value, np.ndarray):
                assert not ((value != 0) & (np.abs(value) < np.finfo(float).tiny)).any(), name


def test_flushing_changes_only_subnormals():
    X = np.array([1e-310, -5e-324, 2.3e-308, 1.0, 0.0, -3e-300])
    assert flush_subnormal(X.copy()).tolist() == [0.0, 0.0, 2.3e-308, 1.0, 0.0, -3e-300]
    with np.errstate(under="ignore"):
        A = np.abs(np.random.default_rng(0).standard_normal((50, 4))) * 10.0 ** -np.arange(0, 200, 50)
        dA = np.random.default_rng(1).standard_normal((50, 4))
        plain = A * (dA - (dA * A).sum(axis=1, keepdims=True))
    flushed = ACTIVATIONS["softmax"].backward(None, A, dA)
    assert np.array_equal(flushed, plain)  # every product here stays normal: nothing changes
