r"""A practice set as an IMS QTI 2.1 content package (a zip), for Canvas and other QTI tools.

The zip holds ``imsmanifest.xml`` (IMS Content Packaging 1.1: one ``imsqti_item_xmlv2p1``
resource per item, one ``imsqti_test_xmlv2p1`` for the test that lists them in order),
``test.xml`` (an ``assessmentTest``) and ``items/qN.xml`` (one ``assessmentItem`` each):

- a number: ``textEntryInteraction`` on a float response; response processing
  ``<equal toleranceMode="absolute">`` with the app grader's tolerance;
- a choice: ``choiceInteraction`` (the app's order, ``shuffle="false"``, one choice
  allowed); the FEEDBACK outcome takes the chosen identifier, so each choice's
  ``modalFeedback`` is the app's explanation of that mistake;
- a shape: ``textEntryInteraction`` on a string response, right if it ``stringMatch``es
  an accepted spelling; the transposed shape gets its own feedback.

Every item declares SCORE (0 or 1), MAXSCORE and FEEDBACK; the worked solution (the app's
hints) is the feedback of a wrong answer. Formulas are TeX in ``\( \)`` and ``\[ \]``.

>>> import io, zipfile
>>> sorted(zipfile.ZipFile(io.BytesIO(qti_zip(42))).namelist())[:3]
['imsmanifest.xml', 'items/q1.xml', 'items/q2.xml']
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from backprop.io.export.practice_set import COUNT, Question, practice_questions, set_title

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
QTI_XSD = QTI + " http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = CP + " http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # fixed, so the same set gives the same bytes


def qti_zip(seed: int, lang: str = "en", trace=None, count: int = COUNT) -> bytes:
    """Exercise set ``seed`` (on the page's random network, or on ``trace``'s) as a QTI 2.1 zip."""
    questions = practice_questions(seed, lang, trace=trace, count=count)
    files = {f"items/q{q.number}.xml": _xml(item(q, lang)) for q in questions}
    files["test.xml"] = _xml(assessment_test(questions, seed, lang))
    files["imsmanifest.xml"] = _xml(manifest(questions, seed, lang))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["imsmanifest.xml", "test.xml", *sorted(n for n in files if n.startswith("items/"))]:
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _xml(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True) + b"\n"


def _q(tag: str) -> str:
    """A QTI element's tag: unprefixed, in the default namespace its root declares (``xmlns``)."""
    return tag


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {k: str(v) for k, v in attributes.items()})
    element.text = text
    return element


def _html(parent: ET.Element, markup: str) -> None:
    """Append HTML paragraphs (the practice set's markup) as QTI XHTML content."""
    holder = ET.fromstring(f"<div>{markup}</div>")
    parent.extend(list(holder))


