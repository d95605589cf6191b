r"""Every symbol a student sees, printed in one place: A, W, b, Z, g, (l), ∂L/∂x, ᵀ, ⊙, 1, indices.

The notes' notation, one form each (KaTeX reads every string):

- a layer quantity carries its layer as a superscript in parentheses: ``W^{(2)}``, ``A^{(l-1)}``;
- the transpose is the notes' upright T, ``\mathrm{T}``, and no other sign;
- a derivative of the loss is ``\frac{\partial L}{\partial x}`` (one fraction form, on every page);
- the element-wise product is ``\odot``; the column of ones is ``\mathbf{1}_{m \times 1}``;
- indices are 0-based in code (NumPy's) and 1-based on screen; when one of them has two
  digits a comma separates them (``w_{10,3}``), otherwise none does (``w_{13}``);
- an entry writes its subscript first, then its layer: ``w_{ij}^{(l)}``.

``bold=True`` gives the notes' bold matrices and vectors (``\mathbf{W}``, ``\boldsymbol{b}``)
that the notes page uses; the numeric pages use plain letters.

>>> grad("W", 2)
'\\frac{\\partial L}{\\partial W^{(2)}}'
>>> transpose(sup("A", 0))
'{A^{(0)}}^{\\mathrm{T}}'
>>> entry("w", 1, 0, 1)
'w_{12}^{(1)}'
"""

from __future__ import annotations

TRANSPOSE = r"\mathrm{T}"
HADAMARD = r"\odot"
LOSS = "L"
BIG = r"\Big"


def layer_tag(l: int | str) -> str:
    """The layer superscript's content: 2 -> '(2)', 'l-1' -> '(l-1)'."""
    return f"({l})"


def bold(name: str) -> str:
    r"""The notes' bold symbol: a matrix upright bold (\mathbf{W}), a vector italic bold (\boldsymbol{b})."""
    return f"\\mathbf{{{name}}}" if name[:1].isupper() else f"\\boldsymbol{{{name}}}"


def sup(name: str, l: int | str, bold_symbol: bool = False) -> str:
    """A layer quantity: sup('W', 2) -> 'W^{(2)}'; sup('A', 'l-1', True) -> '\\mathbf{A}^{(l-1)}'."""
    base = bold(name) if bold_symbol else name
    return f"{base}^{{{layer_tag(l)}}}"


def _single(tex: str) -> bool:
    """Whether ``tex`` is one symbol with no superscript, so ^{T} can follow it unbraced."""
    if len(tex) == 1:
        return True
    for command in ("\\mathbf{", "\\boldsymbol{"):
        if tex.startswith(command) and tex.endswith("}") and "^" not in tex and " " not in tex:
            return True
    return False


def transpose(tex: str) -> str:
    r"""tex with the transpose sign, braced when tex has a superscript: {W^{(2)}}^{\mathrm{T}}.

    >>> transpose("A"), transpose(r"\mathbf{1}_{m \times 1}")
    ('A^{\\mathrm{T}}', '{\\mathbf{1}_{m \\times 1}}^{\\mathrm{T}}')
    """
    body = tex if _single(tex) else f"{{{tex}}}"
    return f"{body}^{{{TRANSPOSE}}}"


def paren_transpose(tex: str, big: str = r"\left") -> str:
    r"""(tex)ᵀ with sized parentheses: \left(tex\right)^{\mathrm{T}}; big may be \big, \Big, \left or ""."""
    close = r"\right" if big == r"\left" else big
    return f"{big}({tex}{close})^{{{TRANSPOSE}}}"


def entry_of(tex: str, *index: int) -> str:
    r"""Entry ``index`` (0-based, shown 1-based) of the matrix ``tex``, bracketed unless one symbol.

    >>> entry_of("A", 0, 1), entry_of(grad("A", 2), 0, 0)
    ('A_{12}', '\\left(\\frac{\\partial L}{\\partial A^{(2)}}\\right)_{11}')
    """
    body = tex if _single(tex) else rf"\left({tex}\right)"
    return f"{body}_{{{idx(*index)}}}"


