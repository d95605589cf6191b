"""Symbolic derivation at three levels: any sizes (Kronecker deltas), matrix calculus, and this network."""

import streamlit as st

from backprop.symbolic.limits import TooLarge
from backprop.ui import entry_choice, explorer, results, sidebar, state
from backprop.ui.i18n import sentences, t

view = sidebar.render("symbolic")
spec, trace = view.spec, view.trace
st.title(t("symbolic.title"))
st.caption(t("symbolic.intro"))

left, right = st.columns(2)
l = explorer.pick_layer(spec, "sy", where=left)
var = explorer.pick_variable(spec, "sy", where=right)

with st.spinner(t("symbolic.deriving")):
    generic, matrix = results.generic(), results.matrix_calculus()
st.header(t("symbolic.generic_title"))
st.caption(t("symbolic.generic_note"))
for step in generic.steps[var]:
    st.latex(step)

st.header(t("symbolic.matrix_title"))
st.caption(t("symbolic.matrix_note"))
for step in matrix.steps:
    st.latex(step)

st.header(t("symbolic.activation_title", l=l))
g_name = spec.activations[l - 1]
lines, limit = results.activation_latex(g_name, spec.sizes[l], explorer.uses_shortcut(spec, l))
for line in lines:
    st.latex(line)
if limit:
    st.info(t("symbolic.too_large", message=limit))


@st.fragment
def entry_section(l: int, var: str) -> None:
    """SymPy's derivative of the chosen entry against backprop and finite differences; reruns alone."""
    chosen = entry_choice.entry(spec)
    if (chosen.l, chosen.var) != (l, var):  # chosen elsewhere meanwhile: the sections above follow
        st.rerun()
    st.header(t("symbolic.entry_title"))
    index = explorer.pick_index(spec, "sy").array_index
    layer = trace.layers[l - 1]
    key, token = results.key_of(view)
    with st.spinner(t("symbolic.working")):
        sym = results.network_entry(key, token, var, l, index, trace)
    if sym.status == "ok":
        st.latex(sym.latex)
        if sym.expanded:
            st.caption(t("symbolic.expanded"))
            st.latex(sym.expanded)
        # open at first when short; filled only while open (hidden, its LaTeX was redrawn on
        # every pick: tests/browser/bench_clicks.py); opening it reruns this part. Its label
        # and starting state are its identity (with the key): it keeps its state from entry to
        # entry while both stay the same, and starts again when an entry is short or long.
        steps = st.expander(
            t("symbolic.steps"), expanded=len(sym.steps) <= 8, key="sy_steps", on_change="rerun"
        )
        if steps.open:
            for step in sym.steps:
                steps.latex(step)
            if len(sym.steps) < sym.steps_total:
                steps.caption(t("symbolic.steps_cut", shown=len(sym.steps), total=sym.steps_total))
    else:
        st.info(t(f"symbolic.status_{sym.status}", message=sym.message, seconds=results.NETWORK_SECONDS))
        st.subheader(t("symbolic.per_layer_title", l=l))
        per_layer = results.element_sum(key, token, l, var, index, trace)
        if isinstance(per_layer, TooLarge):
            st.info(t("symbolic.too_large", message=per_layer.message()))
        else:
            st.latex(per_layer.latex["equation"])
            st.caption(t("symbolic.per_layer_note", page=t("common.nav_backward")))

    backprop_value = float({"W": layer.dW, "b": layer.db, "A_prev": layer.dA_prev}[var][index])
    numeric, at_kink = explorer.finite_difference(spec, state.arrays(), var, l, index)
    values = {t("symbolic.sympy"): sym.value, t("symbolic.backprop"): backprop_value}
    st.table(explorer.comparison(values, numeric, trace.loss))
    note = t("symbolic.fd_note", value=f"{numeric:.12g}")
    st.caption(sentences(note, t("symbolic.at_kink") if at_kink else ""))


entry_section(l, var)
