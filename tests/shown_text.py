r"""What a page shows a reader, as text, and the two checks the app's wording must pass.

``shown_texts(at)`` walks every element of an AppTest run (text, alerts, widget labels,
options and help, expanders, tabs, tables' headers, charts' titles, axes and names) and
returns ``(where, text)`` pairs. ``prose(text)`` drops what is not prose: math (``$...$``,
``$$...$$``, ``\(...\)``), code spans and blocks, HTML tags, links' targets and URLs.

- ``caret_math(text)``: plain-text math written with carets or underscores in prose
  (``∂L/∂A^(1)``, ``1_(m×1)``, ``Σ_i^m``): it must be typeset (KaTeX or Unicode).
- ``latin_words(text)``: English words in prose, for the Chinese pages; names
  (``NAMES``: SymPy, ReLU, JSON, ...) and single letters (variables) are allowed.

>>> prose("see $W^{(1)}$ and `relu` at https://x.org")
'see   and   at  '
>>> caret_math("∂L/∂A^(1) and 1_(m×1) and Σ_i^m and leaky_relu")
['∂L/∂A^(1)', '1_(m×1)', 'Σ_i^m']
>>> latin_words("梯度 of ReLU 与 W 的 shape")
['of', 'shape']
>>> latin_words(r"$L = \\sum_i l_i \\quad \\text{(squared error)}$")
['squared', 'error']
"""

from __future__ import annotations

import json
import re

from google.protobuf.message import Message

# names a Chinese page may write in Latin letters: software, formats, functions, people
NAMES = {
    "sympy", "numpy", "pytorch", "katex", "latex", "mathjax", "markdown", "json", "csv", "npz",
    "npy", "zip", "xml", "qti", "moodle", "canvas", "jupyter", "python", "github", "pdflatex",
    "xelatex", "relu", "leaky", "tanh", "sigmoid", "softmax", "softplus", "xavier", "he", "mse",
    "bce", "english", "float", "frobenius", "kronecker", "ipynb", "tex", "exp", "log", "max", "min",
}  # fmt: skip

_MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$[^$]+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_TAGS = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.S | re.I)
_LINKS = re.compile(r"\]\([^)]*\)|https?://\S+|www\.\S+|:material/[a-z_]+:|:[a-z]+(?:-badge|-background)?\[")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CARET = re.compile(rf"[^\s{_CJK}]*[\w)\]}}]\s?[\^_]\s?[({{\w][^\s,;:.{_CJK}]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")


def prose(text: str) -> str:
    """``text`` without math, code, HTML tags, link targets and URLs (each replaced by a space)."""
    for pattern in (_CODE, _MATH, _TAGS, _LINKS):
        text = pattern.sub(" ", text)
    return text


def caret_math(text: str) -> list[str]:
    """Carets and underscores used as superscripts and subscripts in prose (identifiers with
    an underscore between two words, like ``leaky_relu``, are names, not math)."""
    found = []
    for match in _CARET.finditer(prose(text)):
        token = match.group().strip("*")  # Markdown's bold around it
        if re.fullmatch(r"[a-z]+(_[a-z]+)+\W*", token) or "^" not in token and "_" not in token:
            continue  # a name such as leaky_relu
        if "*" in token:
            continue  # a formula as typed (z**2, z^3 in 0.5*z*(...)): code, not notation
        found.append(token)
    return found


_TEXT_IN_MATH = re.compile(r"\\(?:text|textrm|textit|textbf|mbox)\s*\{([^{}]*)\}")


def latin_words(text: str) -> list[str]:
    """English words (two letters or more) in prose, or in math's ``\\text{...}``, that are not names."""
    words = prose(text) + " " + " ".join(_TEXT_IN_MATH.findall(text))
    return [w for w in _WORD.findall(words.replace("_", " ")) if w.lower() not in NAMES]


# ---- the text of a run --------------------------------------------------------------------

_VISIBLE = {"body", "label", "help", "placeholder", "options", "caption", "text", "title", "delta"}


def _strings(proto: Message):
    for field, value in proto.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if field.type == field.TYPE_MESSAGE:
                yield from _strings(item)
            elif field.type == field.TYPE_STRING and field.name in _VISIBLE:
                yield field.name, item
            elif field.name == "spec" and field.type == field.TYPE_STRING:
                yield from _figure(item)


def _figure(spec: str):
    """A Plotly figure's visible words: titles, axis titles, annotations, trace names, ticks' text."""
    try:
        figure = json.loads(spec)
    except ValueError:
        return
    layout = figure.get("layout", {})

    def title(node):
        node = node.get("title") if isinstance(node, dict) else None
        return node.get("text") if isinstance(node, dict) else node

    for key, node in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis", "coloraxis", "legend")):
            if isinstance(node, dict) and isinstance(title(node) if key != "title" else title(layout), str):
                yield f"chart {key}", title(node) if key != "title" else title(layout)
            if isinstance(node, dict):
                for tick in node.get("ticktext") or []:
                    yield f"chart {key} tick", str(tick)
    for note in layout.get("annotations", []):
        if isinstance(note.get("text"), str):
            yield "chart annotation", note["text"]
    for trace in figure.get("data", []):
        if isinstance(trace.get("name"), str):
            yield "chart trace", trace["name"]
        bar = (trace.get("colorbar") or trace.get("marker", {}).get("colorbar") or {}) if trace else {}
        if isinstance(title(bar), str):
            yield "chart colorbar", title(bar)


def _nodes(node):
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        yield type(node).__name__, proto
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def shown_texts(at) -> list[tuple[str, str]]:
    """Every (where, text) an AppTest run shows; code and st.latex elements are math or code."""
    found = []
    for kind, proto in _nodes(at._tree):
        if kind in ("Code", "Html"):
            continue
        for field, text in _strings(proto):
            found.append((f"{kind}.{field}", text))
    for frame in [*at.dataframe, *at.table]:
        value = frame.value
        names = [str(c) for c in getattr(value, "columns", []) if c is not None]
        found.extend(("table header", name) for name in names)
    return list(dict.fromkeys(found))
