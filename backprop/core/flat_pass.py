r"""The forward and backward pass of one network shape as straight-line code, generated once.

The backward engine (``backprop.core.backward_engine``) runs its step formulas in a loop,
a Python call per step. For a network shape (activations, loss, reduction) this module
writes those same formulas, ``Formula.line`` of the engine's table, one after another
into the source of one function, with each layer's arrays as plain local names and each
formula in a comment beside its line; ``compile`` turns it into a function once per
shape (``functools.lru_cache``). Nothing of the derivation is written here: each line is
the engine's, its names renamed for the layer (A_prev -> A1, c.act -> act2, ...).

    forward:  Z = dot(A_prev, W); Z += b; A = g(Z)                      (m, n_l)
    backward: ∂L/∂A^(L), then per layer ∂L/∂Z, ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1)  as the engine

The generated pass calls the engine's very functions in the engine's order (NumPy
floats, ``arithmetic.FLOAT``), so its arrays equal the engine's bit for bit; it records
no Step and takes no swapped formula (those stay on the engine). Read the source:

>>> from backprop.core.spec import NetworkSpec
>>> spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))
>>> print(source(spec))  # doctest: +NORMALIZE_WHITESPACE
def forward(Ws, bs, X):
    g1 = (ACTIVATIONS.get('sigmoid') or activation('sigmoid')).g  # g^(1)
    W1, b1 = Ws[0], bs[0]
    Z1 = dot(X, W1)  # Z^(1) = A^(0) W^(1)
    Z1 += b1  # + 1_{m×1} b^(1)ᵀ, by broadcasting
    A1 = g1(Z1)  # A^(1) = sigmoid(Z^(1))
    g2 = (ACTIVATIONS.get('identity') or activation('identity')).g  # g^(2)
    W2, b2 = Ws[1], bs[1]
    Z2 = dot(A1, W2)  # Z^(2) = A^(1) W^(2)
    Z2 += b2  # + 1_{m×1} b^(2)ᵀ, by broadcasting
    A2 = g2(Z2)  # A^(2) = identity(Z^(2))
    return [(Z1, A1), (Z2, A2)]
<BLANKLINE>
def backward_layers(Ws, bs, X, Y, fwd, m):
    (Z1, A1), (Z2, A2) = fwd
    W1, b1 = Ws[0], bs[0]
    W2, b2 = Ws[1], bs[1]
    act1 = ACTIVATIONS.get('sigmoid') or activation('sigmoid')  # g^(1)
    act2 = ACTIVATIONS.get('identity') or activation('identity')  # g^(2)
    losses = LOSSES['mse'].per_sample_in_guard(Z2, A2, Y)  # l_i, one per sample (m,)
    dA2 = ar.loss_dA('mse', A2, Y)  # ∂L/∂A^(2) = ∂l/∂A^(2)
    dZ2 = ar.activation_backward(act2, Z2, A2, dA2)  # ∂L/∂Z^(2) = ∂L/∂A^(2) ⊙ g'(Z^(2))
    dW2 = dot(A1.T, dZ2)  # ∂L/∂W^(2) = A^(1)ᵀ @ ∂L/∂Z^(2)
    db2 = ar.column_sum(dZ2)  # ∂L/∂b^(2) = column sums of ∂L/∂Z^(2)
    dA1 = dot(dZ2, W2.T)  # ∂L/∂A^(1) = ∂L/∂Z^(2) @ W^(2)ᵀ
    dZ1 = ar.activation_backward(act1, Z1, A1, dA1)  # ∂L/∂Z^(1) = ∂L/∂A^(1) ⊙ g'(Z^(1))
    dW1 = dot(X.T, dZ1)  # ∂L/∂W^(1) = A^(0)ᵀ @ ∂L/∂Z^(1)
    db1 = ar.column_sum(dZ1)  # ∂L/∂b^(1) = column sums of ∂L/∂Z^(1)
    dA0 = dot(dZ1, W1.T)  # ∂L/∂A^(0) = ∂L/∂Z^(1) @ W^(1)ᵀ
    return losses, (new_tuple(LayerTrace, (1, X, W1, b1, Z1, A1, dA1, dZ1, dW1, db1, dA0)),
            new_tuple(LayerTrace, (2, A1, W2, b2, Z2, A2, dA2, dZ2, dW2, db2, dA1)))
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from backprop.core.activation_type import ignoring_underflow
from backprop.core.activations import ACTIVATIONS, activation, display_name
from backprop.core.arithmetic import FLOAT
from backprop.core.backward_engine import (
    FORMULAS,
    LAYER_STEPS,
    LINE_NAMES,
    LOSS_START,
    MEAN,
    Formula,
    dz_formula,
)
from backprop.core.backward_records import LayerTrace
from backprop.core.losses import LOSSES

# The forward pass of layer l, one formula a line (statements over A_prev, W, b, Z, A, g).
FORWARD_LINES = (
    ("Z = dot(A_prev, W)", "Z^({l}) = A^({p}) W^({l})"),
    ("Z += b", "+ 1_{{m×1}} b^({l})ᵀ, by broadcasting"),
    ("A = g(Z)", "A^({l}) = {g}(Z^({l}))"),
)
# What the generated code reads besides its arguments and its layers' names.
GLOBALS = {
    **LINE_NAMES,
    "ar": FLOAT,
    "new_tuple": tuple.__new__,
    "LayerTrace": LayerTrace,
    "ACTIVATIONS": ACTIVATIONS,  # read at each call: the registry the engine reads
    "activation": activation,
    "LOSSES": LOSSES,
}
CACHED_SHAPES = 256


def source(spec) -> str:
    """The generated forward and backward pass of ``spec``'s shape, as the Python source compiled."""
    backward = backward_function(spec.activations, spec.loss, spec.reduction)
    return forward_function(spec.activations).source + "\n" + backward.source


