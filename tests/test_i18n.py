"""Catalogues (backprop/locales): both languages, same keys and placeholders; t() per session."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backprop.ui import i18n

LOCALES = Path(i18n.__file__).parents[1] / "locales"
AREAS = sorted({p.stem for p in LOCALES.glob("*/*.json")})
TRANSLATED_AREAS = ("common", "home", "forward", "backward")
ROOT = Path(__file__).resolve().parents[1]
SOURCES_WITH_LITERAL_KEYS = [
    "pages/0_home.py",
    "pages/1_forward.py",
    "pages/2_backward.py",
    *(f"backprop/ui/{name}.py" for name in ("sidebar", "state", "editing", "explorer", "show")),
]


def load(lang: str, area: str) -> dict[str, str]:
    path = LOCALES / lang / f"{area}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.mark.parametrize("area", AREAS)
def test_both_languages_have_the_same_keys_and_placeholders(area):
    en, zh = load("en", area), load("zh", area)
    assert sorted(en) == sorted(zh), f"{area}: keys differ: {sorted(set(en) ^ set(zh))}"
    for key in en:
        assert key.startswith(f"{area}."), f"{key} is not namespaced {area}."
        assert i18n.placeholders(en[key]) == i18n.placeholders(zh[key]), f"{key}: placeholders differ"


@pytest.mark.parametrize("area", TRANSLATED_AREAS)
def test_these_areas_are_translated_into_chinese(area):
    en, zh = load("en", area), load("zh", area)
    assert en and all(zh[key].strip() for key in en)
    # a Chinese catalogue must hold Chinese, not copied English (mathematics-only strings aside)
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", v)) for v in zh.values()) >= len(zh) // 2


@pytest.mark.parametrize("source", SOURCES_WITH_LITERAL_KEYS)
def test_every_literal_key_used_exists(source):
    text = (ROOT / source).read_text(encoding="utf-8")
    keys = set(re.findall(r"""\bt\(\s*["']((?:common|home|forward|backward)\.[a-z_0-9]+)["']\s*[,)]""", text))
    keys |= set(re.findall(r'"((?:common|home|forward|backward)\.[a-z_0-9]+)"', text))
    missing = sorted(k for k in keys if k not in i18n.catalogue("en"))
    assert not missing, f"{source} uses keys missing from the catalogue: {missing}"


def test_translate_formats_and_falls_back():
    assert i18n.translate("zh", "common.width", k=2) == "宽度 $n_{2}$"
    assert i18n.translate("zh", "no.such_key") == "no.such_key"
    assert i18n.translate("fr", "common.loss") == "Loss"  # unknown language: English


@pytest.mark.parametrize(
    "locale, lang",
    [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("en-US", "en"), ("fr", "en"), (None, "en"), ("", "en")],
)
def test_language_from_browser_locale(locale, lang):
    assert i18n.language_from_locale(locale) == lang


def test_outside_a_streamlit_run_t_is_english():
    assert i18n.t("common.language") == "Language"


def test_every_page_has_a_navigation_label_and_a_home_description():
    from backprop.ui.registry import PAGES

    for name in (entry.name for entry in PAGES):
        assert f"common.nav_{name}" in i18n.catalogue("zh")
        assert name == "home" or f"home.about_{name}" in i18n.catalogue("zh")
