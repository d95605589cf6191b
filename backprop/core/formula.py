r"""A student's own activation g(z), parsed from text by an allow-list over Python's ``ast``.

The text is never given to ``eval``, ``sympify`` or ``parse_expr`` (all three execute
Python). It goes through ``ast.parse`` (which only builds a tree), every node of the
tree is checked against a short allow-list, and the SymPy expression is built node by
node from the checked tree. g' is SymPy's derivative of that expression; the numeric g
and g' are lambdified from those SymPy trees, which hold only allowed operations.

Allowed: numbers, the variable z, the constants e and pi, + - * / ** (or ^), unary
minus, parentheses and the functions of ``FUNCTIONS``. Bounded: ``MAX_LENGTH``
characters, ``MAX_DEPTH`` levels, ``MAX_NODES`` nodes, literals up to ``MAX_LITERAL``,
constant exponents up to ``MAX_EXPONENT``, every exact constant below 10^``MAX_DIGITS``.

Overflow: g and g' must be real and finite at every z of ``PROBE`` (-20 to 20 in steps
of 0.1, zero included), or the formula is refused. Outside that range a value past the
float64 range becomes ±inf (or nan for inf - inf), silently: g is evaluated under
``np.errstate(all="ignore")``. ``log(1 + exp(u))`` and ``1/(1 + exp(-u))`` are
evaluated as the overflow-free softplus and sigmoid of the core.

>>> act = activation_from_formula("z*sigmoid(z)")
>>> print(act.latex_g)
z \sigma\left(z\right)
>>> print(act.latex_dg)
z \left(1 - \sigma\left(z\right)\right) \sigma\left(z\right) + \sigma\left(z\right)
>>> float(act.dg(np.array([0.0]), None)[0])
0.5
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial, reduce

import numpy as np
import sympy as sp

from backprop.core.activation_type import CUSTOM_PREFIX, Activation
from backprop.core.activation_type import sigmoid as sigmoid_kernel
from backprop.core.activation_type import softplus as softplus_kernel
from backprop.core.errors import InvalidInput
from backprop.core.kinks import kinks

FIELD = "activation formula"
MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_NODES = 60
MAX_LITERAL = 1e6
MIN_LITERAL = 1e-12
MAX_EXPONENT = 64
MAX_DIGITS = 100
PROBE = np.arange(-200, 201) / 10.0  # z = -20.0, -19.9, ..., 20.0 (0.0 exactly)
ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .+-*/^(),")
EXAMPLES = (
    "z*sigmoid(z)",
    "log(1+exp(z))",
    "max(z, 0.1*z)",
    "z*tanh(softplus(z))",
    "0.5*z*(1+tanh(0.7978845608*(z+0.044715*z^3)))",
)

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
ALLOWED = (
    f"a formula in z of at most {MAX_LENGTH} characters made of numbers, z, e, pi, "
    "+ - * / ** (or ^), parentheses and the functions "
    + ", ".join(FUNCTIONS)
    + " (max and min take two arguments), for example z*sigmoid(z)"
)


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
_BINARY = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b}


@dataclass(frozen=True)
class CustomActivation(Activation):
    r"""An Activation parsed from a formula; ``shown`` and ``dshown`` are g and g' for display.

    ``sym`` gives g in elementary functions (σ and softplus written out, |u| as a
    Piecewise), like the built-in activations, so any SymPy code can differentiate it.
    """

    formula: str = ""
    shown: sp.Expr = sp.S.Zero
    dshown: sp.Expr = sp.S.Zero

    @property
    def latex_g(self) -> str:
        """g(z) as LaTeX (σ and softplus kept whole, long fractions as decimals)."""
        return sp.latex(_readable(self.shown))

    @property
    def latex_dg(self) -> str:
        """g'(z) as LaTeX, SymPy's derivative as it comes (long fractions as decimals)."""
        return sp.latex(_readable(self.dshown))

    @property
    def equations(self) -> tuple[str, str]:
        r"""The two lines a page shows: "g(z) = ..." and "g'(z) = ..." in LaTeX."""
        return "g(z) = " + self.latex_g, "g'(z) = " + self.latex_dg


@lru_cache(maxsize=512)
def activation_from_formula(text: str) -> CustomActivation:
    r"""The activation g(z) that ``text`` describes, with g' = dg/dz from SymPy.

    Raises InvalidInput("activation formula", text, what is allowed) for anything
    outside the allow-list, past a bound, or not real and finite on ``PROBE``.

    >>> act = activation_from_formula("log(1+exp(z))")
    >>> act.g(np.array([1000.0]))  # evaluated as softplus: no overflow
    array([1000.])
    >>> activation_from_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    backprop.core.errors.InvalidInput: activation formula = "__import__('os')" is not allowed: use only ASCII
    letters, digits, spaces and . + - * / ^ ( ) , (found LOW LINE).
    """
    source = _checked_text(text)
    tree = _parsed(text, source)
    try:
        shown = _build(text, tree.body, 1)
        dshown = sp.diff(shown, Z)
        numeric = _stabilised(shown)
        g = _numeric(numeric)
        dg_z = _numeric(sp.diff(numeric, Z))
    except InvalidInput:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
        # a net under SymPy's own refusals (none known: the fuzz tests look for them)
        raise _reject(text, f"a formula SymPy can differentiate ({type(error).__name__})", "sympy") from None
    _probe(text, g, dg_z)
    return CustomActivation(
        name=CUSTOM_PREFIX + text,
        g=g,
        dg=lambda Z_, A: dg_z(Z_),
        sym=partial(_substituted, _elementary(shown)),
        kinks=kinks(shown, Z, _numeric),
        formula=text,
        shown=shown,
        dshown=dshown,
    )


def samples(act: Activation, low: float = -5.0, high: float = 5.0, n: int = 201):
    r"""z on [low, high] (n points) with g(z) and g'(z), for a plot. Shapes (n,)."""
    if act.dg is None:
        raise ValueError(
            f"act = {act.name!r} is not allowed: g'(z) is plotted for an elementwise activation only"
        )
    z = np.linspace(low, high, n)
    Z_ = z.reshape(-1, 1)  # (n, 1): one sample per row
    A = act.g(Z_)
    return z, A.ravel(), act.dg(Z_, A).ravel()


