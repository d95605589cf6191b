"""Home page of the backprop derivation explorer (``streamlit run app.py``)."""

import streamlit as st

from backprop.ui import sidebar
from backprop.ui.i18n import t

st.set_page_config(page_title="Backprop derivation explorer", layout="wide")
view = sidebar.render("home")
st.title(t("common.app_title"))
st.write(t("home.intro"))
