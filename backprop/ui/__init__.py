r"""The app's presentation layer: may import streamlit and plotly; the core never imports it.

- ``registry``: the page table (scripts in pages/, URL paths, icons, titles) app.py routes with.
- ``sidebar.render(page) -> View``: the call every page makes first (see its docstring).
- ``state``: the session's network <-> URL query parameters; page parameters in the URL.
- ``i18n.t(key, **fmt)``: every user-visible string, English or Chinese.
- ``urlparams``, ``changes``, ``editing``, ``cache``: parsing, validation, edits, caching.
"""
