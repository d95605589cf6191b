r"""Every string a user sees, in English or Chinese: ``t(key, **fmt)``.

Catalogues live in ``locales/<lang>/<area>.json``, one pair of files per area, keys
namespaced ``<area>.<key>``. Both languages hold the same keys and the same
``{placeholders}`` (tests/test_i18n.py checks it). Mathematics stays as it is.

The language is chosen per session, never per process (one server serves every user):
the URL's ``lang=``, else the sidebar picker, else the browser's ``st.context.locale``,
else English. Outside a Streamlit run (tests, scripts) it is English.

>>> translate("zh", "common.language")
'语言'
>>> translate("en", "common.bad_param", param="m", value="'x'", allowed="1 to 9")
"URL parameter m = 'x' is not allowed (use 1 to 9); the default is used."
"""

from __future__ import annotations

import json
import string
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh")
NAMES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
LOCALES = Path(__file__).with_name("locales")
SESSION_KEY = "_lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of one language, read once from all its area files."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def placeholders(text: str) -> set[str]:
    """The {names} a catalogue string expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def translate(lang: str, key: str, **fmt) -> str:
    r"""The string for ``key`` in ``lang`` (English if missing there; the key itself if missing in both)."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    return text.format(**fmt) if fmt else text


def language_from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh_TW', 'zh' -> 'zh'; anything else -> 'en'."""
    if isinstance(locale, str) and locale.lower().replace("_", "-").split("-")[0] == "zh":
        return "zh"
    return DEFAULT


def current_language() -> str:
    """This session's language: set by ``set_language`` (URL or picker), else the browser's."""
    try:
        import streamlit as st  # noqa: PLC0415 (tests import this module without a run)
        from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

        if get_script_run_ctx(suppress_warning=True) is None:
            return DEFAULT
        lang = st.session_state.get(SESSION_KEY)
        if lang in LANGUAGES:
            return lang
        return language_from_locale(st.context.locale)
    except Exception:  # noqa: BLE001 (a missing context must never break a page)
        return DEFAULT


def set_language(lang: str) -> None:
    """Fix this session's language (called by the sidebar from the URL or the picker)."""
    import streamlit as st  # noqa: PLC0415

    st.session_state[SESSION_KEY] = lang if lang in LANGUAGES else DEFAULT


def t(key: str, **fmt) -> str:
    r"""The string for ``key`` in this session's language, with ``fmt`` put into its placeholders."""
    return translate(current_language(), key, **fmt)
