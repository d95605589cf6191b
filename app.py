"""Home page of the backprop derivation explorer (``streamlit run app.py``)."""

import streamlit as st

from backprop.derivation import latex
from backprop.ui import sidebar
from backprop.ui.i18n import t

st.set_page_config(page_title="Backprop derivation explorer", layout="wide")
view = sidebar.render("home")
st.title(t("common.app_title"))
st.write(t("home.intro"))
st.markdown(t("home.how"))

with st.container(border=True):
    st.subheader(t("home.notation_title"))
    for line in latex.NOTATION:
        st.latex(line)
    st.markdown(t("home.notation_text"))

st.subheader(t("home.pages_title"))
for name, path in sidebar.existing_pages()[1:]:
    left, right = st.columns([1, 3])
    sidebar.links(left, "home", [(name, path)])
    right.caption(t(f"home.about_{name}"))
