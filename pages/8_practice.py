"""Practice: seeded exercises on the current or a random small network, checked at once, with hints."""

import streamlit as st

from backprop.core.errors import InvalidInput
from backprop.core.spec import MAX_SEED
from backprop.derivation.exact import supports_exact
from backprop.io.export import Practice, export
from backprop.teaching.practice import (
    LETTERS,
    Score,
    check_answer,
    exercise_set,
    network_fields,
    practice_spec,
)
from backprop.teaching.practice.answers import is_exact
from backprop.ui import page, state
from backprop.ui.i18n import t

COUNT = 8  # exercises in a set

view = page.start("practice", area="practice")

source_col, set_col = st.columns([3, 1])
with source_col:
    source = state.url_choice(
        t("practice.source"),
        ("random", "current"),
        key="pr_source",
        param="net",
        widget="radio",
        format_func=lambda s: t(f"practice.source_{s}"),
    )
with set_col:
    seed = state.url_int(t("practice.set"), 0, MAX_SEED, key="pr_set", param="set", default=1)

try:
    exercises = exercise_set(seed, trace=view.trace if source == "current" else None, count=COUNT)
except InvalidInput as error:
    st.error(t("practice.too_big", message=str(error)))
    st.stop()

spec = view.spec if source == "current" else practice_spec(seed)
st.caption(t("practice.network", **network_fields(spec, view.lang)))
if supports_exact(spec):
    st.caption(t("practice.exact_note"))
st.download_button(
    t("practice.download_moodle"),
    data=lambda: export(view.trace, "moodle-xml", practice=Practice(seed, view.lang, source == "current")),
    file_name=f"set-{seed}-{view.lang}-practice-moodle.xml",
    mime="application/xml",
    key="pr_moodle",
    on_click="ignore",
)
st.session_state.setdefault("pr_score", Score())
st.session_state.setdefault("pr_hints", {})
st.session_state.setdefault("pr_verdicts", {})


def reset_score() -> None:
    st.session_state["pr_score"] = Score()


def check(exercise, slot, widget: str) -> None:
    """on_click of Check: the verdict of the answer in ``widget``; the slot's first checked answer counts."""
    value = st.session_state.get(widget)
    text = ("" if value is None else LETTERS[value]) if exercise.choices else (value or "")
    verdict = check_answer(exercise, text)
    st.session_state["pr_verdicts"][slot] = verdict
    # the first checked answer of this slot counts; Enter then Check, or a re-check, does not
    st.session_state["pr_score"] = st.session_state["pr_score"].record(verdict, slot)


def more_hint(slot, shown: int) -> None:
    st.session_state["pr_hints"][slot] = shown + 1


# A fragment: next, hint and Check rerun this part alone, not the sidebar's links and controls
# (tests/browser/bench_clicks.py). Check with Enter from the form inside it starts its run
# (tests/browser/test_keyboard.py).
@st.fragment
def exercise_view() -> None:
    """The exercise, its answer, check and hints: their clicks rerun this part of the page only."""
    number = page.stepper(
        t("practice.exercise"),
        COUNT,
        key="pr_ex",
        param="ex",
        back=(t("practice.previous"), "pr_back"),
        forward=(t("practice.next"), "pr_next"),
    )
    exercise = exercises[number - 1]
    slot = (source, seed, number, spec)  # this exercise, for its hints, last verdict and counted score
    hints_shown = st.session_state["pr_hints"].get(slot, 0)
    verdict = st.session_state["pr_verdicts"].get(slot)
    score = st.session_state["pr_score"]

    left, right = st.columns([3, 2])
    with left:
        st.subheader(
            t("practice.of", number=number, count=COUNT) + " · " + t(f"practice.kind_{exercise.kind}")
        )
        st.markdown(t(exercise.prompt_key, **exercise.prompt_params))
        st.latex(exercise.question_tex)
        if exercise.kind == "entry":
            exact = is_exact(exercise.answer)
            st.caption(
                t("practice.tolerance_exact")
                if exact
                else t("practice.tolerance_why", tol=f"{exercise.tolerance:.3g}")
            )
        if exercise.given:
            st.markdown(f"**{t('practice.given')}**")
            for given in exercise.given:
                st.latex(given.tex + " = " + given.values_tex)
        widget = f"pr_{'pick' if exercise.choices else 'text'}_{source}_{seed}_{number}"
        # display-size fractions reach past an option's line: padding keeps each inside its own
        # option, so a click on a choice never lands on its neighbour's
        st.html("<style>.stForm [data-testid='stRadioOption'] { padding-block: 0.8rem; }</style>")
        with st.form(key=f"pr_form_{source}_{seed}_{number}"):
            if exercise.choices:
                st.radio(
                    t("practice.choice"),
                    range(len(exercise.choices)),
                    index=None,
                    key=widget,
                    # display-size fractions: inline ones were 7 px on a projector
                    format_func=lambda k: f"**{LETTERS[k]}:** $\\displaystyle {exercise.choices[k].tex}$",
                )
            else:
                st.text_input(
                    t("practice.answer"),
                    key=widget,
                    max_chars=40,
                    help=t(f"practice.answer_help_{exercise.kind}"),
                )
            st.form_submit_button(
                t("practice.check"), type="primary", on_click=check, args=(exercise, slot, widget)
            )
        if verdict is not None:
            show = {"right": st.success, "wrong": st.error, "malformed": st.warning}[verdict.status]
            show(t(verdict.message_key, **verdict.message_params))
            first = score.first(slot)
            if first is not None:
                st.caption(t("practice.counted_right" if first else "practice.counted_wrong"))

    with right:
        with st.container(border=True):
            st.metric(t("practice.score"), t("practice.score_value", right=score.right, tried=score.tried))
            st.caption(t("practice.score_rule"))
            st.button(t("practice.reset"), key="pr_reset", on_click=reset_score)
        st.subheader(t("practice.hints"))
        for hint in exercise.hints[:hints_shown]:
            st.markdown(t(hint.key))
            st.latex(hint.tex)
        if hints_shown == 0:
            st.caption(t("practice.no_hints"))
        else:
            st.caption(t("practice.hints_left", shown=hints_shown, total=len(exercise.hints)))
        st.button(
            t("practice.hint"),
            key="pr_hint",
            disabled=hints_shown >= len(exercise.hints),
            on_click=more_hint,
            args=(slot, hints_shown),
        )


exercise_view()
