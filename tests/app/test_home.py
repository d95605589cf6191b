"""The home page: renders in both languages, keeps the configuration in the URL."""

from __future__ import annotations

from .conftest import assert_clean, run_page, texts


def test_home_renders_with_default_network():
    at = run_page()
    assert_clean(at)
    assert at.query_params["sizes"] == "3,4,2"


def test_home_in_chinese():
    at = run_page(query={"lang": "zh"})
    assert_clean(at)
    assert "反向传播" in texts(at)
