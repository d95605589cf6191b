"""The notes, checked: the source notes step by step, each verified or refuted live; mistakes corrected."""

import streamlit as st

from backprop.teaching import layout, notes
from backprop.teaching.notes_walk.model import Mistake, Step
from backprop.ui import cache, diagrams, show, sidebar, state
from backprop.ui.i18n import t

view = sidebar.render("notes")
spec, trace = view.spec, view.trace
st.title(t("notes.title"))
st.markdown(t("notes.intro"))
st.caption(t("notes.layout_note"))

BADGE = {"verified": "green", "refuted": "red", "unjudged": "gray"}


@st.cache_data(max_entries=16, show_spinner=False)
def _walk(spec_key: str, token: str, focus: tuple, _trace) -> notes.Walk:
    return notes.walk(_trace, *focus)


@st.cache_data(max_entries=16, show_spinner=False)
def _layout(spec_key: str, token: str, l: int, _trace) -> tuple:
    return layout.layouts(_trace, l), layout.conventions(_trace, l), layout.candidates(_trace, l)


def badge(verdict: str) -> str:
    return f":{BADGE[verdict]}-badge[{t('notes.verdict.' + verdict)}]"


def render_check(check, where=st) -> None:
    where.markdown(f"**{t('notes.method.' + check.method)}** {badge(check.verdict)}")
    for evidence in check.evidence:
        where.markdown(t("notes.evidence." + evidence.key, **evidence.params))
        if evidence.latex:
            where.latex(evidence.latex)


def render_step(step: Step) -> None:
    with st.container(border=True):
        extra = f" :blue-badge[{t('notes.omitted_badge')}]" if step.origin == "omitted" else ""
        st.markdown(f"#### {t(f'notes.step.{step.key}.title')}\n{badge(step.verdict)}{extra}")
        st.markdown(t(f"notes.step.{step.key}.text"))
        st.latex(step.statement)
        if step.typos:
            st.caption(t("notes.typos_here", numbers=", ".join(map(str, step.typos))))
        # one check under the other, each the box's full width: their sums and symbolic
        # matrices are too wide for a third or half of it
        for check in step.checks:
            render_check(check)


def render_mistake(mistake: Mistake) -> None:
    key = f"notes.mistake.{mistake.key}"
    with st.container(border=True):
        title = f"{t('notes.mistake_label', number=mistake.number)}: {t(key + '.title')}"
        st.markdown(f"#### {title}\n{badge(mistake.refutation.verdict)} → {badge(mistake.corrected_verdict)}")
        wrote, fixed = st.container(), st.container()  # one under the other: the formulas are wide
        wrote.markdown(f"**{t('notes.notes_write')}**")
        if mistake.key in ("what_to_find", "broken_sentence"):
            wrote.markdown(t(key + ".quote"))
        if mistake.statement:
            wrote.latex(mistake.statement)
        wrote.markdown(f"**{t('notes.why')}.** {t(key + '.why')}")
        render_check(mistake.refutation, wrote)
        fixed.divider()
        fixed.markdown(f"**{t('notes.corrected')}**")
        fixed.latex(mistake.corrected)
        fixed.markdown(t(key + ".fix"))
        for check in mistake.correction:
            render_check(check, fixed)


SIDE_BY_SIDE_COLS = 4  # matrix columns that still fit, with their name, in half the page


def render_pair(pair, left_caption: str, right_caption: str, stacked: bool = False) -> None:
    """The two forms of one quantity side by side, or one under the other when they are too wide."""
    widest = max(1 if M.ndim == 1 else M.shape[1] for M in (pair.left, pair.right))
    if stacked or widest > SIDE_BY_SIDE_COLS:
        left, right = st.container(), st.container()
    else:
        left, right = st.columns(2)
    left.caption(left_caption)
    show.matrix_or_table(pair.left_latex, pair.left, left)
    right.caption(right_caption)
    show.matrix_or_table(pair.right_latex, pair.right, right)
    render_check(pair.check)


def render_figure(name: str, l: int, sample: int) -> None:
    st.info(t("notes.figure_missing", name=f"{name}.drawio.svg"))
    dot = {
        "fp-single-dense": lambda: diagrams.fp_single_dense(trace, l, sample),
        "bp-full": lambda: diagrams.bp_full(trace),
        "bp-single-dense": lambda: diagrams.bp_single_dense(trace, l),
    }[name]()
    st.graphviz_chart(dot)


