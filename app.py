"""Home page of the backprop derivation explorer (``streamlit run app.py``)."""

import streamlit as st

st.set_page_config(page_title="Backprop derivation explorer", layout="wide")
st.title("Backprop derivation explorer")
st.write("Every matrix of the forward and backward pass of a dense network, derived three ways.")
