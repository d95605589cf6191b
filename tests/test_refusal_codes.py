r"""Every refusal of the core, the uploads, training and the command line has a code and its sentences.

The pages write a refusal from its ``code`` and ``fields`` (``backprop.locales.error_text``),
never from the English sentence, so:

- every ``InvalidInput(...)`` in the scanned sources passes ``code=`` (an AST scan);
- every literal code has a sentence in both catalogues, and the fields its raise passes
  cover the sentence's placeholders (a missing one would fail at the moment a student
  meets the refusal);
- the Chinese sentence is Chinese: no English word outside math, code and names;
- real refusals (a bad spec, upload, training request, command-line option) read so in 中文;
- in the app, a URL parameter and an upload the core refuses are shown in Chinese.
"""

from __future__ import annotations

import ast
import io
import re
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest
from app.conftest import run_page, texts
from shown_text import caret_math, latin_words

from backprop.core.errors import InvalidInput
from backprop.core.network import Params, checked_inputs
from backprop.core.spec import NetworkSpec
from backprop.io.options import spec_from_args
from backprop.io.upload import load
from backprop.locales import catalogue, error_text, placeholders
from backprop.teaching.train import train

ROOT = Path(__file__).resolve().parents[1] / "backprop"
SCANNED = [
    *sorted((ROOT / "core").glob("*.py")),
    *sorted((ROOT / "io").glob("upload*.py")),
    ROOT / "io" / "options.py",
    ROOT / "teaching" / "train.py",
]


def raise_sites() -> list[tuple[str, int, ast.Call]]:
    """(file, line, call) of every InvalidInput(...) call in the scanned sources."""
    sites = []
    for path in SCANNED:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InvalidInput":
                sites.append((path.relative_to(ROOT.parent).as_posix(), node.lineno, node))
    return sites


def _codes(call: ast.Call) -> list[str] | None:
    """The literal code(s) a call passes (both arms of an ``a if c else b``); None if computed."""
    value = next(k.value for k in call.keywords if k.arg == "code")
    arms = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
    if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arms):
        return [a.value for a in arms]
    return None  # a re-raise passing on error.code, or formula_grammar.py's f"formula_{code}"


def test_the_scan_finds_the_raise_sites():
    files = {f for f, _, _ in raise_sites()}
    # 90 since the CSV and JSON readers' ragged-row refusal became one function (check_row_width)
    assert len(raise_sites()) >= 90, len(raise_sites())
    assert {"backprop/core/spec.py", "backprop/io/upload_zip.py", "backprop/teaching/train.py"} <= files


def test_every_raise_has_a_code():
    missing = [
        f"{f}:{line}" for f, line, call in raise_sites() if not any(k.arg == "code" for k in call.keywords)
    ]
    assert not missing, f"InvalidInput without code=: {missing}"


def test_every_literal_code_has_both_sentences_and_its_fields():
    checked = 0
    for f, line, call in raise_sites():
        codes = _codes(call)
        if codes is None:
            continue
        passed = {k.arg for k in call.keywords} | {"value"}
        spread = any(k.arg is None for k in call.keywords)  # **fields: checked by the real refusals below
        for code in codes:
            checked += 1
            sentences = [catalogue(lang).get(f"errors.{code}") for lang in ("en", "zh")]
            assert all(sentences), f"{f}:{line}: errors.{code} missing in a catalogue"
            needed = placeholders(sentences[0])
            assert spread or needed <= passed, f"{f}:{line}: {code} needs {needed - passed}"
    assert checked > 80


def test_every_chinese_sentence_is_chinese():
    for key, text in catalogue("zh").items():
        if not key.startswith("errors."):
            continue
        bare = re.sub(r"\{\w+\}", " ", text)
        assert re.search(r"[\u4e00-\u9fff]", bare), key
        assert not latin_words(bare), (key, latin_words(bare))
        assert not caret_math(bare) and not caret_math(catalogue("en")[key]), key


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _args(**given) -> Namespace:
    base = {"sizes": "3,4,2", "activations": None, "loss": "mse", "reduction": "sum"}
    return Namespace(**{**base, "batch": "4", "seed": "0", "init": "uniform", **given})


