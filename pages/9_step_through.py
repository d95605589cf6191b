"""Step through the backward pass one equation at a time: formula, numbers put in, result, ledger."""

import pandas as pd
import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.derivation.exact import with_values
from backprop.derivation.steps import ledger
from backprop.ui import page, results
from backprop.ui.i18n import message, t

view = page.start("step_through", area="steps")
exact = page.exact_choice(view.spec, "steps", key="st_numbers")
try:
    trace = with_values(view.trace, exact)
except InvalidInput as error:  # edited arrays that are not whole numbers
    st.warning(t("steps.exact_refused", message=message(error)))
    trace = view.trace
steps = results.backward_steps(*results.key_of(view), trace is not view.trace, 4, trace)
total = len(steps)

number = page.stepper(
    t("steps.step"),
    total,
    key="st_step",
    param="step",
    back=(t("steps.back"), "st_back"),
    forward=(t("steps.forward"), "st_forward"),
    arrow_keys=True,
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
