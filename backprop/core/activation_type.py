r"""What an activation is: the Activation type, and the overflow-free σ and softplus it is built on.

Both the built-in registry (``backprop.core.activations``) and a student's own formula
(``backprop.core.formula``) build Activation objects from these pieces, so neither needs
the other: activations imports formula, never the reverse.

>>> sigmoid(np.array([0.0, -1e4]))
array([0.5, 0. ])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# NumPy's C functions themselves, without the Python-level __array_function__ dispatch their
# public names go through first (~0.2 µs a call, a few dozen calls in the tiny networks'
# whole pass of ~25 µs): no array here overrides it (ndarrays, and object arrays of SymPy
# numbers, which np.dot's C loop multiplies entry by entry as it always did).
dot = getattr(np.dot, "__wrapped__", np.dot)  # np.dot(P, Q)
try:  # np.count_nonzero(X) with no axis calls exactly this
    from numpy._core.multiarray import count_nonzero
except ImportError:  # NumPy 1.x, or a later layout: the public function
    count_nonzero = np.count_nonzero


def ignoring_underflow(f: Callable) -> Callable:
    r"""f, run under np.errstate(under="ignore") at each call (its results flush what underflows).

    NumPy 2's errstate as a decorator: the same guard as ``with np.errstate(...)``, made once,
    thread-safe (each call keeps its own token) and about a third of the cost (~0.4 µs
    against ~1.1). NumPy 1.x's decorator keeps its state on the shared instance, so there
    each call enters its own ``with``. When the calling thread's state is NumPy's default,
    which ignores underflow already (``_QUIET``), f runs as it is: the guard would change
    nothing, and costs ~0.4 µs of the tiny networks' ~15 µs pass.
    """
    if int(np.__version__.split(".")[0]) >= 2:
        guarded = np.errstate(under="ignore")(f)
        if _QUIET is None:
            return guarded

        @functools.wraps(f)
        def unless_quiet(*args, **kwargs):
            if _error_state() is _QUIET:  # underflow ignored already: no guard to enter
                return f(*args, **kwargs)
            return guarded(*args, **kwargs)

        return unless_quiet

    @functools.wraps(f)
    def guarded_1x(*args, **kwargs):
        with np.errstate(under="ignore"):
            return f(*args, **kwargs)

    return guarded_1x


def _quiet_state():
    """NumPy's error state object as this module found it, if it ignores underflow; else None.

    NumPy 2 keeps each thread's error state in a context variable (``np.errstate`` sets a
    new object there and puts the old one back), so a call that finds this very object
    runs under a state whose underflow mode is "ignore". None on a NumPy without it.
    """
    try:
        from numpy._core._ufunc_config import _extobj_contextvar  # type: ignore[attr-defined]  # noqa: PLC0415
    except ImportError:
        return None, None
    state = _extobj_contextvar.get()
    return (state if np.geterr()["under"] == "ignore" else None), _extobj_contextvar.get


_QUIET, _error_state = _quiet_state()


def _row_dots(P: Array, Q: Array) -> Array:
    r"""Σ_j P_ij Q_ij for each row i, (m, n), (m, n) -> (m,): the products, then their row sums."""
    return np.add.reduce(P * Q, axis=-1)


vecdot: Callable[[Array, Array], Array] = getattr(np, "vecdot", _row_dots)  # NumPy 2: in one call


# A name "custom:<formula>" is a student's own g(z); backprop.core.activations resolves it
# through backprop.core.formula (SymPy), imported only when such a name is asked for.
CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class Activation:
    r"""One activation: its numeric form, its derivative and its SymPy twin.

    For an elementwise g, ``dg(Z)`` is g'(Z) entry by entry and ``backward`` is
    ∂L/∂Z = ∂L/∂A ⊙ g'(Z). Softmax acts on each row (sample) as a whole, so it has no
    elementwise derivative (``dg`` is None); its ``backward`` applies each sample's
    Jacobian ∂a_j/∂z_k = a_j (δ_jk - a_k).

    ``sym(z)`` is g as a SymPy expression of the symbol z (elementwise); for softmax,
    ``sym`` maps a list of a row's symbols to the list of its outputs.
    ``kinks`` are the points where g' jumps (finite differences across them disagree
    with the one-sided derivative).
    """

    name: str
    g: Callable[[Array], Array]
    dg: Callable[[Array, Array], Array] | None  # (Z, A) -> g'(Z), reusing A = g(Z)
    sym: Callable
    elementwise: bool = True
    kinks: tuple[float, ...] = ()
    last_layer_only: bool = False

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        r"""∂L/∂Z from ∂L/∂A: ∂L/∂A ⊙ g'(Z), or each row's softmax Jacobian. Shapes (m, n).

        A product below the normal range (a tiny ∂L/∂a times a tiny g') is flushed to 0
        instead of raising an underflow (``backward_step`` under np.errstate).
        """
        with np.errstate(under="ignore"):
            return self.backward_step(Z, A, dA)

    def backward_step(self, Z: Array, A: Array, dA: Array) -> Array:
        r"""``backward``'s formula, for a caller that holds np.errstate(under="ignore") itself.

        The backward engine holds one around its whole pass, rather than one per step.
        """
        if self.dg is one:
            return dA  # g'(z) = 1
        if self.dg is not None:
            return flush_subnormal(dA * self.dg(Z, A))  # chain rule through g, entry by entry
        # softmax: (∂L/∂z)_k = Σ_j (∂L/∂a_j) a_j (δ_jk - a_k) = a_k (∂L/∂a_k - Σ_j ∂L/∂a_j a_j)
        return flush_subnormal(A * (dA - flush_subnormal(dA * A).sum(axis=1, keepdims=True)))

    def jacobian(self, a_row: Array) -> Array:
        r"""Softmax's Jacobian for one sample: J_jk = a_j (δ_jk - a_k), shape (n, n)."""
        with np.errstate(under="ignore"):  # a_j a_k below the normal range is flushed to 0 instead
            return np.diag(a_row) - flush_subnormal(np.outer(a_row, a_row))


# e^708 is the largest power of e below float64's overflow and e^-708 the smallest
# above its underflow to subnormals. Exponents are clipped to ±708, and a result whose
# true value lies below e^-708 (≈3e-308) is flushed to exactly 0, as float64 would round
# it, but without raising an underflow: every result is exact to rounding or exactly 0.
EXP_LIMIT = 708.0


def flush_subnormal(X: Array, nonnegative: bool = False) -> Array:
    r"""X with every subnormal entry (0 < |x| < the smallest normal float) set to exactly 0, in place.

    Products of two tiny factors (a softmax output of e^-300 times another) fall below
    float64's normal range; computed under ``np.errstate(under="ignore")`` and flushed
    here, they follow the rule above: exact to rounding or exactly 0, never a warning.
    ``nonnegative``: X has no negative entry (a sum of squares), so |x| is x itself.
    """
    tiny = _TINY.get(X.dtype)
    if tiny is None:  # not float64 nor float32
        tiny = np.finfo(X.dtype).tiny
    below = (X if nonnegative else np.abs(X)) < tiny  # the zeros too: they stay 0
    if count_nonzero(below):  # one cheap count; the masked write only when something is below
        np.copyto(X, 0.0, where=below)
    return X


# The smallest normal float of each dtype, looked up once rather than by np.finfo on every pass,
# as a 0-d array of that dtype: compared with an array, NumPy skips a scalar's conversion.
_TINY = {np.dtype(t): np.array(np.finfo(t).tiny, t) for t in (np.float64, np.float32)}


def float_type(Z: Array):
    """Z's dtype if it is a float, else float64 (integer arrays from a plot's grid)."""
    dtype = Z.dtype
    return dtype if dtype in _FLOATS else np.result_type(dtype, np.float32)  # the set: no call per pass


_FLOATS = frozenset(np.dtype(t) for t in (np.float64, np.float32))


def per_dtype(value: float) -> dict[np.dtype, Array]:
    r"""``value`` as a 0-d array of each float dtype (float64, float32), keyed by the dtype.

    Combined with an array of the same dtype, NumPy skips a Python float's conversion
    (~0.2 µs an operation on a tiny array) and keeps the array's dtype;
    ``ONE.get(A.dtype, 1.0)``: any other dtype takes the Python float.
    """
    return {np.dtype(t): np.array(value, t) for t in (np.float64, np.float32)}


ONE = per_dtype(1.0)
# σ's exponent limit per dtype: e^±limit stays a normal float (708 for float64, 87 for float32).
_EXP_LIMITS = {
    np.dtype(t): (np.array(-limit, t), np.array(limit, t))
    for t, limit in ((np.float64, EXP_LIMIT), (np.float32, 87.0))
}

_F64_LIMITS = _EXP_LIMITS[np.dtype(np.float64)]


def one(Z: Array, A: Array) -> Array:
    """g'(Z) = 1 for the identity, shape of Z (``backward`` skips the product for it)."""
    return np.ones_like(Z)


def sigmoid_prime(Z: Array, A: Array) -> Array:
    r"""σ'(z) = a(1 - a) with a = σ(z). Shape of A.

    Never below the normal range for an A from ``sigmoid``: a is 0 or at least σ(-708)
    ≈ 3.3e-308 and 1 - a is 0 or at least 2^-53, so no underflow guard is needed.
    """
    return A * (ONE.get(A.dtype, 1.0) - A)


def sigmoid(Z: Array) -> Array:
    r"""σ(z) = 1/(1 + e^{-z}), in place in one buffer (this runs on every forward pass). Any shape.

    Only when some |z| exceeds the dtype's exponent limit (708 for float64) are the
    exponents clipped and σ(z) for z below -limit flushed to exactly 0. Within the limit
    e^{-z} neither overflows nor underflows and σ(z) ≥ σ(-708) ≈ 3.3e-308 is a normal float,
    so the usual pass skips the clip and the flush.
    """
    T = np.negative(Z) if Z.dtype in _FLOATS else np.negative(Z, dtype=float_type(Z))  # -z
    limits = _EXP_LIMITS.get(T.dtype)
    low, limit = _F64_LIMITS if limits is None else limits  # longdouble: float64's
    far = count_nonzero(np.abs(T) > limit)  # rare: some |z| beyond the limit
    if far:
        np.minimum(T, limit, out=T)  # e^{-z} ≤ e^708: no overflow
        np.maximum(T, low, out=T)  # e^{-z} ≥ e^-708: no underflow
    np.exp(T, out=T)  # e^{-z}
    T += ONE[T.dtype]  # 1 + e^{-z}
    np.reciprocal(T, out=T)  # 1/(1 + e^{-z})
    if far:
        np.copyto(T, 0.0, where=Z < low)  # flush what would be subnormal
    return T


def softplus(Z: Array) -> Array:
    r"""log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): no overflow for large z. Any shape.

    >>> softplus(np.array([0.0, -1e4, 1e4]))
    array([6.93147181e-01, 0.00000000e+00, 1.00000000e+04])
    """
    tail = np.exp(-np.minimum(np.abs(Z), EXP_LIMIT))
    np.copyto(tail, 0.0, where=np.abs(Z) > EXP_LIMIT)  # flush what would be subnormal
    return np.maximum(Z, 0.0) + np.log1p(tail)
