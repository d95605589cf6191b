r"""Every page on two networks (default, softmax + cross-entropy): one transpose sign, LaTeX KaTeX accepts.

Each page is rendered with AppTest in its default state and in every state its URL
selects (each backward step, each classic mistake, each variable and layer; each
presenter slide with all its stages revealed). Every st.latex element and every $...$
in text is collected, checked for a transpose sign other than \mathrm{T}, and given to
the real KaTeX (tests/katex, run by node) with throwOnError.
"""

from __future__ import annotations

import functools

import pytest
from katex.latex_check import katex_errors, other_transposes, page_latex, require_node

from backprop import NetworkSpec, run
from backprop.derivation.classic_mistakes import MISTAKES
from backprop.derivation.steps import backward_steps

from .conftest import assert_clean, page_files, run_page

NETWORKS = {
    "default": ({}, NetworkSpec()),
    "softmax-ce": (
        {"sizes": "3,4,3", "act1": "tanh", "act2": "softmax", "loss": "softmax_ce"},
        NetworkSpec(sizes=(3, 4, 3), activations=("tanh", "softmax"), loss="softmax_ce"),
    ),
}
CASES = [(page, network) for page in page_files() for network in NETWORKS]
IDS = [f"{page.removeprefix('pages/').removesuffix('.py')}-{network}" for page, network in CASES]

REVEAL = "reveal"  # in a view: the key of a button to click until it is gone (the presenter's stages)


def views(page: str, spec: NetworkSpec) -> list[dict]:
    """The URL states of a page to render besides its default one."""
    layers = [{"layer": str(l)} for l in range(1, spec.L + 1)]
    steps = range(1, len(backward_steps(run(spec))) + 1)
    return {
        "pages/1_forward.py": layers,
        "pages/2_backward.py": [
            {"layer": str(l), "var": v} for l in range(1, spec.L + 1) for v in ("W", "b", "A_prev")
        ],
        "pages/3_symbolic.py": [{"var": v} for v in ("b", "A_prev")],
        "pages/4_check.py": [{"ck_mistake": k} for k in MISTAKES],
        "pages/7_notes.py": layers,
        "pages/9_step_through.py": [{"step": str(k)} for k in steps],
        "pages/10_presenter.py": [{"slide": str(k), REVEAL: "ps_reveal"} for k in steps],
    }.get(page, [])


@functools.cache
def formulas(page: str, network: str) -> tuple[tuple[str, bool], ...]:
    """The formulas (LaTeX, display?) of the page in every view, rendered once per page and network."""
    query, spec = NETWORKS[network]
    shown = []
    for extra in [{}, *views(page, spec)]:
        extra = dict(extra)
        button = extra.pop(REVEAL, None)
        at = run_page(page, {**query, **extra})
        assert_clean(at)
        shown.extend(page_latex(at))
        while button is not None and any(b.key == button for b in at.button):
            at = at.button(key=button).click().run()
            assert_clean(at)
            shown.extend(page_latex(at))
    return tuple(dict.fromkeys(shown))


@pytest.mark.parametrize(("page", "network"), CASES, ids=IDS)
def test_one_transpose_sign(page, network):
    shown = formulas(page, network)
    offending = {tex: other_transposes(tex) for tex, _ in shown if other_transposes(tex)}
    assert not offending, f"{page} ({network}) writes a transpose other than \\mathrm{{T}}: {offending}"


@pytest.mark.parametrize(("page", "network"), CASES, ids=IDS)
def test_katex_accepts_every_formula(page, network):
    require_node()
    shown = formulas(page, network)
    version, errors = katex_errors(list(shown))
    assert not errors, f"KaTeX {version} rejects formulas of {page} ({network}): {errors}"


def test_the_collector_finds_the_formulas_of_the_backward_page():
    # so that the checks above cannot pass on an empty list
    shown = [tex for tex, _ in formulas("pages/2_backward.py", "default")]
    assert len(shown) > 20 and sum("\\mathrm{T}" in tex for tex in shown) >= 3
