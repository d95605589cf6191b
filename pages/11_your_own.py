"""Your own network: an activation g(z) typed as a formula, and W, b, X, Y from a file."""

import streamlit as st

from backprop.core.activations import CUSTOM_PREFIX, display_name
from backprop.core.errors import InvalidInput
from backprop.core.formula import EXAMPLES, activation_from_formula, samples
from backprop.core.formula_functions import FUNCTIONS
from backprop.core.formula_grammar import MAX_LENGTH
from backprop.io.upload import MAX_BYTES, load
from backprop.ui import alternatives, changes, plots, sidebar, state, urlparams
from backprop.ui.i18n import message, option, t
from backprop.ui.show import plain

view = sidebar.render("your_own")
spec = view.spec
st.title(t("your_own.title"))
st.caption(t("your_own.intro"))

# ---- an activation by formula ---------------------------------------------------------------

st.header(t("your_own.formula_header"))
st.caption(t("your_own.formula_help", functions=", ".join(FUNCTIONS), limit=MAX_LENGTH))


@st.cache_resource(max_entries=64, show_spinner=False)
def _curves(text: str):
    """The plot of g and g' for one formula, built once per process (Plotly, not per-rerun Altair)."""
    z, g, dg = samples(activation_from_formula(text))
    return plots.activation_curves(z, g, dg)


def _take_example() -> None:
    st.session_state["yo_formula"] = st.session_state["yo_example"]


st.session_state.setdefault("yo_formula", EXAMPLES[0])
st.selectbox(t("your_own.examples"), EXAMPLES, key="yo_example", on_change=_take_example)
formula = st.text_input(t("your_own.formula"), key="yo_formula", max_chars=MAX_LENGTH)

try:
    act = activation_from_formula(formula)
except InvalidInput as error:
    st.error(t("your_own.formula_refused", message=message(error, plain)))
    act = None

if act is not None:
    shown, plotted = st.columns(2)
    g_line, dg_line = act.equations
    shown.latex(g_line)
    shown.latex(dg_line)
    if act.kinks:
        shown.caption(t("your_own.kinks", points=", ".join(f"{k:g}" for k in act.kinks)))
    alternatives.figure(_curves(formula), t("your_own.alt_curves"), key="yo_curves", where=plotted)

    layer = st.selectbox(
        t("your_own.layer"),
        range(1, spec.L + 1),
        key="yo_layer",
        format_func=lambda l: t("your_own.layer_option", l=l, current=option("act", spec.activations[l - 1])),
    )
    if st.button(t("your_own.use_formula", l=layer), key="yo_use_formula"):
        try:
            new, note = changes.apply_change(spec, f"act{layer}", CUSTOM_PREFIX + formula.strip())
        except InvalidInput as error:
            st.error(t("your_own.formula_refused", message=message(error, plain)))
        else:
            if note:
                state.notify(("info", t(note, loss=new.loss, output=new.activations[-1])))
            state.notify(("success", t("your_own.formula_used", l=layer)))
            state.set_spec(new, keep_arrays=True)
            st.rerun()

# ---- weights and data from a file -----------------------------------------------------------

st.header(t("your_own.upload_header"))
st.caption(t("your_own.upload_help", limit=MAX_BYTES // 2**20))
# Streamlit writes its uploader's button and limit line in English whatever the language. The
# caption above gives the limit and the formats in the reader's language, so the limit line is
# hidden; in 中文 the button reads your_own.upload_button (tests/app/test_your_own_page.py
# checks this literal against the catalogue). Streamlit's word stays in the button at size 0,
# so the button keeps a name for screen readers that skip generated content.
st.html(
    "<style>"
    "[class*='st-key-yo_upload_'] [data-testid='stFileUploaderDropzoneInstructions'] { display: none; }"
    ".st-key-yo_upload_zh [data-testid='stFileUploaderDropzone'] button p { font-size: 0; }"
    ".st-key-yo_upload_zh [data-testid='stFileUploaderDropzone'] button"
    " [data-testid='stMarkdownContainer']::after { content: '上传'; }"
    "</style>"
)
with st.container(key=f"yo_upload_{view.lang}"):
    files = st.file_uploader(
        t("your_own.upload"), type=["npz", "zip", "csv", "json"], accept_multiple_files=True, key="yo_files"
    )


def _parsed(files) -> tuple:
    """(Upload, spec, None) or (None, None, refusal), parsed once per set of files in this session."""
    key = tuple((f.file_id, f.name, f.size) for f in files)
    cached = st.session_state.get("yo_parsed")
    if cached is None or cached[0] != key:
        try:
            upload = load([(f.name, f.getvalue()) for f in files])
            result = (upload, upload.spec(spec), None)
        except InvalidInput as error:
            result = (None, None, error)  # shown in the reader's language, from its code
        st.session_state["yo_parsed"] = cached = (key, result)
    return cached[1]


if files:
    upload, new, refusal = _parsed(files)
    if refusal is not None:
        st.error(t("your_own.upload_refused", message=message(refusal, plain)))
    elif max(new.sizes) > urlparams.UI_MAX_WIDTH or new.batch > urlparams.UI_MAX_BATCH:
        st.error(t("your_own.too_big", width=urlparams.UI_MAX_WIDTH, batch=urlparams.UI_MAX_BATCH))
    else:
        sizes = ", ".join(str(n) for n in new.sizes)
        data = t("your_own.with_data", m=new.batch) if upload.X is not None else t("your_own.without_data")
        st.info(t("your_own.upload_found", sizes=sizes, layers=new.L, data=data))
        st.caption(
            t(
                "your_own.upload_config",
                activations=", ".join(map(display_name, new.activations)),
                loss=new.loss,
            )
        )
        if st.button(t("your_own.use_upload"), key="yo_use_upload"):
            try:
                state.set_network(new, upload.params, upload.X, upload.Y)
            except InvalidInput as error:
                st.error(t("your_own.upload_refused", message=message(error, plain)))
            else:
                state.notify(("success", t("your_own.upload_used", sizes=sizes)))
                st.rerun()
