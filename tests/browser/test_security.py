r"""Values from a URL are shown inert in the browser: no link, no image, no math, no formatting.

GFM turns ``www.x.y``, ``https://...`` and e-mail addresses into links even when every
character is backslash-escaped, so the app shows such values in code spans
(``backprop.ui.show.plain``). Each hostile value below is put in a URL parameter that
refuses it; the page must show a warning that names the parameter, holds the value as
typed, and contains no ``<a>``, ``<img>``, KaTeX, emphasis or raw HTML made from it.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from browser_support import AppPage, console_errors

from backprop.ui.urlparams import ParamWarning

pytestmark = pytest.mark.browser

# parameter -> hostile value; each parameter refuses its value with a warning
HOSTILE = {
    "init": "https://evil.example",
    "loss": "www.evil.example/x",
    "reduction": "mallory@evil.example",
    "seed": "[click](https://evil.example)",
    "m": '<a href="https://evil.example">x</a><img src=x onerror=alert(1)>',
    "lang": r"$\href{https://evil.example}{x}$ and $$x^2$$",
    "sizes": "`3` **bold** _it_ ![i](https://evil.example/i.png)",
    "act1": "custom:www.evil.example",
    "X": "x\n\n[after a blank line](https://evil.example) ``` ~~gone~~ :red[red] :smile:",
}
FORMATTING = "a, img, .katex, strong, em, del, pre, h1, h2, h3, blockquote, li, table, span[style*=color]"


def _warnings(app: AppPage) -> list:
    return app.page.locator('[data-testid="stAlertContentWarning"]').all()


def test_hostile_url_values_are_shown_inert(app: AppPage) -> None:
    app.open("/?" + urlencode(HOSTILE))
    boxes = _warnings(app)
    texts = [box.inner_text() for box in boxes]
    for param, value in HOSTILE.items():
        named = [(box, text) for box, text in zip(boxes, texts) if f"URL parameter {param} " in text]
        assert named, f"no warning names {param}: {texts}"
        box, text = named[0]
        if f"URL parameter {param} is refused" in text:  # the core's refusal, written from its code
            # its sentence may typeset the catalogue's own math; the value itself sits in a code span
            formula = value.removeprefix("custom:")
            codes = box.locator("code").all_inner_texts()
            assert any(formula in code for code in codes), f"{param}: {formula!r} not inert in {codes}"
            made = box.locator(FORMATTING.replace(".katex, ", "")).evaluate_all(
                "els => els.map(e => e.outerHTML)"
            )
            assert not made, f"{param}: the value became markup: {made}"
            continue
        shown = ParamWarning(param, value, "", {}).shown_value()  # quoted as Python does, cut to 40
        assert f"URL parameter {param} = {shown} is not allowed" in text, f"{param}: {text!r} lacks {shown!r}"
        made = box.locator(FORMATTING).evaluate_all("els => els.map(e => e.outerHTML)")
        assert not made, f"{param}: the value became markup: {made}"
    assert app.page.locator('[data-testid="stMain"] a[href*="evil"]').count() == 0
    assert not console_errors(app), console_errors(app)
