"""Exports: every matrix (JSON, CSV, npz), the derivation, a NumPy notebook, a worksheet and its key,
and the practice page's exercise set for Moodle (XML) and Canvas (QTI 2.1)."""

import streamlit as st

from backprop.core.spec import MAX_SEED
from backprop.io.export import FORMATS, Practice, export, problem
from backprop.io.export.cli import command_line
from backprop.ui import page, state
from backprop.ui.i18n import LANGUAGES, NAMES, message, t

GROUPS = (
    ("arrays", ("json", "csv", "npz")),
    ("derivation", ("derivation-tex", "derivation-md")),
    ("notebook", ("notebook",)),
    ("worksheet", ("worksheet-tex", "worksheet-md", "key-tex", "key-md")),
)

view = page.start("export", area="export")
exact = page.exact_choice(view.spec, "export", key="ex_numbers")
forward_given = st.checkbox(t("export.forward_given"), key="ex_forward_given")
trace = view.trace

for group, names in GROUPS:
    st.subheader(t(f"export.group_{group}"))
    st.caption(t(f"export.about_{group}"))
    columns = st.columns(len(names))
    for column, name in zip(columns, names):
        fmt = FORMATS[name]
        why = problem(trace, name, exact)
        if why is not None:
            column.caption(t("export.unavailable", name=fmt.filename, reason=message(why)))
            continue
        column.download_button(
            t(f"export.format_{name}"),
            data=lambda name=name: export(
                trace, name, exact=exact, forward_given=forward_given, lang=view.lang
            ),
            file_name=fmt.filename,
            mime=fmt.mime,
            key=f"ex_{name}",
            on_click="ignore",
            width="stretch",
        )

st.subheader(t("export.group_lms"))
st.caption(t("export.about_lms"))
set_col, lang_col, net_col = st.columns([1, 1, 2])
practice_seed = set_col.number_input(t("export.lms_set"), 0, MAX_SEED, 1, step=1, key="ex_lms_set")
practice_lang = lang_col.selectbox(
    t("export.lms_lang"),
    LANGUAGES,
    index=LANGUAGES.index(view.lang),
    format_func=NAMES.get,
    key="ex_lms_lang",
)
source = net_col.radio(
    t("practice.source"),
    ("random", "current"),
    format_func=lambda s: t(f"practice.source_{s}"),
    key="ex_lms_net",
    horizontal=True,
)
practice = Practice(int(practice_seed), practice_lang, source == "current")
for column, name in zip(st.columns(2), ("moodle-xml", "qti")):
    fmt = FORMATS[name]
    why = problem(trace, name, practice=practice)
    if why is not None:
        column.caption(t("export.unavailable", name=fmt.filename, reason=message(why)))
        continue
    column.download_button(
        t(f"export.format_{name}"),
        data=lambda name=name: export(trace, name, practice=practice),
        file_name=f"set-{practice.seed}-{practice.lang}-{fmt.filename}",
        mime=fmt.mime,
        key=f"ex_{name}",
        on_click="ignore",
        width="stretch",
    )

if problem(trace, "worksheet-md", exact) is None:
    with st.expander(t("export.preview")):
        sheet, key = st.tabs([t("export.preview_sheet"), t("export.preview_key")])
        sheet.markdown(
            export(trace, "worksheet-md", exact=exact, forward_given=forward_given, lang=view.lang).decode(
                "utf-8"
            )
        )
        key.markdown(export(trace, "key-md", exact=exact, lang=view.lang).decode("utf-8"))

st.subheader(t("export.cli"))
st.caption(t("export.cli_note"))
st.code(
    command_line(view.spec, exact=exact, lang=view.lang), language="bash", wrap_lines=True
)  # no scroll region for keyboards
if state.arrays():
    st.caption(t("export.cli_edited"))
