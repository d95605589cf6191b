r"""The functions a custom activation may call, as SymPy sees them and as numpy evaluates them.

``FUNCTIONS`` maps each allowed name to its arity and SymPy builder; σ and softplus are
SymPy functions of their own, kept whole so that g and g' print as the notes write them.
For the numeric g and g', ``stabilised`` rewrites ``log(1 + exp(u))`` and
``1/(1 + exp(-u))`` as softplus and σ, which ``numeric`` evaluates with the core's
overflow-free kernels; past float64's range a value becomes ±inf (or nan for inf - inf)
silently, under ``np.errstate(all="ignore")``. ``elementary`` writes σ, softplus and |u|
out, for SymPy code that differentiates g on its own.

>>> numeric(stabilised(sp.log(1 + sp.exp(Z))))(np.array([1000.0]))
array([1000.])
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce

import numpy as np
import sympy as sp

from backprop.core.activation_type import sigmoid as sigmoid_kernel
from backprop.core.activation_type import softplus as softplus_kernel

Z = sp.Symbol("z", real=True)


class sigmoid(sp.Function):  # noqa: N801 (the name lambdify prints and looks up)
    r"""σ(u) = 1/(1 + e^{-u}), kept whole so that it prints as σ and evaluates without overflow."""

    @classmethod
    def eval(cls, u):
        if u.is_zero:
            return sp.S.Half
        return None

    def fdiff(self, argindex=1):
        return self * (1 - self)  # σ' = σ(1 - σ)

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _latex(self, printer, exp=None):
        return _printed(r"\sigma", self, printer, exp)


class softplus(sp.Function):  # noqa: N801
    r"""softplus(u) = log(1 + e^u), kept whole so that it evaluates without overflow."""

    @classmethod
    def eval(cls, u):
        if u.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])  # softplus' = σ

    def _eval_evalf(self, prec):
        return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _latex(self, printer, exp=None):
        return _printed(r"\operatorname{softplus}", self, printer, exp)


def _printed(name: str, call: sp.Function, printer, exp: str | None) -> str:
    r"""name(u) as LaTeX; raised to a power, name^{exp}(u), as SymPy prints sin^{2}(u)."""
    power = "" if exp is None else "^{" + exp + "}"
    return name + power + r"\left(" + printer._print(call.args[0]) + r"\right)"


FUNCTIONS: dict[str, tuple[int, Callable[..., sp.Expr]]] = {
    "exp": (1, sp.exp),
    "log": (1, sp.log),
    "ln": (1, sp.log),
    "sqrt": (1, sp.sqrt),
    "abs": (1, sp.Abs),
    "sin": (1, sp.sin),
    "cos": (1, sp.cos),
    "tanh": (1, sp.tanh),
    "sinh": (1, sp.sinh),
    "cosh": (1, sp.cosh),
    "atan": (1, sp.atan),
    "sigmoid": (1, sigmoid),
    "softplus": (1, softplus),
    "relu": (1, lambda u: sp.Max(u, 0)),
    "max": (2, sp.Max),
    "min": (2, sp.Min),
}
CONSTANTS = {"z": Z, "e": sp.E, "pi": sp.pi}


def elementary(expr: sp.Expr) -> sp.Expr:
    """expr with σ, softplus and |u| written out, so any SymPy code can differentiate it."""
    expr = expr.replace(sigmoid, lambda u: 1 / (1 + sp.exp(-u)))
    expr = expr.replace(softplus, lambda u: sp.log(1 + sp.exp(u)))
    return expr.replace(sp.Abs, lambda u: sp.Piecewise((u, u >= 0), (-u, True)))


def _on_arrays(function):
    """function that also takes a number (lambdify passes σ(1/2) a float): as a 1-entry array."""
    return lambda u: function(u if isinstance(u, np.ndarray) and u.ndim else np.atleast_1d(np.float64(u)))


# max, min and the step H(u) (H(0) = 1/2, as SymPy's Heaviside) go to lambdify as plain
# names bound to numpy ufuncs, which broadcast a constant argument against an array one.
_MAX, _MIN, _STEP = sp.Function("maximum_"), sp.Function("minimum_"), sp.Function("step_")
_NUMERIC = {
    "sigmoid": _on_arrays(sigmoid_kernel),  # the core's overflow-free forms
    "softplus": _on_arrays(softplus_kernel),
    "maximum_": lambda *args: reduce(np.maximum, args),
    "minimum_": lambda *args: reduce(np.minimum, args),
    "step_": lambda u: np.heaviside(u, 0.5),
}


_W = sp.Wild("w")
_STABLE_FORMS = (
    (sp.log(1 + sp.exp(_W)), softplus(_W)),
    (1 / (1 + sp.exp(_W)), sigmoid(-_W)),
)


def stabilised(expr: sp.Expr) -> sp.Expr:
    """expr with log(1 + e^u), 1/(1 + e^u) and e^u/(1 + e^u) as softplus and σ (no overflow)."""
    for pattern, stable in _STABLE_FORMS:
        expr = expr.replace(pattern, stable)
    return expr.replace(lambda e: e.is_Mul, _merged_sigmoid)


def _merged_sigmoid(product: sp.Expr) -> sp.Expr:
    """A product with factors e^u and σ(-u) as one with the factor σ(u): e^u/(1 + e^u) = σ(u)."""
    factors = list(product.args)
    for i, f in enumerate(factors):
        if isinstance(f, sp.exp):
            partner = sigmoid(-f.args[0])
            if partner in factors:
                rest = [x for j, x in enumerate(factors) if j != i and x != partner]
                return sp.Mul(sigmoid(f.args[0]), *rest)
    return product


def numeric(expr: sp.Expr):
    """expr as a numpy function of z, from lambdify's printing of the checked tree."""
    expr = expr.replace(sp.Heaviside, lambda u, *_: _STEP(u))
    expr = expr.replace(sp.Max, lambda *args: _MAX(*args)).replace(sp.Min, lambda *args: _MIN(*args))
    return _vectorised(sp.lambdify(Z, expr, modules=[_NUMERIC, "numpy"]))


def _vectorised(function):
    """function applied to an array, silent on overflow, shaped and typed like its input."""

    def apply(Z_):
        Z_ = np.asarray(Z_)
        with np.errstate(all="ignore"):
            out = np.asarray(function(Z_))
            if np.iscomplexobj(out):  # a power of a negative base: real only where imag is 0
                out = np.where(out.imag == 0, out.real, np.nan)
        dtype = Z_.dtype if Z_.dtype.kind == "f" else np.float64
        if out.shape != Z_.shape or out.dtype != dtype:
            out = np.broadcast_to(out, Z_.shape).astype(dtype)
        return out

    return apply
