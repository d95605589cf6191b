"""Forward pass: every matrix of a layer, one entry's sum with its numbers, one sample as z = Wᵀa + b."""

import streamlit as st

from backprop.derivation import latex
from backprop.derivation import notation as nt
from backprop.ui import alternatives, diagrams, page, show, state
from backprop.ui.i18n import t

view = page.start("forward")
spec, trace = view.spec, view.trace
st.title(t("forward.title"))
st.caption(t("forward.convention"))

l = state.url_choice(
    t("forward.layer"), show.one_based(spec.L), key="fw_layer", param="layer", widget="radio", horizontal=True
)
layer = trace.layers[l - 1]
m, (n_in, n_out) = spec.m, layer.W.shape
st.latex(latex.forward_formula(l, m, n_in, n_out))

st.subheader(t("forward.entry_title"))
pick_i, pick_j = st.columns(2)
i = state.url_choice(t("forward.pick_i", m=m), show.one_based(m), key="fw_i", param="i", where=pick_i) - 1
j = (
    state.url_choice(t("forward.pick_j", n=n_out), show.one_based(n_out), key="fw_j", param="j", where=pick_j)
    - 1
)
st.caption(t("forward.highlight"))

show.matrices(
    [
        (nt.sup("A", l - 1), layer.A_prev, {"rows": [i]}),
        (nt.sup("W", l), layer.W, {"cols": [j]}),
        (nt.sup("b", l), layer.b, {"cols": [j]}),
    ]
)
show.matrices(
    [(nt.sup("Z", l), layer.Z, {"cells": [(i, j)]}), (nt.sup("A", l), layer.A, {"cells": [(i, j)]})]
)
st.latex(latex.entry_sum(layer.A_prev, layer.W, layer.b, i, j))
st.caption(t("forward.then_g", g=nt.activation_shown(spec.activations[l - 1]), a=f"{layer.A[i, j]:.4g}"))

st.subheader(t("forward.sample_title"))
s = state.url_choice(t("forward.pick_sample", m=m), show.one_based(m), key="fw_sample", param="sample") - 1
if latex.fits(layer.W.T) and latex.fits(layer.A_prev[s]):
    st.latex(latex.single_sample(layer.W, layer.A_prev[s], layer.b, l))
else:
    st.caption(t("forward.sample_too_big"))
st.caption(t("forward.sample_note", s=s + 1))
alternatives.drawing(
    diagrams.fp_single_dense(trace, l, sample=s, unit=j),
    "fp-single-dense",
    trace,
    key="fw_drawing",
    l=l,
    sample=s,
)
