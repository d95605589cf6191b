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

from backprop.locales import DEFAULT, LANGUAGES, NAMES, catalogue, placeholders, translate

__all__ = ["DEFAULT", "LANGUAGES", "NAMES", "catalogue", "placeholders", "translate", "t"]
SESSION_KEY = "_lang"


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
