r"""The grammar of a custom activation: which text is a formula, checked node by node over ``ast``.

The text is never given to ``eval``, ``sympify`` or ``parse_expr`` (all three execute
Python). ``checked_text`` checks its type, length and characters, ``parsed`` gives it to
``ast.parse`` (which only builds a tree) and counts the nodes, and ``build`` turns every
node into SymPy only after checking it against a short allow-list.

Allowed: numbers, the variable z, the constants e and pi, + - * / ** (or ^), unary
minus, parentheses and the functions of ``FUNCTIONS``. Bounded: ``MAX_LENGTH``
characters, ``MAX_DEPTH`` levels, ``MAX_NODES`` nodes, literals up to ``MAX_LITERAL``,
constant exponents up to ``MAX_EXPONENT``, every exact constant below 10^``MAX_DIGITS``.
Every refusal is ``reject``'s InvalidInput, with the code ``formula_<what>``.

>>> build("2^z", parsed("2^z", checked_text("2^z")).body, 1)
2**z
"""

from __future__ import annotations

import ast
import math
import unicodedata

import sympy as sp

from backprop.core.errors import InvalidInput
from backprop.core.formula_functions import CONSTANTS, FUNCTIONS

FIELD = "activation formula"
MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_NODES = 60
MAX_LITERAL = 1e6
MIN_LITERAL = 1e-12
MAX_EXPONENT = 64
MAX_DIGITS = 100
ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .+-*/^(),")
ALLOWED = (
    f"a formula in z of at most {MAX_LENGTH} characters made of numbers, z, e, pi, "
    "+ - * / ** (or ^), parentheses and the functions "
    + ", ".join(FUNCTIONS)
    + " (max and min take two arguments), for example z*sigmoid(z)"
)
_BINARY = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b}


def reject(text: object, why: str, code: str, **fields) -> InvalidInput:
    """The refusal of a formula: ``why`` in English, and ``formula_<code>`` with its fields for the pages."""
    return InvalidInput(FIELD, text, why, code=f"formula_{code}", **fields)


def checked_text(text: object) -> str:
    """The text with ^ as **, after checking its type, length and characters."""
    if not isinstance(text, str):
        raise reject(text, ALLOWED, "allowed")
    if not text.strip():
        raise reject(text, ALLOWED, "allowed")
    if len(text) > MAX_LENGTH:
        raise reject(
            text,
            f"at most {MAX_LENGTH} characters (this one has {len(text)})",
            "length",
            limit=MAX_LENGTH,
            length=len(text),
        )
    for char in text:
        if char not in ALLOWED_CHARS:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise reject(
                text,
                f"only ASCII letters, digits, spaces and . + - * / ^ ( ) , (found {name})",
                "char",
                char=name,
            )
    return text.strip().replace("^", "**")


def parsed(text: str, source: str) -> ast.Expression:
    """The checked text as an expression tree (built only, never compiled to code or run)."""
    try:
        tree = ast.parse(source, filename="<formula>", mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise reject(text, "a complete formula: " + ALLOWED, "incomplete") from None
    nodes = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if nodes > MAX_NODES:
        raise reject(
            text,
            f"at most {MAX_NODES} numbers, names and operations (this one has {nodes})",
            "nodes",
            limit=MAX_NODES,
            nodes=nodes,
        )
    return tree


def build(text: str, node: ast.AST, depth: int) -> sp.Expr:
    """The SymPy expression of one checked node, built from its checked children."""
    if depth > MAX_DEPTH:
        raise reject(text, f"at most {MAX_DEPTH} levels of nesting", "depth", limit=MAX_DEPTH)
    # a bool is an int too, but True is not a number a student types
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return _literal(text, node.value)
    if isinstance(node, ast.Name):
        if node.id not in CONSTANTS:
            raise reject(
                text,
                f"the variable z and the constants e and pi (not the name {node.id!r})",
                "name",
                name=node.id,
            )
        return CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = build(text, node.operand, depth + 1)
        return _constant_checked(text, -operand if isinstance(node.op, ast.USub) else operand)
    if isinstance(node, ast.BinOp) and (type(node.op) in _BINARY or isinstance(node.op, ast.Pow)):
        left = build(text, node.left, depth + 1)
        right = build(text, node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            _check_power(text, left, right)
            return _constant_checked(text, sp.Pow(left, right))
        return _constant_checked(text, _BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Call):
        return _call(text, node, depth)
    raise reject(text, f"{ALLOWED} (not {_describe(node)})", "node", node=_describe(node))


def _call(text: str, node: ast.Call, depth: int) -> sp.Expr:
    """A call of an allowed function by its plain name, with the right number of arguments."""
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        called = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
        raise reject(
            text,
            "only the functions " + ", ".join(FUNCTIONS) + f" (not {called})",
            "function",
            functions=", ".join(FUNCTIONS),
            called=called,
        )
    arity, function = FUNCTIONS[node.func.id]
    if node.keywords or len(node.args) != arity:
        raise reject(
            text,
            f"{node.func.id} with {arity} argument{'s' if arity > 1 else ''}",
            "arity",
            function=node.func.id,
            arity=arity,
        )
    args = [build(text, arg, depth + 1) for arg in node.args]
    return _constant_checked(text, function(*args))


def _literal(text: str, value: int | float) -> sp.Expr:
    """A number as an exact SymPy Rational (0.1 is 1/10), within the literal bounds."""
    if not math.isfinite(value) or abs(value) > MAX_LITERAL or 0 < abs(value) < MIN_LITERAL:
        raise reject(
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
        raise reject(
            text, f"constant exponents from -{MAX_EXPONENT} to {MAX_EXPONENT}", "exponent", limit=MAX_EXPONENT
        )
    if base.is_Rational and base != 0:
        digits = math.log10(max(abs(base.p), base.q))
        if float(abs(exponent)) * digits > MAX_DIGITS:
            raise reject(text, f"constant powers below 10^{MAX_DIGITS}", "power", digits=MAX_DIGITS)


def _constant_checked(text: str, expr: sp.Expr) -> sp.Expr:
    """expr, unless it is an exact constant too large, or not a finite real number."""
    if expr.is_Rational and max(abs(expr.p), expr.q) >= 10**MAX_DIGITS:
        raise reject(text, f"constants below 10^{MAX_DIGITS}", "constant", digits=MAX_DIGITS)
    if expr.has(sp.zoo, sp.oo, sp.nan):
        raise reject(text, "a formula without division by zero or log(0)", "division")
    if expr.has(sp.I) or (expr.is_number and expr.is_extended_real is False):
        raise reject(text, "a real formula (no square root or log of a negative constant)", "complex")
    return expr


def _describe(node: ast.AST) -> str:
    """A short name for a refused node, for the message."""
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"[:40]
    if isinstance(node, ast.Attribute):
        return "attribute access with ."
    return type(node).__name__
