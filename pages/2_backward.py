"""Backward pass: every gradient of a layer with its formula and shape, and one entry derived three ways."""

import streamlit as st

from backprop.derivation import entry_latex, latex
from backprop.ui import alternatives, diagrams, dot, entry_choice, explorer, network_figure, page, show, state
from backprop.ui.i18n import option, sentences, t

NARROW = 5  # widest matrix written as LaTeX inside one of the three derivation columns

view = page.start("backward")
spec, trace = view.spec, view.trace
st.title(t("backward.title"))
st.caption(t("backward.layout"))

l = explorer.pick_layer(spec, "bw")
layer = trace.layers[l - 1]
panels = explorer.quantities(trace, l)
for row in (panels[0:2], panels[2:4], panels[4:6]):
    for column, panel in zip(st.columns(2, border=True), row):
        column.markdown(f"**{t('backward.q_' + panel.key, l=l, p=l - 1)}**")
        column.latex(panel.formula)
        if panel.values is not None:
            show.matrix_or_table(panel.name, panel.values, column, named=False)
        if panel.note:
            column.caption(t(panel.note, l=l, p=l - 1, loss=option("loss", spec.loss)))


@st.fragment
def entry_explorer(l: int) -> None:
    """One entry derived three ways; its pickers and the diagram rerun this part alone."""
    chosen = entry_choice.entry(spec)
    if chosen.l != l:  # a click on the diagram chose another layer: the panels above follow
        st.rerun()
    st.subheader(t("backward.explorer_title"))
    diagram_col, picker_col = st.columns([3, 2])
    sample = chosen.i if (chosen.var, chosen.l) == ("A_prev", 1) else 1
    diagram = network_figure.network_diagram(trace, sample)
    # the chosen point's outline is a style: the figure itself stays the same from pick to pick
    diagram_col.html(network_figure.chosen_style(diagram, chosen, "alt_bw_diagram"))
    alternatives.figure(
        diagram,
        t("backward.alt_diagram"),
        key="bw_diagram",
        where=diagram_col,
        tables=alternatives.named_tables(drawn(sample)),
        on_select=lambda: entry_choice.take_click("bw_diagram"),
        selection_mode="points",
        config={"displayModeBar": False},
    )
    hidden = network_figure.chosen_point(diagram, chosen) is None  # a unit past the first MAX_UNITS
    missing = t("backward.diagram_not_drawn", shown=network_figure.MAX_UNITS) if hidden else ""
    diagram_col.caption(sentences(missing, t("backward.diagram_note")))  # the exception before the rule
    with picker_col:
        explorer.pick_variable(spec, "bw")
        chosen = explorer.pick_index(spec, "bw")
        name = entry_latex.entry_partial(chosen.var, l, chosen.array_index)
        value = f"{name} = {latex.num(gradient(chosen))}"
        st.container(key="bw_value").latex(value)
    derivations(l, chosen.var, chosen.array_index)


def drawn(sample: int) -> list:
    """The numbers the diagram shows on hover: the sample's x, each layer's W, b and their gradients."""
    return alternatives.drawing_matrices("neurons", trace, sample=sample - 1)


def gradient(chosen: entry_choice.Entry) -> float:
    """Backprop's ∂L/∂x for the chosen entry."""
    return float(getattr(trace.layers[chosen.l - 1], "d" + chosen.var)[chosen.array_index])


def derivations(l: int, var: str, index: tuple[int, ...]) -> None:
    """The index-level sum, the matrix entry and SymPy's expression side by side, then the table."""
    layer = trace.layers[l - 1]
    T, keep = entry_latex.terms(layer.A_prev, layer.W, layer.dZ, var, index)
    # two columns side by side (the matrix column holds two matrices); SymPy's line below them
    index_col, matrix_col = st.columns([1, 1.4])
    sympy_col = st.container()
    index_col.markdown(f"**{t('backward.by_index')}**")
    index_col.latex(entry_latex.double_sum(var, l, index, *layer.dZ.shape))
    if latex.fits(T, max_cols=NARROW):
        index_col.latex(entry_latex.term_grid(T, keep, var, l, index))
    index_col.caption(t("backward.terms_note", total=T.size, kept=int(keep.sum())))
    index_col.latex(entry_latex.collapsed(layer.A_prev, layer.W, layer.dZ, var, l, index))

    product = entry_latex.product(layer.A_prev, layer.W, layer.dZ, var, l, index)
    matrix_col.markdown(f"**{t('backward.by_matrix')}**")
    matrix_col.latex(
        latex.backward_formula("d" + var, l, spec.L, spec.activations[l - 1], spec.loss, False, False)
    )
    matrix_col.latex(entry_latex.matrix_entry(layer.A_prev, layer.W, layer.dZ, var, l, index))
    show.matrix_or_table(
        product.left_name, product.left, matrix_col, small=True, max_cols=NARROW, rows=[product.i]
    )
    show.matrix_or_table(
        product.right_name, product.right, matrix_col, small=True, max_cols=NARROW, cols=[product.j]
    )
    matrix_col.caption(t("backward.matrix_note"))

    sympy_col.markdown(f"**{t('backward.by_sympy')}**")
    arrays = state.arrays()
    sym = explorer.symbolic(trace, arrays, var, l, index)
    if sym.message:
        sympy_col.info(sym.message)
    else:  # inline math: KaTeX breaks a long sum at + and =; a long term scrolls in its own box
        sympy_col.container(key="bw_sympy").markdown(
            f"$\\displaystyle {sym.written} = {latex.num(sym.value)}$"
        )
        sympy_col.caption(t("backward.sympy_substituted"))
        # filled only while open: its LaTeX, redrawn on every pick even when hidden, was about
        # half a bare click's time (tests/browser/bench_clicks.py); opening it reruns this part.
        # Its label is its identity (with the key): one label for every entry keeps it open.
        steps = sympy_col.expander(t("backward.sympy_steps"), key="bw_sympy_steps", on_change="rerun")
        if steps.open:
            if sym.expanded:
                steps.caption(t("backward.sympy_written"))
                steps.latex(sym.expanded)
            for step in (sym.latex, *sym.steps):
                steps.latex(step)
            if len(sym.steps) < sym.steps_total:
                steps.caption(t("symbolic.steps_cut", shown=len(sym.steps), total=sym.steps_total))

    fd, at_kink = explorer.finite_difference(spec, arrays, var, l, index)
    values = {
        t("backward.m_backprop"): float(getattr(layer, "d" + var)[index]),
        t("backward.m_index"): float(T.sum()),
        t("backward.m_matrix"): product.value,
        t("backward.m_sympy"): sym.value,
    }
    st.markdown(f"**{t('backward.against_fd', fd=f'{fd:.12g}')}**")
    st.table(explorer.comparison(values, fd, trace.loss))
    if at_kink:
        st.warning(t("backward.at_kink"))


entry_explorer(l)
st.subheader(t("backward.drawing"))
alternatives.drawing(
    diagrams.bp_single_dense(trace, l, max_cols=dot.COLUMN_CELLS),
    "bp-single-dense",
    trace,
    key="bw_drawing",
    l=l,
)
