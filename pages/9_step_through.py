"""Step through the backward pass one equation at a time: formula, numbers put in, result, ledger."""

import pandas as pd
import streamlit as st

from backprop.errors import InvalidInput
from backprop.exact import exact_problem, with_values
from backprop.steps import backward_steps, ledger
from backprop.ui import sidebar, state
from backprop.ui.i18n import t

st.set_page_config(page_title="Step through", layout="wide")
view = sidebar.render("step_through")
st.title(t("steps.title"))
st.caption(t("steps.intro"))

problem = exact_problem(view.spec)
options = ("decimal",) if problem else ("decimal", "exact")
numbers = state.url_choice(
    t("steps.numbers"),
    options,
    key="st_numbers",
    param="numbers",
    default=options[-1],
    widget="radio",
    horizontal=True,
    format_func=lambda n: t(f"steps.numbers_{n}"),
)
if problem:
    st.caption(t("steps.exact_unavailable", reason=str(problem)))
try:
    trace = with_values(view.trace, numbers == "exact")
except InvalidInput as error:  # edited arrays that are not whole numbers
    st.warning(t("steps.exact_refused", message=str(error)))
    trace = view.trace
steps = backward_steps(trace)
total = len(steps)


def move(delta: int) -> None:
    """Back / forward: the next run draws the step input with the new value (and puts it in the URL)."""
    current = st.session_state.get("st_step")
    current = current if isinstance(current, int) else 1
    st.session_state["st_step"] = min(max(current + delta, 1), total)


back, pick, forward = st.columns([1, 2, 1], vertical_alignment="bottom")
with pick:
    number = state.url_int(t("steps.step"), 1, total, key="st_step", param="step")
back.button(
    t("steps.back"),
    on_click=move,
    args=(-1,),
    disabled=number == 1,
    key="st_back",
    shortcut="Left",
    width="stretch",
)
forward.button(
    t("steps.forward"),
    on_click=move,
    args=(1,),
    disabled=number == total,
    key="st_forward",
    shortcut="Right",
    width="stretch",
)

step = steps[number - 1]
st.progress(number / total, text=t("steps.progress", number=number, total=total, l=step.l))
left, right = st.columns([3, 2])
what = "what_dX" if step.name == "dA_prev" and step.l == 1 else f"what_{step.name}"
left.subheader(t(f"steps.{what}", l=step.l, p=step.l - 1))
if step.shortcut:
    left.info(t("steps.shortcut", loss=view.spec.loss, l=step.l))
left.markdown(f"**{t('steps.formula')}**")
left.latex(step.formula_line())
left.markdown(f"**{t('steps.numbers_in')}**")
left.latex(step.numbers_line())
left.markdown(f"**{t('steps.result')}**")
left.latex(step.result_line())
left.caption(t("steps.shape", shape=" × ".join(map(str, step.shape))))

right.subheader(t("steps.ledger"))
right.caption(t("steps.ledger_note"))
used = {(use.name, use.l) for use in step.uses}
rows = [use for use in ledger(trace)] + [use for use in step.uses if use.source == "backward"]
right.dataframe(
    pd.DataFrame(
        {
            t("steps.col_value"): [use.label for use in rows],
            t("steps.col_source"): [t(f"steps.source_{use.source}") for use in rows],
            t("steps.col_shape"): [" × ".join(map(str, use.value.shape)) for use in rows],
            t("steps.col_used"): [t("steps.used_yes") if (use.name, use.l) in used else "" for use in rows],
        }
    ),
    hide_index=True,
    width="stretch",
)
right.markdown(f"**{t('steps.values_read')}**")
for use in step.uses:
    right.latex(use.value_line())
