"""The notes, checked: the source notes section by section, each step verified or refuted live.

A table of contents shows every step's verdict; one section is open at a time (its name is
the URL's ``section``); the checks and their evidence open on demand, and only then run.
"""

import streamlit as st

from backprop.teaching import layout, notes
from backprop.teaching.notes_walk.model import Mistake, Step
from backprop.ui import alternatives, cache, diagrams, dot, show, sidebar, state
from backprop.ui.i18n import sentences, t

view = sidebar.render("notes")
spec, trace = view.spec, view.trace
st.title(t("notes.title"))
st.markdown(t("notes.intro"))
st.caption(t("notes.layout_note"))

BADGE = {"verified": "green", "refuted": "red", "unjudged": "gray"}
SYMBOL = {"verified": "✓", "refuted": "✗", "unjudged": "?"}
ALL_MISTAKES, LAYOUTS = "all_mistakes", "layouts"  # the two views beyond the notes' own sections


# cache_resource: every rerun gets the same object (the page only reads it); cache_data would
# unpickle a copy per rerun, most of this page's time on a wide network (nine layers of 1024).
@st.cache_resource(max_entries=16, show_spinner=False)
def _walk(spec_key: str, token: str, focus: tuple, _trace) -> notes.Walk:
    return notes.walk(_trace, *focus)


@st.cache_resource(max_entries=16, show_spinner=False)
def _layout(spec_key: str, token: str, l: int, _trace) -> tuple:
    return layout.layouts(_trace, l), layout.conventions(_trace, l), layout.candidates(_trace, l)


def badge(verdict: str) -> str:
    return f":{BADGE[verdict]}-badge[{t('notes.verdict.' + verdict)}]"


def short_badge(verdict: str, name: str = "") -> str:
    """A verdict as a small badge: colour and sign (✓ ✗ ?), after an optional name."""
    return (
        f":{BADGE[verdict]}-badge[{name} {SYMBOL[verdict]}]"
        if name
        else f":{BADGE[verdict]}-badge[{SYMBOL[verdict]}]"
    )


def mistake_badge(mistake: Mistake) -> str:
    """M5 ✗→✓: as written refuted, corrected verified; coloured by the correction's verdict."""
    name = t("notes.toc_mistake", number=mistake.number)
    signs = f"{SYMBOL[mistake.refutation.verdict]}→{SYMBOL[mistake.corrected_verdict]}"
    return f":{BADGE[mistake.corrected_verdict]}-badge[{name} {signs}]"


def checks_summary(checks) -> str:
    """Each check's method and sign, for an expander's label: 'SymPy ✓ · Numbers ✓'."""
    return " · ".join(f"{t('notes.method.' + c.method)} {SYMBOL[c.verdict]}" for c in checks)


def render_check(check, where=st) -> None:
    where.markdown(f"**{t('notes.method.' + check.method)}** {badge(check.verdict)}")
    for evidence in check.evidence:
        where.markdown(t("notes.evidence." + evidence.key, **evidence.params))
        if evidence.latex:
            where.latex(evidence.latex)


def details(label: str, checks, key: str, where=st) -> None:
    """Checks and their evidence in an expander that runs its content only when opened."""
    box = where.expander(label, key=key, on_change="rerun")
    if box.open:
        for check in checks:
            render_check(check, box)


def render_step(step: Step, number: str, key: str) -> None:
    with st.container(border=True):
        extra = f" :blue-badge[{t('notes.omitted_badge')}]" if step.origin == "omitted" else ""
        st.markdown(f"#### {number} {t(f'notes.step.{step.key}.title')}\n{badge(step.verdict)}{extra}")
        st.markdown(t(f"notes.step.{step.key}.text"))
        st.latex(step.statement)
        if step.typos:
            st.caption(t("notes.typos_here", numbers=", ".join(map(str, step.typos))))
        # the checks one under the other at the box's full width: their sums and symbolic
        # matrices are too wide for a third or half of it
        details(t("notes.checks_label", summary=checks_summary(step.checks)), step.checks, key)


def render_mistake(mistake: Mistake, key: str) -> None:
    name = f"notes.mistake.{mistake.key}"
    with st.container(border=True):
        title = t("notes.mistake_label", number=mistake.number, title=t(name + ".title"))
        st.markdown(f"#### {title}\n{badge(mistake.refutation.verdict)} → {badge(mistake.corrected_verdict)}")
        st.markdown(f"**{t('notes.notes_write')}**")  # the formulas are wide: one part under the other
        if mistake.key in ("what_to_find", "broken_sentence"):
            st.markdown(t(name + ".quote"))
        if mistake.statement:
            st.latex(mistake.statement)
        st.markdown(sentences(f"**{t('notes.why')}**", t(name + ".why")))  # the language's own punctuation
        summary = checks_summary((mistake.refutation,))
        details(t("notes.refutation_label", summary=summary), (mistake.refutation,), key + "_wrong")
        st.divider()
        st.markdown(f"**{t('notes.corrected')}**")
        st.latex(mistake.corrected)
        st.markdown(t(name + ".fix"))
        summary = checks_summary(mistake.correction)
        details(t("notes.correction_label", summary=summary), mistake.correction, key + "_fixed")


SIDE_BY_SIDE_COLS = 4  # matrix columns that still fit, with their name, in half the page


