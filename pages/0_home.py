"""Home page: what the app is, the notation, and a link to every other page."""

import streamlit as st

from backprop.derivation import latex
from backprop.ui import registry, sidebar
from backprop.ui.i18n import t

sidebar.render("home")
st.title(t("common.app_title"))
st.write(t("home.intro"))
st.markdown(t("home.how"))

with st.container(border=True):
    st.subheader(t("home.notation_title"))
    for line in latex.NOTATION:
        st.latex(line)
    st.markdown(t("home.notation_text"))

st.subheader(t("home.pages_title"))
for entry in registry.PAGES[1:]:
    left, right = st.columns([1, 3])
    sidebar.links(left, "home", [entry])
    right.caption(t(f"home.about_{entry.name}"))
