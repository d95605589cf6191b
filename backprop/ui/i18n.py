r"""Every string a user sees, in English or Chinese: ``t(key, **fmt)``.

The catalogues and ``translate`` live in ``backprop.locales`` (the exports read them
too, without the UI); this module adds the session's language.

The language is chosen per session, never per process (one server serves every user):
the URL's ``lang=``, else the sidebar picker, else the browser's ``st.context.locale``,
else English. Outside a Streamlit run (tests, scripts) it is English.

>>> translate("zh", "common.language")
'语言'
>>> translate("en", "common.bad_param", param="m", value="'x'", allowed="1 to 9")
"URL parameter m = 'x' is not allowed (use 1 to 9); the default is used."
"""

from __future__ import annotations

from collections.abc import Callable

from backprop.locales import (
    DEFAULT,
    LANGUAGES,
    NAMES,
    catalogue,
    code_span,
    error_text,
    option_name,
    placeholders,
    translate,
)

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "NAMES",
    "catalogue",
    "message",
    "option",
    "placeholders",
    "translate",
    "t",
]
SESSION_KEY = "_lang"
RUN_MEMO = "_backprop_language"  # on the run's context: (that run's cursors dict, its language)


def language_from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh_TW', 'zh' -> 'zh'; anything else -> 'en'."""
    if isinstance(locale, str) and locale.lower().replace("_", "-").split("-")[0] == "zh":
        return "zh"
    return DEFAULT


def _run_context():
    """The Streamlit script run of this thread, or None (tests, scripts, bare mode)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

        return get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 (a missing runtime must never break a page)
        return None


def _session_language() -> str:
    """The language from the session state (URL or picker), else from the browser's locale."""
    try:
        import streamlit as st  # noqa: PLC0415 (tests import this module without a run)

        lang = st.session_state.get(SESSION_KEY)
        if lang in LANGUAGES:
            return lang
        return language_from_locale(st.context.locale)
    except Exception:  # noqa: BLE001 (a missing context must never break a page)
        return DEFAULT


def current_language() -> str:
    """This session's language: set by ``set_language`` (URL or picker), else the browser's.

    Looked up once per script run: a page calls ``t`` hundreds of times a run, and reading
    the session state each time cost the notes page about a sixth of its rerun. The memo
    sits on the run's context next to that run's ``cursors`` dict, which Streamlit replaces
    at the start of every run, so a new run (or ``set_language``) looks the language up again.
    """
    ctx = _run_context()
    if ctx is None:
        return DEFAULT
    memo = getattr(ctx, RUN_MEMO, None)
    if memo is not None and memo[0] is ctx.cursors:
        return memo[1]
    lang = _session_language()
    setattr(ctx, RUN_MEMO, (ctx.cursors, lang))
    return lang


def set_language(lang: str) -> None:
    """Fix this session's language (called by the sidebar from the URL or the picker)."""
    import streamlit as st  # noqa: PLC0415

    st.session_state[SESSION_KEY] = lang if lang in LANGUAGES else DEFAULT
    ctx = _run_context()
    if ctx is not None:
        setattr(ctx, RUN_MEMO, None)  # the rest of this run speaks the new language


def t(key: str, **fmt) -> str:
    r"""The string for ``key`` in this session's language, with ``fmt`` put into its placeholders."""
    return translate(current_language(), key, **fmt)


def sentences(*texts: str) -> str:
    r"""Sentences one after another as the language writes them: a space between in English, none in 中文."""
    return ("" if current_language() == "zh" else " ").join(text for text in texts if text)


def option(kind: str, value: str) -> str:
    r"""A choice as a picker shows it, in this session's language (``backprop.locales.option_name``)."""
    return option_name(current_language(), kind, value)


def message(error: Exception, quote: Callable[[str], str] = code_span) -> str:
    r"""A refusal as Markdown in this session's language: an InvalidInput by its code and fields.

    User text (the refused value, or the whole sentence of a refusal without a code) goes
    through ``quote``: a code span, so it is never formatted, linked or typeset (pages
    quoting what a user typed pass ``show.plain``, which also shows invisible characters).
    """
    if getattr(error, "code", ""):
        return error_text(current_language(), error, quote=quote)
    return quote(str(error))