def render_pair(pair, left_caption: str, right_caption: str, key: str, stacked: bool = False) -> None:
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
    details(t("notes.checks_label", summary=checks_summary((pair.check,))), (pair.check,), key)


def render_figure(name: str, l: int, sample: int) -> None:
    st.info(t("notes.figure_missing", name=f"{name}.drawio.svg"))
    source = {
        "fp-single-dense": lambda: diagrams.fp_single_dense(trace, l, sample),
        "bp-full": lambda: diagrams.bp_full(trace, max_cols=dot.COLUMN_CELLS),
        "bp-single-dense": lambda: diagrams.bp_single_dense(trace, l, max_cols=dot.COLUMN_CELLS),
    }[name]()
    alternatives.drawing(source, name, trace, key=f"nt_figure_{name}", l=l, sample=sample)


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
    pairs, conventions, candidates = _layout(spec_key, token, l, trace)

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

# --- the table of contents: one line per section, a badge per step; the chosen one opens ---
sections = {section.key: (n, section) for n, section in enumerate(tour.sections, start=1)}
# the layouts view: the notes' forms should hold; the tempting alternatives should be refuted
layout_held = [
    item.check.verdict for item in (*pairs, *conventions, *candidates) if getattr(item, "correct", True)
]
tempting = [c.check.verdict for c in candidates if not c.correct]


def count_badge(verdicts: list[str], expected: str, colour: str, label: str = "") -> str:
    """'7/7 ✓': how many of ``verdicts`` are ``expected``; ``colour`` if all are, else red."""
    shown = colour if all(v == expected for v in verdicts) else "red"
    return f":{shown}-badge[{label}{verdicts.count(expected)}/{len(verdicts)} {SYMBOL[expected]}]"


def toc_line(option: str) -> str:
    if option == ALL_MISTAKES:
        return f"**{t('notes.tab_mistakes_all')}**  " + " ".join(mistake_badge(m) for m in wrong)
    if option == LAYOUTS:
        held = count_badge(layout_held, "verified", "green")
        refuted = count_badge(tempting, "refuted", "blue", t("notes.toc_tempting") + " ")
        return f"**{t('notes.tab_layout')}**  {held} {refuted}"
    n, section = sections[option]
    marks = (
        short_badge(item.verdict, f"{n}.{k}") if isinstance(item, Step) else mistake_badge(item)
        for k, item in enumerate(section.items, start=1)
    )
    return f"**{n}. {t(f'notes.section.{option}.title')}**  " + " ".join(marks)


# the lines are made now, in this run's language (a widget may call format_func after the run)
toc = {option: toc_line(option) for option in (*sections, ALL_MISTAKES, LAYOUTS)}
chosen = state.url_choice(
    t("notes.toc_label"), toc, key="nt_section", param="section", widget="radio", format_func=toc.get
)
st.caption(t("notes.toc_legend"))
st.divider()

if chosen == ALL_MISTAKES:
    st.header(t("notes.tab_mistakes_all"))
    st.markdown(t("notes.mistakes_intro_all"))
    for mistake in wrong:
        render_mistake(mistake, f"nt_all_m{mistake.number}")
elif chosen == LAYOUTS:
    st.header(t("notes.tab_layout"))
    st.markdown(t("notes.layout.intro"))
    st.subheader(t("notes.layout.layouts_title"))
    st.markdown(t("notes.layout.layouts_intro"))
    for pair in pairs:
        st.markdown(f"**{t('notes.layout.pair.' + pair.key)}**")
        render_pair(pair, t("notes.layout.denominator"), t("notes.layout.numerator"), f"nt_lay_{pair.key}")

    st.subheader(t("notes.layout.conventions_title"))
    st.markdown(t("notes.layout.conventions_intro"))
    for pair in conventions:
        st.markdown(f"**{t('notes.layout.conv.' + pair.key)}**")
        # named by whole equations (Z_c = W_c X + b 1ᵀ = [...]): too wide for half the page
        key = f"nt_conv_{pair.key}"
        render_pair(pair, t("notes.layout.rows"), t("notes.layout.columns"), key, stacked=True)

    st.subheader(t("notes.layout.candidates_title"))
    st.markdown(t("notes.layout.candidates_intro"))
    shapes = {"W": (n_in, n_out), "A_prev": (spec.m, n_in), "b": (n_out,)}
    for target in ("W", "A_prev", "b"):
        st.markdown(f"**{t('notes.layout.target.' + target, shape=' × '.join(map(str, shapes[target])))}**")
        for k, candidate in enumerate(c for c in candidates if c.target == target):
            formula, verdict = st.columns([2, 5])
            formula.latex(candidate.latex)
            formula.caption(t("notes.layout.the_notes" if candidate.correct else "notes.layout.tempting"))
            verdict.markdown(badge(candidate.check.verdict))
            summary = checks_summary((candidate.check,))
            details(
                t("notes.checks_label", summary=summary), (candidate.check,), f"nt_cand_{target}_{k}", verdict
            )
else:
    n, section = sections[chosen]
    st.header(f"{n}. {t(f'notes.section.{section.key}.title')}")
    st.markdown(t(f"notes.section.{section.key}.intro"))
    if section.figure:
        render_figure(section.figure, l, sample)
    for k, item in enumerate(section.items, start=1):
        if isinstance(item, Step):
            render_step(item, f"{n}.{k}", f"nt_{section.key}_{k}")
        else:
            render_mistake(item, f"nt_{section.key}_{k}")
