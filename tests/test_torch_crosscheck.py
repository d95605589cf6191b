r"""Optional third oracle: the same network in PyTorch's autograd (float64, W in the notes'
orientation n_{l-1} x n_l, Z = A W + b) gives the same loss, the same ∂L/∂Z^(l) of every
layer and the same ∂L/∂X, ∂L/∂W^(l), ∂L/∂b^(l). Skipped when torch is not installed:
torch is never a dependency of the project (pip install torch to run it).
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close

from backprop import NetworkSpec, init_params, make_data, run

torch = pytest.importorskip(
    "torch", reason="torch is not installed (optional cross-check: pip install torch)"
)

G = {
    "identity": lambda Z: Z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda Z: torch.nn.functional.leaky_relu(Z, 0.01),
    "softplus": torch.nn.functional.softplus,
    "softmax": lambda Z: torch.softmax(Z, dim=1),
}


def _torch_loss(name, Z, A, Y):
    """Σ_i l_i from PyTorch's own functions (bce and CE from the logits, as PyTorch advises)."""
    if name == "mse":
        return 0.5 * ((A - Y) ** 2).sum()
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(Z, Y, reduction="sum")
    return -(Y * torch.log_softmax(Z, dim=1)).sum()


CASES = [
    ((3, 4, 2), ("sigmoid", "identity"), "mse", "sum", 4, "uniform"),
    ((1, 1), ("identity",), "mse", "mean", 1, "uniform"),
    ((4, 5, 3), ("tanh", "softmax"), "softmax_ce", "mean", 6, "xavier"),
    ((2, 6, 6, 1), ("relu", "leaky_relu", "sigmoid"), "bce", "sum", 5, "he"),
    ((5, 3, 3, 3, 4), ("softplus", "tanh", "leaky_relu", "softmax"), "mse", "mean", 3, "uniform"),
    ((3, 1, 3), ("sigmoid", "softmax"), "softmax_ce", "sum", 2, "integers"),
    ((6, 4, 2), ("softplus", "sigmoid"), "bce", "mean", 1, "uniform"),
]


@pytest.mark.parametrize("sizes, acts, loss, reduction, m, init", CASES)
def test_same_loss_and_gradients_as_pytorch_autograd(sizes, acts, loss, reduction, m, init):
    spec = NetworkSpec(sizes, acts, loss, reduction, batch=m, seed=13, init=init)
    trace = run(spec)
    params, (X, Y) = init_params(spec), make_data(spec)
    t = lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True)  # noqa: E731
    X_t, Ws, bs = t(X), [t(W) for W in params.W], [t(b) for b in params.b]
    A, Zs = X_t, []
    for W, b, name in zip(Ws, bs, acts, strict=True):
        Z = A @ W + b  # the notes' orientation: (m, n_in) @ (n_in, n_out)
        Z.retain_grad()
        Zs.append(Z)
        A = G[name](Z)
    L = _torch_loss(loss, Zs[-1], A, torch.tensor(Y, dtype=torch.float64))
    if reduction == "mean":
        L = L / m
    L.backward()
    assert_close("L", trace.loss, L.item(), rtol=1e-12)
    assert_close("∂L/∂X", trace.layers[0].dA_prev, X_t.grad.numpy())
    for layer, W, b, Z in zip(trace.layers, Ws, bs, Zs, strict=True):
        l = layer.l
        assert_close(f"∂L/∂Z^({l})", layer.dZ, Z.grad.numpy())
        assert_close(f"∂L/∂W^({l})", layer.dW, W.grad.numpy())
        assert_close(f"∂L/∂b^({l})", layer.db, b.grad.numpy())
    assert np.isfinite(trace.loss)
