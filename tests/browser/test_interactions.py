r"""A student's interactions in the browser, checked against the core's own numbers.

Change the layer sizes and the batch size in the sidebar, pick another entry in the
backward page's explorer, copy the URL into a fresh browser: every number read back from
the typeset formulas must be the core's (``backprop.run``), to the 3 significant digits the
page prints (backprop.derivation.latex.DIGITS). The module runs with both cores kept busy by
two other processes (stress.cpu_stress), as on a loaded CI machine: each action
must still start its run, and each wait must end on the run it started.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser_support import (
    AppPage,
    choose,
    console_errors,
    pick_radio,
    set_number,
    widget_values,
)
from stress import cpu_stress
from tex_on_page import final_number, matrix_after, shown_matrix, tex_sources

from backprop.core.network import run
from backprop.core.spec import NetworkSpec
from backprop.derivation import notation as nt

pytestmark = pytest.mark.browser

SHOWN_RTOL = 5e-3  # 3 significant digits


@pytest.fixture(scope="module", autouse=True)
def busy_machine():
    """Both cores kept busy by two other processes while this module runs (AppPage.act's retry)."""
    with cpu_stress(workers=2) as burners:
        yield
        assert all(b.poll() is None for b in burners), "the load ended before the tests did"


def assert_shown(what: str, shown: tuple[str, list[list[float]]], expected: np.ndarray) -> None:
    """A matrix read from the page has the core's shape and values."""
    shape, rows = shown
    grid = expected.reshape(-1, 1) if expected.ndim == 1 else expected
    assert shape.replace(" ", "") == r"\times".join(map(str, expected.shape)), (
        f"{what}: shape {shape}, core {expected.shape}"
    )
    np.testing.assert_allclose(
        np.array(rows), grid, rtol=SHOWN_RTOL, atol=1e-12, err_msg=f"{what} differs from the core"
    )


def assert_clean(app: AppPage) -> None:
    assert app.page.locator('[data-testid="stException"]').count() == 0, f"exception box at {app.page.url}"
    errors = app.page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, f"error alerts at {app.page.url}: {errors}"
    assert not console_errors(app), console_errors(app)


def spec(sizes=(3, 4, 2), batch=4) -> NetworkSpec:
    return NetworkSpec(
        sizes=sizes,
        activations=("sigmoid", "identity"),
        loss="mse",
        reduction="sum",
        batch=batch,
        seed=0,
        init="uniform",
    )


def test_forward_page_follows_layer_sizes_and_batch(app: AppPage) -> None:
    app.open("/forward")
    before = run(spec()).layers[0]
    assert_shown("Z^(1) (default network)", shown_matrix(tex_sources(app), "Z^{(1)}"), before.Z)

    set_number(app, "sb_n1", 5)
    set_number(app, "sb_m", 3)
    layer = run(spec(sizes=(3, 5, 2), batch=3)).layers[0]
    sources = tex_sources(app)
    for name, expected in (
        ("A^{(0)}", layer.A_prev),
        ("W^{(1)}", layer.W),
        ("b^{(1)}", layer.b),
        ("Z^{(1)}", layer.Z),
        ("A^{(1)}", layer.A),
    ):
        assert_shown(name, shown_matrix(sources, name), expected)
    assert final_number(sources, "z_{11} = ") == pytest.approx(layer.Z[0, 0], rel=SHOWN_RTOL)
    values = widget_values(app)
    assert (values["sb_n1"], values["sb_m"]) == ("5", "3"), values
    assert "sizes=3%2C5%2C2" in app.page.url and re.search(r"[?&]m=3(&|$)", app.page.url), app.page.url
    assert_clean(app)


def _fd_shown(app: AppPage) -> float:
    text = (
        app.page.locator('[data-testid="stMarkdownContainer"]')
        .filter(has_text="finite differences")
        .first.inner_text()
    )
    return float(re.search(r":\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*$", text.strip()).group(1))


def test_backward_explorer_follows_the_chosen_entry(app: AppPage) -> None:
    app.open("/backward")
    layer = run(spec()).layers[0]
    sources = tex_sources(app)
    assert final_number(sources, nt.partial(nt.entry("w", 1, 0, 0)) + r" = \Big(") == pytest.approx(
        layer.dW[0, 0], rel=SHOWN_RTOL
    )
    assert_shown("dL/dW^(1) panel", matrix_after(sources, nt.grad("W", 1) + " ="), layer.dW)

    choose(app, "bw_i_W", "3")
    choose(app, "bw_j_W", "2")
    sources = tex_sources(app)
    head = nt.partial(nt.entry("w", 1, 2, 1))
    assert final_number(sources, head + r" = \Big(") == pytest.approx(
        layer.dW[2, 1], rel=SHOWN_RTOL
    )  # matrix entry
    assert final_number(sources, head + " &= ") == pytest.approx(
        layer.dW[2, 1], rel=SHOWN_RTOL
    )  # collapsed sum
    assert _fd_shown(app) == pytest.approx(layer.dW[2, 1], rel=1e-6)  # finite differences, 12 digits shown
    values = widget_values(app)
    assert (values["bw_i_W"], values["bw_j_W"]) == ("3", "2"), values

    pick_radio(app, "bw_layer", "2")
    pick_radio(app, "bw_var", "b⁽²⁾")
    layer2 = run(spec()).layers[1]
    choose(app, "bw_j_b", "1")
    sources = tex_sources(app)
    assert final_number(sources, nt.partial(nt.entry("b", 2, 0)) + " = ") == pytest.approx(
        layer2.db[0], rel=SHOWN_RTOL
    )
    assert _fd_shown(app) == pytest.approx(layer2.db[0], rel=1e-6)
    assert_clean(app)


def test_copied_url_opens_the_same_view(app: AppPage, new_app_page) -> None:
    app.open("/backward")
    set_number(app, "sb_n1", 5)
    set_number(app, "sb_m", 3)
    choose(app, "bw_i_W", "2")
    choose(app, "bw_j_W", "4")
    url = app.page.url
    shown, values = tex_sources(app), widget_values(app)
    expected = run(spec(sizes=(3, 5, 2), batch=3)).layers[0].dW[1, 3]
    assert final_number(shown, nt.partial(nt.entry("w", 1, 1, 3)) + r" = \Big(") == pytest.approx(
        expected, rel=SHOWN_RTOL
    )

    other = new_app_page()  # a fresh browser context: no cookies, no Streamlit session
    other.open(url.removeprefix(other.base_url))
    assert widget_values(other) == values
    assert tex_sources(other) == shown
    assert _fd_shown(other) == _fd_shown(app)
    assert_clean(other)