def _readable(expr: sp.Expr) -> sp.Expr:
    """expr with fractions whose denominator passes 1000 shown as 10-digit decimals."""
    long = {r: sp.Float(r, 10) for r in expr.atoms(sp.Rational) if r.q > 1000}
    return expr.xreplace(long)


def _reject(text: object, why: str, code: str, **fields) -> InvalidInput:
    """The refusal of a formula: ``why`` in English, and ``formula_<code>`` with its fields for the pages."""
    return InvalidInput(FIELD, text, why, code=f"formula_{code}", **fields)


def _checked_text(text: object) -> str:
    """The text with ^ as **, after checking its type, length and characters."""
    if not isinstance(text, str):
        raise _reject(text, ALLOWED, "allowed")
    if not text.strip():
        raise _reject(text, ALLOWED, "allowed")
    if len(text) > MAX_LENGTH:
        raise _reject(
            text,
            f"at most {MAX_LENGTH} characters (this one has {len(text)})",
            "length",
            limit=MAX_LENGTH,
            length=len(text),
        )
    for char in text:
        if char not in ALLOWED_CHARS:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise _reject(
                text,
                f"only ASCII letters, digits, spaces and . + - * / ^ ( ) , (found {name})",
                "char",
                char=name,
            )
    return text.strip().replace("^", "**")


def _parsed(text: str, source: str) -> ast.Expression:
    """The checked text as an expression tree (built only, never compiled to code or run)."""
    try:
        tree = ast.parse(source, filename="<formula>", mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise _reject(text, "a complete formula: " + ALLOWED, "incomplete") from None
    nodes = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if nodes > MAX_NODES:
        raise _reject(
            text,
            f"at most {MAX_NODES} numbers, names and operations (this one has {nodes})",
            "nodes",
            limit=MAX_NODES,
            nodes=nodes,
        )
    return tree


def _build(text: str, node: ast.AST, depth: int) -> sp.Expr:
    """The SymPy expression of one checked node, built from its checked children."""
    if depth > MAX_DEPTH:
        raise _reject(text, f"at most {MAX_DEPTH} levels of nesting", "depth", limit=MAX_DEPTH)
    # a bool is an int too, but True is not a number a student types
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return _literal(text, node.value)
    if isinstance(node, ast.Name):
        if node.id not in CONSTANTS:
            raise _reject(
                text,
                f"the variable z and the constants e and pi (not the name {node.id!r})",
                "name",
                name=node.id,
            )
        return CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _build(text, node.operand, depth + 1)
        return _constant_checked(text, -operand if isinstance(node.op, ast.USub) else operand)
    if isinstance(node, ast.BinOp) and (type(node.op) in _BINARY or isinstance(node.op, ast.Pow)):
        left = _build(text, node.left, depth + 1)
        right = _build(text, node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            _check_power(text, left, right)
            return _constant_checked(text, sp.Pow(left, right))
        return _constant_checked(text, _BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Call):
        return _call(text, node, depth)
    raise _reject(text, f"{ALLOWED} (not {_describe(node)})", "node", node=_describe(node))


def _call(text: str, node: ast.Call, depth: int) -> sp.Expr:
    """A call of an allowed function by its plain name, with the right number of arguments."""
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        called = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
        raise _reject(
            text,
            "only the functions " + ", ".join(FUNCTIONS) + f" (not {called})",
            "function",
            functions=", ".join(FUNCTIONS),
            called=called,
        )
    arity, function = FUNCTIONS[node.func.id]
    if node.keywords or len(node.args) != arity:
        raise _reject(
            text,
            f"{node.func.id} with {arity} argument{'s' if arity > 1 else ''}",
            "arity",
            function=node.func.id,
            arity=arity,
        )
    args = [_build(text, arg, depth + 1) for arg in node.args]
    return _constant_checked(text, function(*args))


def _literal(text: str, value: int | float) -> sp.Expr:
    """A number as an exact SymPy Rational (0.1 is 1/10), within the literal bounds."""
    if not math.isfinite(value) or abs(value) > MAX_LITERAL or 0 < abs(value) < MIN_LITERAL:
        raise _reject(
            text,
            f"numbers from {MIN_LITERAL:g} to {MAX_LITERAL:g} in size (not {value!r})",
            "literal",
            low=f"{MIN_LITERAL:g}",
            high=f"{MAX_LITERAL:g}",
            number=repr(value),
        )
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))


