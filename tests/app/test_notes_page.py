"""The notes page: every section reachable in English and Chinese with no raw key; the contents
show the core's verdict of every step; the open section is kept in the URL; details on demand."""

from __future__ import annotations

import dataclasses
import re

import pytest
from katex.latex_check import katex_errors, other_transposes, page_latex, require_node

from backprop import NetworkSpec, run
from backprop.teaching import layout, notes
from backprop.teaching.notes_walk.model import Step
from backprop.ui.i18n import translate

from .conftest import assert_clean, run_page, texts

PAGE = "pages/7_notes.py"
RAW_KEY = re.compile(r"\bnotes\.[a-z_]+\.[a-zA-Z_.]+|\bnotes\.(?:title|intro|summary|layer|sample|toc_\w+)\b")
NETWORKS = {
    "default": {},
    "softmax-ce-m1": {"sizes": "3,3,3", "m": "1", "act1": "relu", "act2": "softmax", "loss": "softmax_ce"},
    "one-layer": {"sizes": "3,2", "act1": "identity"},
    "bce-mean": {"sizes": "2,3,1", "act1": "tanh", "act2": "sigmoid", "loss": "bce", "reduction": "mean"},
    "wide": {"sizes": "20,12,2", "m": "12"},
}
SECTIONS = [*(section.key for section in notes.walk(run(NetworkSpec())).sections), "all_mistakes", "layouts"]
COLOUR = {"verified": "green", "refuted": "red", "unjudged": "gray"}
SIGN = {"verified": "✓", "refuted": "✗", "unjudged": "?"}


def shown(at) -> str:
    labels = [w.label for kind in ("radio", "selectbox", "expander") for w in getattr(at, kind)]
    options = [option for radio in at.radio for option in radio.options]
    return "\n".join([texts(at), *map(str, labels), *map(str, options)])


def open_section(at, section: str, details: bool = False):
    """Choose ``section`` in the contents; with ``details``, open every expander of checks too."""
    at.radio(key="nt_section").set_value(section).run()
    if details:
        for expander in at.expander:
            if expander.key:
                at.session_state[expander.key] = True
        at.run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("network", NETWORKS, ids=list(NETWORKS))
def test_every_section_renders_without_raw_keys(network, lang):
    at = run_page(PAGE, {**NETWORKS[network], "lang": lang})
    assert_clean(at)
    assert at.title[0].value == translate(lang, "notes.title")
    assert list(at.radio(key="nt_section").options) and at.radio(key="nt_section").value == SECTIONS[0]
    for section in SECTIONS:
        open_section(at, section, details=network in ("default", "bce-mean"))
        assert_clean(at)
        text = shown(at)
        assert not RAW_KEY.search(text), (section, RAW_KEY.search(text))
        if lang == "zh":
            assert "讲义" in text and "验证通过" in text


def _toc_badges(tour) -> list[list[str]]:
    """The badges the contents should show for each section of the core's walk, in order."""
    rows = []
    for n, section in enumerate(tour.sections, start=1):
        row = []
        for k, item in enumerate(section.items, start=1):
            if isinstance(item, Step):
                row.append(f":{COLOUR[item.verdict]}-badge[{n}.{k} {SIGN[item.verdict]}]")
            else:
                signs = f"{SIGN[item.refutation.verdict]}→{SIGN[item.corrected_verdict]}"
                row.append(f":{COLOUR[item.corrected_verdict]}-badge[M{item.number} {signs}]")
        rows.append(row)
    return rows


def test_the_contents_show_every_steps_verdict_from_the_core():
    at = run_page(PAGE, {"layer": "1", "sample": "2"})
    assert_clean(at)
    tour = notes.walk(run(NetworkSpec()), 1, 1)
    lines = at.radio(key="nt_section").options
    assert len(lines) == len(tour.sections) + 2
    for line, badges, section in zip(lines, _toc_badges(tour), tour.sections, strict=False):
        assert translate("en", f"notes.section.{section.key}.title") in line
        assert re.findall(r":\w+-badge\[[^\]]*\]", line) == badges
    assert sum(len(row) for row in _toc_badges(tour)) == len(tour.steps) + len(tour.mistakes)
    # the layouts line: the notes' forms all hold, the tempting alternatives are all refuted
    trace = run(NetworkSpec())
    candidates = layout.candidates(trace, 1)
    held = (
        len(layout.layouts(trace, 1)) + len(layout.conventions(trace, 1)) + sum(c.correct for c in candidates)
    )
    tempting = sum(not c.correct for c in candidates)
    assert tempting and all(c.check.holds is False for c in candidates if not c.correct)
    assert (
        f":green-badge[{held}/{held} ✓] :blue-badge[tempting alternatives {tempting}/{tempting} ✗]"
        in lines[-1]
    )