def _declare(item: ET.Element, base: str, correct: str) -> None:
    response = _sub(item, "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType=base)
    _sub(_sub(response, "correctResponse"), "value", correct)
    for name, default in (("SCORE", "0"), ("MAXSCORE", "1")):
        outcome = _sub(item, "outcomeDeclaration", identifier=name, cardinality="single", baseType="float")
        _sub(_sub(outcome, "defaultValue"), "value", default)
    _sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")


def _set(parent: ET.Element, outcome: str, base: str, value: str) -> None:
    _sub(_sub(parent, "setOutcomeValue", identifier=outcome), "baseValue", value, baseType=base)


def item(question: Question, lang: str = "en") -> ET.Element:
    """One ``assessmentItem`` (QTI 2.1) for a question."""
    root = ET.Element(
        _q("assessmentItem"),
        {
            "xmlns": QTI,
            f"{{{XSI}}}schemaLocation": QTI_XSD,
            "identifier": question.ident,
            "title": question.name,
            "adaptive": "false",
            "timeDependent": "false",
            XML_LANG: lang,
        },
    )
    base, correct = (
        {"numerical": "float", "choice": "identifier", "text": "string"}[question.kind],
        question.answer,
    )
    _declare(root, base, correct)
    body = _sub(root, "itemBody")
    _html(body, question.text)
    if question.kind == "choice":
        choices = _sub(
            body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false", maxChoices=1
        )
        for option in question.options:
            choice = _sub(choices, "simpleChoice", identifier=option.letter)
            choice.text = option.html
    else:
        line = _sub(body, "p")
        _sub(line, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength=12)
    processing = _sub(root, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    when = _sub(condition, "responseIf")
    _right_test(when, question)
    _set(when, "SCORE", "float", "1")
    if question.kind != "choice":
        _set(when, "FEEDBACK", "identifier", "RIGHT")
        if question.near:
            near = _sub(condition, "responseElseIf")
            _any_of(near, question.near)
            _set(near, "FEEDBACK", "identifier", "NEAR")
        _set(_sub(condition, "responseElse"), "FEEDBACK", "identifier", "WRONG")
    else:  # each choice's feedback is shown by its own identifier
        _sub(_sub(processing, "setOutcomeValue", identifier="FEEDBACK"), "variable", identifier="RESPONSE")
    for identifier, markup in _feedback(question):
        shown = _sub(
            root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=identifier, showHide="show"
        )
        _html(shown, markup)
    return root


def _base(base: str, value: str) -> ET.Element:
    element = ET.Element(_q("baseValue"), baseType=base)
    element.text = value
    return element


def _right_test(parent: ET.Element, question: Question) -> None:
    if question.kind == "numerical":
        half = repr(question.tolerance)
        equal = _sub(parent, "equal", toleranceMode="absolute", tolerance=f"{half} {half}")
        _sub(equal, "variable", identifier="RESPONSE")
        _sub(equal, "correct", identifier="RESPONSE")
    elif question.kind == "choice":
        match = _sub(parent, "match")
        _sub(match, "variable", identifier="RESPONSE")
        _sub(match, "correct", identifier="RESPONSE")
    else:
        _any_of(parent, question.accepted)


def _any_of(parent: ET.Element, texts: tuple[str, ...]) -> None:
    """The response matches one of the texts, ignoring case (as the app's parser does)."""
    either = _sub(parent, "or")
    for text in texts:
        same = _sub(either, "stringMatch", caseSensitive="false")
        _sub(same, "variable", identifier="RESPONSE")
        same.append(_base("string", text))


def _feedback(question: Question) -> list[tuple[str, str]]:
    """(FEEDBACK identifier, HTML): the right answer, each choice, the near misses, any other answer."""
    if question.kind == "choice":
        return [(o.letter, o.feedback + ("" if o.correct else question.solution)) for o in question.options]
    near = [("NEAR", question.near_feedback + question.solution)] if question.near else []
    return [("RIGHT", question.right), *near, ("WRONG", question.wrong + question.solution)]


def assessment_test(questions: tuple[Question, ...], seed: int, lang: str = "en") -> ET.Element:
    """The ``assessmentTest``: one part, one section, the items in the set's order."""
    root = ET.Element(
        _q("assessmentTest"),
        {
            "xmlns": QTI,
            f"{{{XSI}}}schemaLocation": QTI_XSD,
            "identifier": f"set{seed}",
            "title": set_title(seed, lang),
        },
    )
    part = _sub(root, "testPart", identifier="part1", navigationMode="nonlinear", submissionMode="individual")
    section = _sub(
        part, "assessmentSection", identifier="section1", title=set_title(seed, lang), visible="true"
    )
    for question in questions:
        _sub(section, "assessmentItemRef", identifier=question.ident, href=f"items/q{question.number}.xml")
    return root


def manifest(questions: tuple[Question, ...], seed: int, lang: str = "en") -> ET.Element:
    """``imsmanifest.xml``: a resource per item and one for the test, which depends on them all."""
    root = ET.Element(
        "manifest",
        {
            "xmlns": CP,
            f"{{{XSI}}}schemaLocation": CP_XSD,
            "identifier": f"MANIFEST-backprop-set{seed}-{lang}",
        },
    )
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, "schemaversion").text = "1.0.0"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    attributes = {"identifier": f"RES-set{seed}", "type": "imsqti_test_xmlv2p1", "href": "test.xml"}
    test_resource = ET.SubElement(resources, "resource", attributes)
    ET.SubElement(test_resource, "file", href="test.xml")
    for question in questions:
        href = f"items/q{question.number}.xml"
        attributes = {"identifier": f"RES-{question.ident}", "type": "imsqti_item_xmlv2p1", "href": href}
        resource = ET.SubElement(resources, "resource", attributes)
        ET.SubElement(resource, "file", href=href)
        ET.SubElement(test_resource, "dependency", identifierref=f"RES-{question.ident}")
    return root