def _check_power(text: str, base: sp.Expr, exponent: sp.Expr) -> None:
    """Refuse power towers and constants too large to compute exactly, before SymPy tries."""
    if not exponent.is_Number:
        return
    if abs(exponent) > MAX_EXPONENT:
        raise _reject(
            text, f"constant exponents from -{MAX_EXPONENT} to {MAX_EXPONENT}", "exponent", limit=MAX_EXPONENT
        )
    if base.is_Rational and base != 0:
        digits = math.log10(max(abs(base.p), base.q))
        if float(abs(exponent)) * digits > MAX_DIGITS:
            raise _reject(text, f"constant powers below 10^{MAX_DIGITS}", "power", digits=MAX_DIGITS)


def _constant_checked(text: str, expr: sp.Expr) -> sp.Expr:
    """expr, unless it is an exact constant too large, or not a finite real number."""
    if expr.is_Rational and max(abs(expr.p), expr.q) >= 10**MAX_DIGITS:
        raise _reject(text, f"constants below 10^{MAX_DIGITS}", "constant", digits=MAX_DIGITS)
    if expr.has(sp.zoo, sp.oo, sp.nan):
        raise _reject(text, "a formula without division by zero or log(0)", "division")
    if expr.has(sp.I) or (expr.is_number and expr.is_extended_real is False):
        raise _reject(text, "a real formula (no square root or log of a negative constant)", "complex")
    return expr


def _describe(node: ast.AST) -> str:
    """A short name for a refused node, for the message."""
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"[:40]
    if isinstance(node, ast.Attribute):
        return "attribute access with ."
    return type(node).__name__


_W = sp.Wild("w")
_STABLE_FORMS = (
    (sp.log(1 + sp.exp(_W)), softplus(_W)),
    (1 / (1 + sp.exp(_W)), sigmoid(-_W)),
)


def _stabilised(expr: sp.Expr) -> sp.Expr:
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


def _elementary(expr: sp.Expr) -> sp.Expr:
    """expr with σ, softplus and |u| written out, so any SymPy code can differentiate it."""
    expr = expr.replace(sigmoid, lambda u: 1 / (1 + sp.exp(-u)))
    expr = expr.replace(softplus, lambda u: sp.log(1 + sp.exp(u)))
    return expr.replace(sp.Abs, lambda u: sp.Piecewise((u, u >= 0), (-u, True)))


def _substituted(expr: sp.Expr, arg):
    """g(arg): the symbol z replaced by the caller's symbol or expression."""
    return expr.xreplace({Z: arg})


def _numeric(expr: sp.Expr):
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


def _probe(text: str, g, dg) -> None:
    """Refuse a formula whose g or g' is not real and finite at every z of PROBE."""
    for label, values in (("g", g(PROBE)), ("g'", dg(PROBE))):
        bad = ~np.isfinite(values)
        if bad.any():
            z = PROBE[np.argmax(bad)]
            raise _reject(
                text,
                f"a formula whose g and g' are real and finite for every z from -20 to 20 "
                f"({label}({z:g}) = {values[np.argmax(bad)]})",
                "probe",
                g=label,
                z=f"{z:g}",
                number=f"{values[np.argmax(bad)]}",
            )