def partial(tex: str, of: str = LOSS) -> str:
    r"""∂L/∂x as a fraction: partial('z_{st}') -> '\frac{\partial L}{\partial z_{st}}'."""
    return f"\\frac{{\\partial {of}}}{{\\partial {tex}}}"


def grad(name: str, l: int | str | None = None, bold_symbol: bool = False) -> str:
    r"""∂L/∂name^(l): grad('W', 2) -> '\frac{\partial L}{\partial W^{(2)}}' (no layer if l is None)."""
    if l is None:
        return partial(bold(name) if bold_symbol else name)
    return partial(sup(name, l, bold_symbol))


def idx(*indices: int) -> str:
    r"""1-based subscript from 0-based indices: (0, 1) -> '12'; (9, 0) -> '10,1'."""
    shown = [str(i + 1) for i in indices]
    return ("," if any(len(s) > 1 for s in shown) else "").join(shown)


def entry(letter: str, l: int | str | None, *index: int) -> str:
    r"""One entry, 0-based index shown 1-based: entry('w', 1, 0, 1) -> 'w_{12}^{(1)}'."""
    return indexed(letter, idx(*index), l)


def indexed(letter: str, sub: str, l: int | str | None = None) -> str:
    r"""An entry with a written subscript: indexed('w', 'ij', 'l') -> 'w_{ij}^{(l)}'; no layer if None."""
    tail = "" if l is None else f"^{{{layer_tag(l)}}}"
    return f"{letter}_{{{sub}}}{tail}"


ONE = r"\mathbf{1}"  # a column of ones whose length the context gives


def ones(rows: int | str = "m", cols: int | str = 1) -> str:
    r"""The column of ones that broadcasts b: \mathbf{1}_{m \times 1}."""
    return f"\\mathbf{{1}}_{{{rows} \\times {cols}}}"


def hadamard(left: str, right: str) -> str:
    r"""The element-wise product left ⊙ right."""
    return f"{left} {HADAMARD} {right}"


def g(l: int | str, arg: str | None = None) -> str:
    r"""The activation of layer l, optionally applied: g('l', 'Z^{(l)}') -> 'g^{(l)}\big(Z^{(l)}\big)'."""
    head = f"g^{{{layer_tag(l)}}}"
    return head if arg is None else f"{head}\\big({arg}\\big)"


def g_prime(l: int | str, arg: str | None = None) -> str:
    r"""The activation's derivative of layer l: g^{(l)\prime}, optionally applied to arg."""
    head = f"g^{{{layer_tag(l)}\\prime}}"
    return head if arg is None else f"{head}\\big({arg}\\big)"


def activation_shown(name: str) -> str:
    r"""An activation as Markdown for a sentence: a built-in by its name as code, a custom one by its formula.

    >>> activation_shown("relu"), activation_shown("custom:z*sigmoid(z)")
    ('`relu`', '$g(z) = \\frac{z}{1 + e^{- z}}$')
    """
    if not name.startswith("custom:"):
        return f"`{name}`"
    import sympy as sp  # noqa: PLC0415 (the symbols above stay free of SymPy)

    from backprop.core.activations import activation  # noqa: PLC0415

    z = sp.Symbol("z")
    return f"$g(z) = {sp.latex(activation(name).sym(z))}$"


# the notes' general-layer formulas, read by the numeric pages, the notes walk and the exports
def dW_product(l: int | str = "l", bold_symbol: bool = False) -> str:
    r"""A^(l-1)ᵀ ∂L/∂Z^(l), the right side of ∂L/∂W^(l)."""
    return f"{transpose(sup('A', _prev(l), bold_symbol))}\\, {grad('Z', l, bold_symbol)}"


def db_product(l: int | str = "l", bold_symbol: bool = False, rows: int | str = "m") -> str:
    r"""(1_{m×1}ᵀ ∂L/∂Z^(l))ᵀ, the right side of ∂L/∂b^(l)."""
    return paren_transpose(f"{transpose(ones(rows))}\\, {grad('Z', l, bold_symbol)}", BIG)