@lru_cache(maxsize=CACHED_SHAPES)
def forward_function(activations: tuple[str, ...]):
    r"""forward(Ws, bs, X) -> [(Z^(l), A^(l)) for l = 1..L] for these activations, compiled once.

    Its ``source`` attribute is the text it was compiled from.
    """
    L = len(activations)
    lines = ["def forward(Ws, bs, X):"]
    for l, name in enumerate(activations, 1):
        lines.append(f"    g{l} = ({_registry(name)}).g  # g^({l})")
        lines.append(f"    W{l}, b{l} = Ws[{l - 1}], bs[{l - 1}]")
        for statement, text in FORWARD_LINES:
            shown = text.format(l=l, p=l - 1, g=display_name(name))
            lines.append(f"    {_renamed(statement, _layer_names(l), {})}  # {_comment(shown)}")
    lines.append(f"    return [{', '.join(f'(Z{l}, A{l})' for l in range(1, L + 1))}]")
    return _compiled("\n".join(lines) + "\n", "forward")


@lru_cache(maxsize=CACHED_SHAPES)
def backward_function(activations: tuple[str, ...], loss: str, reduction: str):
    r"""backward_layers(Ws, bs, X, Y, fwd, m) -> (l_i (m,), the LayerTraces 1..L), compiled once.

    ``fwd`` = [(Z^(l), A^(l))]; ``m`` the batch (read under the mean reduction only). It
    runs under np.errstate(under="ignore"), as the engine does. Its ``source`` attribute
    is the text it was compiled from.
    """
    L = len(activations)
    lines = ["def backward_layers(Ws, bs, X, Y, fwd, m):"]
    lines.append(f"    {', '.join(f'(Z{l}, A{l})' for l in range(1, L + 1))}{',' if L == 1 else ''} = fwd")
    lines += [f"    W{l}, b{l} = Ws[{l - 1}], bs[{l - 1}]" for l in range(1, L + 1)]
    lines += [f"    act{l} = {_registry(name)}  # g^({l})" for l, name in enumerate(activations, 1)]
    lines.append(
        f"    losses = LOSSES[{loss!r}].per_sample_in_guard(Z{L}, A{L}, Y)  # l_i, one per sample (m,)"
    )
    mean = reduction == "mean"
    lines += _step_lines(FORMULAS[LOSS_START], L, L, loss, mean)
    for l in range(L, 0, -1):
        act = _activation(activations[l - 1])
        formulas = (dz_formula(loss, act, l, L), *(FORMULAS[k] for k in LAYER_STEPS))
        for formula in formulas:
            lines += _step_lines(formula, l, L, loss, mean)
    traces = [
        f"new_tuple(LayerTrace, ({l}, {_layer_names(l)['A_prev']}, W{l}, b{l}, Z{l}, A{l}, dA{l}, dZ{l}, "
        f"dW{l}, db{l}, dA{l - 1}))"
        for l in range(1, L + 1)
    ]
    joined = ",\n            ".join(traces)
    lines.append(f"    return losses, ({joined}{',' if L == 1 else ''})")
    backward_layers = _compiled("\n".join(lines) + "\n", "backward_layers")
    guarded = ignoring_underflow(backward_layers)  # one np.errstate(under="ignore") for all its lines
    setattr(guarded, "source", backward_layers.source)  # noqa: B010 (a function's own attribute)
    return guarded


