r"""Every string a user sees, in English and Chinese: the catalogues and ``translate``.

Catalogues live in ``backprop/locales/<lang>/<area>.json``, one pair of files per area,
keys namespaced ``<area>.<key>``. Both languages hold the same keys and the same
``{placeholders}`` (tests/test_i18n.py checks it). A string with placeholders is a
``str.format`` template, so the braces of its ``$...$`` math are doubled
(``$W^{{({l})}}$``); one without is shown as written (``$W^{(l)}$``). Mathematics is
written as KaTeX math (or Unicode), never as plain text with carets. The app
(``backprop.ui.i18n.t``) and the exports read the same catalogues.

>>> translate("zh", "common.language")
'语言'
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path

from backprop.core.errors import short

LANGUAGES = ("en", "zh")
NAMES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
LOCALES = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of one language, read once from all its area files."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


# a brace group of math: a script's, a command's argument, or a command's next argument
_MATH_GROUP = re.compile(r"(?:(?<=[_^}])|\\[A-Za-z]+)\{(?!\{)[^{}]*\}")


def placeholders(text: str) -> set[str]:
    r"""The {names} a catalogue string expects; math's own braces (``z_{sj}``, ``A^{(l)}``) are not names.

    >>> sorted(placeholders(r"layer {layer}: $z_{sj} \in \mathbb{R}$")), sorted(placeholders("$W^{{({l})}}$"))
    (['layer'], ['l'])
    """
    while (bare := _MATH_GROUP.sub("", text)) != text:  # innermost first: \frac{x_{i}}{y}
        text = bare
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:  # single braces nested in math: shown as written, never formatted
        return set()
    return {name for name in fields if name.isidentifier()}


def translate(lang: str, key: str, **fmt) -> str:
    r"""The string for ``key`` in ``lang`` (English if missing there; the key itself if missing in both).

    >>> translate("en", "common.width", k=2)
    'Width $n_{2}$'
    """
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    return text.format(**fmt) if fmt else text


def option_name(lang: str, kind: str, value: str) -> str:
    r"""A choice (kind: act, loss, reduction, init) as a reader sees it: ``common.<kind>_<value>``.

    A custom activation is shown by its formula, anything else unknown as it is.

    >>> option_name("zh", "reduction", "sum"), option_name("zh", "act", "custom:z**2")
    ('求和', 'z**2')
    """
    if kind == "act" and value.startswith("custom:"):
        return value.removeprefix("custom:")
    key = f"common.{kind}_{value}"
    return translate(lang, key) if key in catalogue(DEFAULT) else value


def error_text(lang: str, error, quote=None) -> str:
    r"""An InvalidInput in ``lang``: its ``errors.<code>`` filled with its fields, else its English sentence.

    The sentence is made from the code and the fields, never translated from the English.
    ``value`` is the refused value, quoted by ``quote`` (default: a Markdown code span, so
    that user text in it is shown, never formatted or linked).

    >>> from backprop.core.errors import InvalidInput
    >>> error_text("zh", InvalidInput("loss", "bce", "mse", code="exact_loss", loss="bce"))
    '精确值（手算模式）只支持平方误差损失；这个网络用的是“二元交叉熵（bce）”。'
    >>> error_text("en", InvalidInput("activation formula", "z+", "...", code="formula_incomplete"))
    "The formula `'z+'` is refused: it is not a complete formula."
    """
    code = getattr(error, "code", "")
    key = f"errors.{code}"
    if code and key in catalogue(lang):
        fields = {
            name: option_name(lang, name, value) if name in _OPTIONS and isinstance(value, str) else value
            for name, value in error.fields.items()
        }
        value = (quote or code_span)(short(error.value))
        return translate(lang, key, value=value, **fields)
    return str(error)


def code_span(text: str) -> str:
    """text as a Markdown code span, its fence longer than any run of backticks inside."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in "` " or text[-1:] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_OPTIONS = ("loss", "reduction", "init")  # fields a refusal names as the pickers do
