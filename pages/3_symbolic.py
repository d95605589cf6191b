"""Symbolic derivation: SymPy's gradient of any entry of the whole network, beside its value."""

import streamlit as st

from backprop.ui import explorer, results, show, sidebar, state
from backprop.ui.i18n import t

VARIABLES = ("W", "b", "A_prev")

st.set_page_config(page_title="Symbolic derivation", layout="wide")
view = sidebar.render("symbolic")
spec, trace = view.spec, view.trace
st.title(t("symbolic.title"))
st.caption(t("symbolic.intro"))

st.header(t("symbolic.entry_title"))
l = state.url_choice(
    t("symbolic.layer"),
    show.one_based(spec.L),
    key="sy_layer",
    param="sy_layer",
    widget="radio",
    horizontal=True,
)
names = {"W": f"W^({l})", "b": f"b^({l})", "A_prev": "X" if l == 1 else f"A^({l - 1})"}
var = state.url_choice(
    t("symbolic.variable"), VARIABLES, key="sy_var", param="sy_var",
    widget="radio", horizontal=True, format_func=names.get,
)  # fmt: skip
layer = trace.layers[l - 1]
shape = {"W": layer.W.shape, "b": layer.b.shape, "A_prev": layer.A_prev.shape}[var]
pickers = st.columns(len(shape))
index = tuple(
    state.url_int(
        t(f"symbolic.pick_{axis}", n=n), 1, n, key=f"sy_{axis}_{var}", param=f"sy_{axis}", where=column
    )
    - 1
    for axis, n, column in zip(("i", "j") if len(shape) == 2 else ("j",), shape, pickers, strict=True)
)

with st.spinner(t("symbolic.working")):
    sym = explorer.symbolic(trace, state.arrays(), var, l, index)
if sym.message:
    st.info(t("symbolic.too_large", message=sym.message))
    st.subheader(t("symbolic.per_layer_title", l=l))
    per_layer = results.element_sum(*results.key_of(view), l, var, index, trace)
    if getattr(per_layer, "too_large", False):
        st.info(t("symbolic.too_large", message=per_layer.message()))
    else:
        st.latex(per_layer.latex["equation"])
        st.caption(t("symbolic.per_layer_note", page=t("common.nav_backward")))
else:
    st.latex(sym.latex)
    if sym.expanded:
        st.caption(t("symbolic.expanded"))
        st.latex(sym.expanded)
    with st.expander(
        t("symbolic.steps", shown=len(sym.steps), total=sym.steps_total), expanded=len(sym.steps) <= 8
    ):
        for step in sym.steps:
            st.latex(step)
        if len(sym.steps) < sym.steps_total:
            st.caption(t("symbolic.steps_cut", shown=len(sym.steps), total=sym.steps_total))

backprop_value = float({"W": layer.dW, "b": layer.db, "A_prev": layer.dA_prev}[var][index])
numeric, at_kink = explorer.finite_difference(spec, state.arrays(), var, l, index)
values = {t("symbolic.sympy"): sym.value, t("symbolic.backprop"): backprop_value}
st.dataframe(explorer.differences(values, numeric, trace.loss), hide_index=True)
st.caption(t("symbolic.fd_note", value=f"{numeric:.12g}") + (" " + t("symbolic.at_kink") if at_kink else ""))