def dA_prev_product(l: int | str = "l", bold_symbol: bool = False) -> str:
    r"""∂L/∂Z^(l) W^(l)ᵀ, the right side of ∂L/∂A^(l-1)."""
    return f"{grad('Z', l, bold_symbol)}\\, {transpose(sup('W', l, bold_symbol))}"


def forward_sum(l: int | str = "l", bold_symbol: bool = False, rows: int | str = "m") -> str:
    r"""A^(l-1) W^(l) + 1_{m×1} b^(l)ᵀ, the right side of Z^(l)."""
    A, W = sup("A", _prev(l), bold_symbol), sup("W", l, bold_symbol)
    return f"{A} {W} + {ones(rows)}\\, {transpose(sup('b', l, bold_symbol))}"


def dW_formula(l: int | str = "l", bold_symbol: bool = False) -> str:
    r"""∂L/∂W^(l) = A^(l-1)ᵀ ∂L/∂Z^(l)."""
    return f"{grad('W', l, bold_symbol)} = {dW_product(l, bold_symbol)}"


def db_formula(l: int | str = "l", bold_symbol: bool = False, rows: int | str = "m") -> str:
    r"""∂L/∂b^(l) = (1_{m×1}ᵀ ∂L/∂Z^(l))ᵀ."""
    return f"{grad('b', l, bold_symbol)} = {db_product(l, bold_symbol, rows)}"


def dA_prev_formula(l: int | str = "l", bold_symbol: bool = False) -> str:
    r"""∂L/∂A^(l-1) = ∂L/∂Z^(l) W^(l)ᵀ."""
    return f"{grad('A', _prev(l), bold_symbol)} = {dA_prev_product(l, bold_symbol)}"


def dZ_formula(l: int | str = "l", bold_symbol: bool = False) -> str:
    r"""∂L/∂Z^(l) = ∂L/∂A^(l) ⊙ g'(Z^(l))."""
    rhs = hadamard(grad("A", l, bold_symbol), g_prime(l, sup("Z", l, bold_symbol)))
    return f"{grad('Z', l, bold_symbol)} = {rhs}"


def forward_formula(l: int | str = "l", bold_symbol: bool = False, rows: int | str = "m") -> str:
    r"""Z^(l) = A^(l-1) W^(l) + 1_{m×1} b^(l)ᵀ."""
    return f"{sup('Z', l, bold_symbol)} = {forward_sum(l, bold_symbol, rows)}"


def _prev(l: int | str) -> int | str:
    """The layer before l: 3 -> 2, 'l' -> 'l-1', 'L' -> 'L-1'."""
    return l - 1 if isinstance(l, int) else f"{l}-1"


# ---- the same symbols as plain Unicode text, for the diagrams' and charts' labels (no LaTeX there)

TRANSPOSE_TEXT = "ᵀ"
HADAMARD_TEXT = "⊙"
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()-+l", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁺ˡ")


def sub_text(*indices: int) -> str:
    """Unicode subscript of 1-based indices: sub_text(2, 1) = '₂₁', sub_text(12, 3) = '₁₂,₃'."""
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i).translate(_SUB) for i in indices)


def layer_text(l: int | str) -> str:
    """The layer superscript as Unicode: 2 -> '⁽²⁾', 'l-1' -> '⁽ˡ⁻¹⁾'."""
    return layer_tag(l).translate(_SUP)


def grad_text(name: str, l: int | str | None = None) -> str:
    """∂L/∂name with its layer as Unicode: grad_text('W', 1) = '∂L/∂W⁽¹⁾'."""
    return f"∂{LOSS}/∂{name}" + ("" if l is None else layer_text(l))


def transpose_text(text: str) -> str:
    """text with the transpose sign as Unicode: 'A⁽¹⁾ᵀ'."""
    return text + TRANSPOSE_TEXT