# --- what the student looks at: layer, sample, entries (kept in the URL) ---
pick_layer, pick_sample = st.columns(2)
l = state.url_choice(
    t("notes.layer"),
    show.one_based(spec.L),
    key="nt_layer",
    param="layer",
    default=spec.L,
    widget="radio",
    horizontal=True,
    where=pick_layer,
)
n_in, n_out = spec.sizes[l - 1], spec.sizes[l]
sample = (
    state.url_choice(
        t("notes.sample"), show.one_based(spec.m), key="nt_sample", param="sample", where=pick_sample
    )
    - 1
)
with st.expander(t("notes.entries")):
    cols = st.columns(5)
    pickers = [
        ("a_i", "ai", spec.m),
        ("a_j", "aj", n_in),
        ("w_row", "wi", n_in),
        ("w_col", "wj", n_out),
        ("b_i", "bi", n_out),
    ]
    ai, aj, wi, wj, bi = (
        state.url_choice(t("notes." + label), show.one_based(n), key=f"nt_{param}", param=param, where=column)
        - 1
        for (label, param, n), column in zip(pickers, cols, strict=True)
    )

if not notes.fits(spec):
    st.info(t("notes.too_large", macs=f"{notes.forward_macs(spec):.3g}", limit=f"{notes.MAX_MACS:.3g}"))
    st.stop()

if notes.thinned(spec):
    st.caption(t("notes.slow"))

spec_key, token = cache.spec_key(spec), cache.arrays_token(state.arrays())
with st.spinner():
    tour = _walk(spec_key, token, (l, sample, (ai, aj), (wi, wj), bi), trace)

steps, wrong = tour.steps, tour.mistakes
verdicts = [step.verdict for step in steps]
st.markdown(
    t(
        "notes.summary",
        verified=verdicts.count("verified"),
        total=len(steps),
        unjudged=verdicts.count("unjudged"),
        refuted=verdicts.count("refuted"),
        mistakes=sum(m.refutation.holds is False for m in wrong),
        corrected=sum(m.corrected_holds is True for m in wrong),
    )
)
if "refuted" in verdicts:
    st.warning(t("notes.summary_refuted"))

walk_tab, mistakes_tab, layout_tab = st.tabs(
    [t("notes.tab_walk"), t("notes.tab_mistakes_all"), t("notes.tab_layout")]
)

with walk_tab:
    for section in tour.sections:
        st.header(t(f"notes.section.{section.key}.title"))
        st.markdown(t(f"notes.section.{section.key}.intro"))
        if section.figure:
            render_figure(section.figure, l, sample)
        for item in section.items:
            (render_step if isinstance(item, Step) else render_mistake)(item)

with mistakes_tab:
    st.markdown(t("notes.mistakes_intro_all"))
    for mistake in wrong:
        render_mistake(mistake)

with layout_tab:
    pairs, conventions, candidates = _layout(spec_key, token, l, trace)
    st.markdown(t("notes.layout.intro"))
    st.subheader(t("notes.layout.layouts_title"))
    st.markdown(t("notes.layout.layouts_intro"))
    for pair in pairs:
        st.markdown(f"**{t('notes.layout.pair.' + pair.key)}**")
        render_pair(pair, t("notes.layout.denominator"), t("notes.layout.numerator"))

    st.subheader(t("notes.layout.conventions_title"))
    st.markdown(t("notes.layout.conventions_intro"))
    for pair in conventions:
        st.markdown(f"**{t('notes.layout.conv.' + pair.key)}**")
        # named by whole equations (Z_c = W_c X + b 1ᵀ = [...]): too wide for half the page
        render_pair(pair, t("notes.layout.rows"), t("notes.layout.columns"), stacked=True)

    st.subheader(t("notes.layout.candidates_title"))
    st.markdown(t("notes.layout.candidates_intro"))
    shapes = {"W": (n_in, n_out), "A_prev": (spec.m, n_in), "b": (n_out,)}
    for target in ("W", "A_prev", "b"):
        st.markdown(f"**{t('notes.layout.target.' + target, shape=' × '.join(map(str, shapes[target])))}**")
        for candidate in (c for c in candidates if c.target == target):
            formula, verdict = st.columns([2, 5])
            formula.latex(candidate.latex)
            formula.caption(t("notes.layout.the_notes" if candidate.correct else "notes.layout.tempting"))
            render_check(candidate.check, verdict)
