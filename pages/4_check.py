"""Gradient check: SymPy, backprop and finite differences for every entry, and the classic mistakes."""

import streamlit as st

from backprop.derivation.classic_mistakes import MISTAKES, checks_every_entry, harmless_here, sample_size
from backprop.derivation.three_way import SYMBOLIC_TOLERANCE
from backprop.ui import alternatives, results, sidebar, state
from backprop.ui.i18n import t

NONE = "none"

view = sidebar.render("check")
spec = view.spec
st.title(t("check.title"))
st.caption(t("check.intro"))

mistake = state.url_choice(
    t("check.mistake"), (NONE, *MISTAKES), key="ck_mistake", param="ck_mistake",
    format_func=lambda k: t(f"check.mistake_{k}"),
)  # fmt: skip
key, token = results.key_of(view)
# A check that ran out of time raises inside results' cached functions, so it is not cached
# and every rerun (a picker moved) would start the children again and wait out their budget:
# this session keeps the outcome for its network until the network changes.
kept = st.session_state.get("_ck_full")
if kept is not None and kept[0] == (key, token):
    full = kept[1]
else:
    with st.spinner(t("check.working")):
        full = results.full_check(key, token, view)
    st.session_state["_ck_full"] = ((key, token), full)
if full.reference is None:
    status, message = full.fallback
    st.warning(t("check.not_checked", status=status, message=message, seconds=results.REFERENCE_SECONDS))
    st.stop()
if full.message:
    st.info(t(f"check.symbolic_{full.status}", message=full.message, seconds=results.CHECK_SECONDS))
with st.spinner(t("check.working")):
    outcome = None if mistake == NONE else results.mistake_check(key, token, mistake, view, full.reference)

if outcome is not None:
    wrong, right = st.columns(2)
    wrong.markdown(t("check.wrong"))
    wrong.latex(MISTAKES[mistake].wrong)
    right.markdown(t("check.right"))
    right.latex(MISTAKES[mistake].right)
    if harmless_here(spec, mistake):
        st.info(t(f"check.harmless_{mistake}"))
    if outcome.refusal is not None:
        refusal = outcome.refusal
        st.warning(
            t(f"check.refused_{refusal.kind}", what=refusal.what, left=refusal.left, right=refusal.right)
        )
        st.caption(t("check.refused_note"))
        st.stop()

report = full.reference if outcome is None else outcome.report
three = full.three if full.three is not None and full.three.symbolic_skipped is None else None
passed = report.passed and (three is None or outcome is not None or three.passed)
judged = len(report.judged)
# each figure as wide as its label (a row of five equal columns cut the longer labels short),
# wrapping onto a second line in a narrow window
figures = st.container(horizontal=True, gap="large", key="ck_figures")
figures.metric(
    t("check.checked"), judged, help=t("check.checked_help", kinks=len(report.entries) - judged),
    width="content",
)  # fmt: skip
figures.metric(
    t("check.worst"), f"{report.worst:.2e}", help=t("check.tolerance_help", tol=f"{report.tolerance:.0e}"),
    width="content",
)  # fmt: skip
if three is not None:
    figures.metric(
        t("check.worst_symbolic"), f"{three.worst('symbolic_backprop'):.2e}",
        help=t("check.tolerance_help", tol=f"{SYMBOLIC_TOLERANCE:.0e}"), width="content",
    )  # fmt: skip
figures.metric(t("check.tolerance"), f"{report.tolerance:.0e}", width="content")
figures.metric(t("check.verdict"), t("check.pass") if passed else t("check.fail"), width="content")
if outcome is None:
    (st.success if passed else st.warning)(t("check.summary_pass" if passed else "check.summary_fail"))
elif report.passed:
    st.info(t("check.not_caught"))
else:
    st.success(t("check.caught", worst=f"{report.worst:.2e}"))
if not checks_every_entry(spec):
    st.caption(t("check.sampled", n=sample_size(spec)))

st.subheader(t("check.heatmaps"))
cells = results.heatmap_cells(spec)
if cells <= results.HEATMAP_CELLS:
    st.caption(t("check.heatmaps_note"))
    errors = results.error_figure(key, token, mistake, view.lang, report, spec)
    alternatives.figure(errors, t("check.alt_errors"), key="ck_errors")
else:
    st.caption(t("check.heatmaps_too_large", cells=cells, limit=results.HEATMAP_CELLS))
st.subheader(t("check.table"))
number = st.column_config.NumberColumn(format="%.6e")
numbers = ("symbolic", "backprop", "numeric", "error", "error_symbolic")
st.dataframe(
    results.entry_table(key, token, mistake, view.lang, view.trace.loss, report, three),
    hide_index=True,
    column_config={t(f"check.col_{c}"): number for c in numbers},
)
