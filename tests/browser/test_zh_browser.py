r"""Every page in 中文 as the browser shows it: no English word outside math, code and names.

``tests/test_zh_complete.py`` reads what the app sends (AppTest); this reads what Chromium
draws, so the text Streamlit's own widgets add (an uploader's button and limit line, a
select box's placeholder, a number input's hint) is checked too. Math (KaTeX), code,
drawings and charts are left out, as the student reads them as symbols.
"""

from __future__ import annotations

import pytest
from browser_support import AppPage, open_sidebar, page_files, page_name, page_path
from shown_text import latin_words

pytestmark = pytest.mark.browser

# What a student reads, as text: every text node drawn on screen, each apart (so names in neighbouring cells
# do not run together), without typeset math, code, drawings and charts (their alt text is
# the accessibility test's), and without Material icons (a ligature such as "expand_more"
# is drawn as an arrow, not read as a word).
_READ = """(root) => {
  const skip = '.katex, [data-testid="stCode"], pre, code, script, style, svg, canvas,'
    + ' [data-testid="stGraphVizChart"], [data-testid="stPlotlyChart"], [data-testid="stIconMaterial"]';
  const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  const words = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const box = document.createRange();
    box.selectNodeContents(node);
    const { width, height } = box.getBoundingClientRect();
    const drawn = width > 0 && height > 0 && node.parentElement.checkVisibility();
    if (drawn && !node.parentElement.closest(skip)) words.push(node.textContent);
  }
  return words.join(' ');
}"""
# Keys are named as printed on the keyboard (Streamlit's shortcut badge on a button).
KEYS = {"Space", "Enter"}


@pytest.mark.parametrize("page_file", page_files(), ids=page_name)
def test_a_chinese_page_shows_no_english(page_file, app: AppPage):
    app.open(page_path(page_file) + "?lang=zh")
    app.wait_for_charts()
    open_sidebar(app)
    found = {
        where: [w for w in latin_words(app.page.evaluate(_READ, selector)) if w not in KEYS]
        for where, selector in (("main", '[data-testid="stMain"]'), ("sidebar", '[data-testid="stSidebar"]'))
    }
    assert not any(found.values()), f"{page_name(page_file)} (中文) shows English: {found}"