def _step_lines(formula: Formula, l: int, L: int, loss: str, mean: bool) -> list[str]:
    """The formula's line for layer l (and its ÷ m under the mean), as assignments with comments."""
    names = _layer_names(l)
    target = names[formula.name]
    context = {"loss": ast.Constant(loss), "Y": ast.Name("Y"), "m": ast.Name("m"), "act": ast.Name(f"act{l}")}
    context |= {"l": ast.Constant(l), "L": ast.Constant(L)}
    if not formula.line:
        raise ValueError(f"the {formula.kind} formula has no line to generate from")
    text = formula.text.format(l=l, p=l - 1)
    out = [f"    {target} = {_renamed(formula.line, names, context)}  # {_comment(text)}"]
    if formula.mean and mean:
        out.append(
            f"    {target} = {_renamed(MEAN.format(result=formula.name), names, context)}  # ÷ m, the mean"
        )
    return out


def _comment(text: str) -> str:
    """``text`` on one line: a comment in generated code must not end early (a custom g is a user's text)."""
    return " ".join(text.splitlines())


def _layer_names(l: int) -> dict[str, str]:
    """Layer l's arrays by the engine's names: A_prev is A^(l-1) (X for layer 1), dA_prev dA^(l-1)."""
    names = {k: f"{k}{l}" for k in ("W", "b", "Z", "A", "dA", "dZ", "dW", "db", "g")}
    return names | {"A_prev": "X" if l == 1 else f"A{l - 1}", "dA_prev": f"dA{l - 1}"}


class _Renamer(ast.NodeTransformer):
    """A line's names as layer l's, and the context's fields (c.loss, c.act, ...) as their values."""

    def __init__(self, names: dict[str, str], context: dict[str, ast.expr]):
        self.names, self.context = names, context

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.names:
            return ast.copy_location(ast.Name(self.names[node.id], node.ctx), node)
        if node.id not in GLOBALS:
            raise ValueError(f"a step line reads {node.id!r}, which the flat pass does not know")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "c":
            if node.attr not in self.context:
                raise ValueError(f"a step line reads c.{node.attr}, which the flat pass does not know")
            return ast.copy_location(self.context[node.attr], node)
        return self.generic_visit(node)


def _renamed(line: str, names: dict[str, str], context: dict[str, ast.expr]) -> str:
    tree = ast.parse(line)
    return ast.unparse(ast.fix_missing_locations(_Renamer(names, context).visit(tree)))


def _activation(name: str):
    return ACTIVATIONS.get(name) or activation(name)


def _registry(name: str) -> str:
    """The activation ``name`` read from the registry at each call, as the engine reads it."""
    return f"ACTIVATIONS.get({name!r}) or activation({name!r})"


def _compiled(text: str, function: str):
    """The function ``function`` defined by ``text``, compiled, with ``text`` as its ``source``."""
    namespace: dict[str, Any] = dict(GLOBALS)
    exec(compile(text, f"<flat {function}>", "exec"), namespace)  # noqa: S102 (lines of our own table)
    compiled = namespace[function]
    compiled.source = text
    return compiled