def test_a_refuted_step_shows_as_refuted_in_the_contents(monkeypatch):
    walk = notes.walk

    def one_step_broken(trace, *focus):
        tour = walk(trace, *focus)
        first, *rest = tour.sections[0].items
        check = dataclasses.replace(first.checks[0], holds=False)
        broken = dataclasses.replace(first, checks=(check, *first.checks[1:]))
        section = dataclasses.replace(tour.sections[0], items=(broken, *rest))
        return dataclasses.replace(tour, sections=(section, *tour.sections[1:]))

    monkeypatch.setattr(notes, "walk", one_step_broken)
    at = run_page(PAGE, {"sizes": "2,5,3", "m": "3"})  # a network no other test caches
    assert_clean(at)
    assert ":red-badge[1.1 ✗]" in at.radio(key="nt_section").options[0]
    assert translate("en", "notes.summary_refuted") in [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_open_section_is_in_the_url_and_survives_reruns_and_links(lang):
    at = run_page(PAGE, {"lang": lang})
    open_section(at, "chain_W")
    assert at.query_params["section"] == "chain_W"
    title = f"6. {translate(lang, 'notes.section.chain_W.title')}"
    assert at.header[0].value == title
    at.run()
    assert at.radio(key="nt_section").value == "chain_W" and at.header[0].value == title
    at.switch_page("pages/2_backward.py").run()
    at.switch_page(PAGE).run()
    assert at.radio(key="nt_section").value == "chain_W"
    shared = run_page(PAGE, dict(at.query_params))  # the link someone else opens
    assert_clean(shared)
    assert shared.radio(key="nt_section").value == "chain_W" and shared.header[0].value == title


def test_one_section_at_a_time_and_details_only_on_demand():
    at = run_page(PAGE)
    assert [h.value for h in at.header] == [f"1. {translate('en', 'notes.section.forward_single.title')}"]
    method = translate("en", "notes.method.shapes")
    assert not any(m.value.startswith(f"**{method}**") for m in at.markdown)  # the checks are closed
    open_section(at, "forward_single", details=True)
    assert any(m.value.startswith(f"**{method}**") for m in at.markdown)


def test_a_counterexample_on_screen_is_the_cores():
    at = run_page(PAGE, {"layer": "1", "sample": "2"})
    assert_clean(at)
    tour = notes.walk(run(NetworkSpec()), 1, 1)
    summary = translate(
        "en",
        "notes.summary",
        verified=sum(step.verdict == "verified" for step in tour.steps),
        total=len(tour.steps),
        unjudged=sum(step.verdict == "unjudged" for step in tour.steps),
        refuted=sum(step.verdict == "refuted" for step in tour.steps),
        mistakes=13,
        corrected=13,
    )
    assert summary in texts(at)
    five = next(m for m in tour.mistakes if m.number == 5)
    line = next(e for e in five.refutation.evidence if e.key == "counterexample")
    counterexample = translate("en", "notes.evidence.counterexample", **line.params)
    section = next(s for s in tour.sections if five in s.items)
    place = section.items.index(five) + 1
    at.radio(key="nt_section").set_value(section.key).run()
    assert counterexample not in texts(at)
    at.session_state[f"nt_{section.key}_{place}_wrong"] = True
    at.run()
    assert counterexample in texts(at)


def test_the_figures_the_notes_lack_are_drawn():
    at = run_page(PAGE)
    drawn = 0
    for section in SECTIONS:
        drawn += len(open_section(at, section).get("graphviz_chart"))
    assert drawn == 3


def test_language_survives_a_page_switch_and_a_shared_url():
    at = run_page(PAGE, {"lang": "zh", "sizes": "2,3,2", "layer": "1"})
    assert at.title[0].value == "讲义逐步核对" and at.query_params["lang"] == "zh"
    at.switch_page("pages/2_backward.py").run()
    assert at.title[0].value == translate("zh", "backward.title") and at.query_params["lang"] == "zh"
    at.switch_page(PAGE).run()
    assert at.title[0].value == "讲义逐步核对" and at.query_params["sizes"] == "2,3,2"
    shared = run_page(PAGE, dict(at.query_params))  # the link someone else opens
    assert_clean(shared)
    assert shared.title[0].value == "讲义逐步核对" and shared.radio(key="nt_layer").value == 1


def test_choices_go_into_the_url():
    at = run_page(PAGE)
    at.radio(key="nt_layer").set_value(1).run()
    at.selectbox(key="nt_sample").set_value(3).run()
    assert at.query_params["layer"] == "1" and at.query_params["sample"] == "3"
    assert_clean(at)


@pytest.mark.parametrize(
    "param, given", [("layer", "9"), ("sample", "x" * 500), ("wj", "٣"), ("section", "appendix")]
)
def test_a_hostile_page_parameter_warns_by_name(param, given):
    at = run_page(PAGE, {param: given})
    assert_clean(at)
    assert any(f"URL parameter {param} = " in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_network_too_big_to_walk_says_so_and_why(monkeypatch):
    # links past the walk's limit are refused earlier (backprop.ui.limits): lower the limit
    from backprop.teaching import notes

    monkeypatch.setattr(notes, "MAX_MACS", 1000)
    at = run_page(PAGE, {"sizes": "30,30,2", "m": "4"})  # 3,840 multiply-adds per forward pass
    assert_clean(at)
    assert any("3.84e+03" in i.value and "1e+03" in i.value for i in at.info), [i.value for i in at.info]
    assert "nt_section" not in [radio.key for radio in at.radio]  # nothing half-checked is shown


@pytest.mark.parametrize("network", ["default", "softmax-ce-m1"])
def test_every_formula_of_every_section_with_its_details_open_is_in_one_notation(network):
    # the sections and the expanders hide formulas from a page-wide collector: open them all
    query = NETWORKS[network]
    layers = len(query.get("sizes", "3,4,2").split(",")) - 1
    shown = []
    for layer in range(1, layers + 1):
        at = run_page(PAGE, {**query, "layer": str(layer)})
        for section in SECTIONS:
            shown.extend(page_latex(open_section(at, section, details=True)))
            assert_clean(at)
    shown = list(dict.fromkeys(shown))
    assert len(shown) > 100 and any("\\mathrm{T}" in tex for tex, _ in shown)
    offending = {tex: other_transposes(tex) for tex, _ in shown if other_transposes(tex)}
    assert not offending, offending
    require_node()
    version, errors = katex_errors(shown)
    assert not errors, f"KaTeX {version} rejects: {errors}"
