r"""A practice set as Moodle XML: numerical, multiple-choice and short-answer questions.

Moodle's question bank imports the file (Question bank → Import → Moodle XML format) into
a category named after the set. Structure, per Moodle's "Moodle XML format" documentation:

- ``<quiz>`` holding a ``<question type="category">`` and one ``<question>`` per exercise,
  each with ``<name>``, ``<questiontext format="html">``, ``<generalfeedback>`` (the app's
  hints, worked to the answer), ``<defaultgrade>``, ``<penalty>``, ``<hidden>``;
- ``numerical``: ``<answer fraction="100">`` with ``<tolerance>`` (absolute, the app
  grader's), then ``*`` (any other number) at fraction 0 with feedback;
- ``multichoice``: ``<single>true</single>``, the app's order and letters (``shuffleanswers``
  0, ``answernumbering`` ABCD, so feedback that names a letter stays right), one
  ``<feedback>`` per answer: the app's explanation of that mistake;
- ``shortanswer`` (a shape): every accepted spelling at fraction 100, the transposed shape
  with its own feedback, ``*`` at fraction 0.

Formulas are TeX in ``\( \)`` and ``\[ \]``: Moodle's MathJax filter typesets them.

>>> import xml.etree.ElementTree as ET
>>> quiz = ET.fromstring(moodle_xml(42))
>>> [q.get("type") for q in quiz][:4]
['category', 'numerical', 'multichoice', 'multichoice']
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backprop.io.export.practice_set import COUNT, Question, practice_questions, set_title

PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (interactive behaviour)
TYPES = {"numerical": "numerical", "choice": "multichoice", "text": "shortanswer"}


def moodle_xml(seed: int, lang: str = "en", trace=None, count: int = COUNT) -> bytes:
    """Exercise set ``seed`` (on the page's random network, or on ``trace``'s) as Moodle XML bytes."""
    questions = practice_questions(seed, lang, trace=trace, count=count)
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", type="category")
    _text(ET.SubElement(category, "category"), f"$course$/top/Backprop/{set_title(seed, lang)}")
    _text(ET.SubElement(category, "info", format="html"), "")
    for question in questions:
        quiz.append(_question(question))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, value: str) -> ET.Element:
    ET.SubElement(parent, "text").text = value
    return parent


def _html(parent: ET.Element, tag: str, value: str) -> ET.Element:
    return _text(ET.SubElement(parent, tag, format="html"), value)


def _question(question: Question) -> ET.Element:
    element = ET.Element("question", type=TYPES[question.kind])
    _text(ET.SubElement(element, "name"), question.name)
    _html(element, "questiontext", question.text)
    _html(element, "generalfeedback", question.solution)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = PENALTY
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.ident
    {"numerical": _numerical, "choice": _multichoice, "text": _shortanswer}[question.kind](element, question)
    return element


def _answer(parent: ET.Element, fraction: int, text: str, feedback: str, fmt: str = "moodle_auto_format"):
    answer = _text(ET.SubElement(parent, "answer", fraction=str(fraction), format=fmt), text)
    _html(answer, "feedback", feedback)
    return answer


def _numerical(element: ET.Element, question: Question) -> None:
    right = _answer(element, 100, question.answer, question.right)
    ET.SubElement(right, "tolerance").text = repr(question.tolerance)
    other = _answer(element, 0, "*", question.wrong)  # any other number: the hint to the worked solution
    ET.SubElement(other, "tolerance").text = "0"
    ET.SubElement(element, "unitgradingtype").text = "0"
    ET.SubElement(element, "unitpenalty").text = "0.1"
    ET.SubElement(element, "showunits").text = "3"  # no unit asked for
    ET.SubElement(element, "unitsleft").text = "0"


def _multichoice(element: ET.Element, question: Question) -> None:
    ET.SubElement(element, "single").text = "true"
    ET.SubElement(element, "shuffleanswers").text = "0"
    ET.SubElement(element, "answernumbering").text = "ABCD"
    ET.SubElement(element, "showstandardinstruction").text = "0"
    _html(element, "correctfeedback", question.right)
    _html(element, "partiallycorrectfeedback", "")
    _html(element, "incorrectfeedback", "")
    for option in question.options:
        _answer(element, 100 if option.correct else 0, option.html, option.feedback, fmt="html")


def _shortanswer(element: ET.Element, question: Question) -> None:
    ET.SubElement(element, "usecase").text = "0"
    for text in question.accepted:
        _answer(element, 100, text, question.right)
    for text in question.near:
        _answer(element, 0, text, question.near_feedback)
    _answer(element, 0, "*", question.wrong)