SPEC = NetworkSpec()
REFUSED = {
    "spec_layers": lambda: NetworkSpec(sizes=(3,)),
    "spec_width": lambda: NetworkSpec(sizes=(3, 5000), activations=("identity",)),
    "spec_sizes": lambda: NetworkSpec(sizes="3,4"),
    "spec_activation_count": lambda: NetworkSpec(activations=("relu",)),
    "spec_activation": lambda: NetworkSpec(activations=("swish", "identity")),
    "formula_incomplete": lambda: NetworkSpec(activations=("custom:z+", "identity")),
    "spec_last_only": lambda: NetworkSpec(activations=("softmax", "identity")),
    "spec_loss": lambda: NetworkSpec(loss="hinge"),
    "spec_loss_output": lambda: NetworkSpec(loss="bce"),
    "spec_reduction": lambda: NetworkSpec(reduction="median"),
    "spec_batch": lambda: NetworkSpec(batch=0),
    "spec_seed": lambda: NetworkSpec(seed=-1),
    "spec_init": lambda: NetworkSpec(init="zeros"),
    "spec_work": lambda: NetworkSpec(sizes=(1024,) * 9, activations=("identity",) * 8, batch=1024),
    "array_shape": lambda: checked_inputs(SPEC, None, np.ones((4, 2)), None),
    "array_finite": lambda: checked_inputs(SPEC, None, np.full((4, 3), np.nan), None),
    "array_magnitude": lambda: checked_inputs(SPEC, None, np.full((4, 3), 1e9), None),
    "array_real": lambda: checked_inputs(SPEC, None, np.ones((4, 3)) * 1j, None),
    "targets_range": lambda: checked_inputs(
        NetworkSpec(activations=("sigmoid", "sigmoid"), loss="bce"), None, None, np.full((4, 2), 2.0)
    ),
    "params_count": lambda: checked_inputs(SPEC, Params((np.ones((3, 4)),), (np.ones(4),))),
    "train_rate": lambda: train(SPEC, 0.0, 1),
    "train_steps": lambda: train(SPEC, 0.1, -1),
    "option_whole": lambda: spec_from_args(_args(batch="x")),
    "option_sizes": lambda: spec_from_args(_args(sizes="3")),
    "option_choice": lambda: spec_from_args(_args(loss="hinge")),
    "upload_none": lambda: load([]),
    "upload_suffix": lambda: load([("notes.txt", b"1")]),
    "upload_not_zip": lambda: load([("a.npz", b"not a zip")]),
    "upload_w_transposed": lambda: load(
        [("a.npz", _npz(W1=np.ones((3, 4)), b1=np.ones(4), W2=np.ones((2, 4)), b2=np.ones(2)))]
    ),
    "upload_xy": lambda: load([("a.npz", _npz(W1=np.ones((3, 4)), b1=np.ones(4), X=np.ones((2, 3))))]),
    "upload_cell": lambda: load([("W1.csv", b"1,2\n3,x\n")]),
    "upload_ragged": lambda: load([("W1.csv", b"1,2\n3\n")]),
    "upload_json_number": lambda: load([("a.json", b'{"layers": [{"W": [[1, "a"]], "b": [1]}]}')]),
    "upload_finite": lambda: load([("a.npz", _npz(W1=np.array([[np.nan]]), b1=np.ones(1)))]),
    "upload_dtype": lambda: load([("a.npz", _npz(W1=np.array([[{"a": 1}]], dtype=object), b1=np.ones(1)))]),
}


@pytest.mark.parametrize("code", REFUSED)
def test_a_real_refusal_reads_in_both_languages(code):
    with pytest.raises(InvalidInput) as caught:
        REFUSED[code]()
    error = caught.value
    assert error.code == code, str(error)
    english, chinese = error_text("en", error), error_text("zh", error)
    assert english != str(error)  # written from the code, not the English sentence
    assert re.search(r"[\u4e00-\u9fff]", chinese) and not latin_words(chinese), chinese
    assert not caret_math(english) and not caret_math(chinese), (english, chinese)
    assert "custom:" not in english + chinese


def test_a_refused_custom_formula_names_its_layer_and_shows_the_formula():
    with pytest.raises(InvalidInput) as caught:
        NetworkSpec(activations=("sigmoid", "custom:z+"))
    assert caught.value.fields["layer"] == 2 and caught.value.value == "z+"


# ---- in the app ---------------------------------------------------------------------------


def test_a_url_parameter_the_core_refuses_is_shown_in_chinese():
    at = run_page("pages/1_forward.py", {"lang": "zh", "loss": "bce", "act2": "identity"})
    assert not at.exception, [e.value for e in at.exception]
    (warning,) = [w.value for w in at.warning if "loss" in w.value]
    assert "网址参数 `loss` 不被接受" in warning and "要求输出层是 sigmoid" in warning, warning
    assert not latin_words(warning), warning


def test_a_too_heavy_network_in_the_url_is_refused_in_chinese():
    query = {"lang": "zh", "sizes": "1024,1024,1024,1024", "m": "1024"}
    at = run_page("pages/1_forward.py", query)
    assert not at.exception, [e.value for e in at.exception]
    (warning,) = [w.value for w in at.warning if "sizes" in w.value]
    assert "对服务器来说太大" in warning and "3,221,225,472" in warning, warning
    assert at.session_state["_spec"].sizes == NetworkSpec().sizes


def test_a_bad_upload_is_refused_in_chinese():
    at = run_page("pages/11_your_own.py", {"lang": "zh"})
    bad = _npz(W1=np.ones((3, 4)), b1=np.ones(4), W2=np.ones((2, 4)), b2=np.ones(2))
    at.file_uploader(key="yo_files").set_value(("mine.npz", bad, "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = [e.value for e in at.error]
    assert "`mine.npz`" in error and "它像是转置了" in error, error
    assert not latin_words(error), error
    assert "转置" in texts(at)
