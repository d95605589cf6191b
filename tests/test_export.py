"""Every export opens again: JSON, npz and the CSV zip read back to the same arrays, the notebook
runs and its assertions pass, the LaTeX worksheet, answer key and derivation compile with pdflatex."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile

import nbformat
import numpy as np
import pytest

from backprop import InvalidInput, NetworkSpec, run
from backprop.io.cli import main
from backprop.io.export import FORMATS, arrays_of, export, notebook, read_csv
from backprop.io.export.cli import command_line
from backprop.io.export.derivation import derivation_markdown
from backprop.io.export.worksheet import worksheet_markdown

SPECS = {
    "sigmoid-mse": NetworkSpec((3, 4, 2), ("sigmoid", "identity")),
    "softmax-ce-mean": NetworkSpec((2, 3, 3), ("tanh", "softmax"), "softmax_ce", "mean", batch=3, seed=4),
    "bce": NetworkSpec((2, 2, 2), ("leaky_relu", "sigmoid"), "bce", batch=2, seed=1, init="he"),
    "relu-integers": NetworkSpec((3, 4, 2), ("relu", "identity"), reduction="mean", batch=3, init="integers"),
    "custom": NetworkSpec((2, 3, 1), ("custom:z*tanh(softplus(z))", "softplus"), batch=2, seed=9),
    "one-unit": NetworkSpec((1, 1), ("identity",), batch=1),
}
LAYER_FIELDS = ("A_prev", "W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev")


@pytest.fixture(scope="module")
def traces():
    return {name: run(spec) for name, spec in SPECS.items()}


def assert_same(name, got, want):
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == np.shape(want), f"{name}: shape {got.shape} != {np.shape(want)}"
    assert np.array_equal(got, want), f"{name} diverged after the round trip"


@pytest.mark.parametrize("name", SPECS)
def test_json_loads_back_to_the_same_arrays(traces, name):
    trace = traces[name]
    data = json.loads(export(trace, "json"))
    assert data["config"] == trace.spec.to_dict()
    assert data["loss"] == trace.loss
    assert_same("X", data["X"], trace.X)
    assert_same("Y", data["Y"], trace.Y)
    for layer, saved in zip(trace.layers, data["layers"], strict=True):
        assert saved["l"] == layer.l
        for field in LAYER_FIELDS:
            assert_same(f"{field}^({layer.l})", saved[field], getattr(layer, field))


def test_json_is_the_run_command_object(traces, capsys):
    assert main(["run", "--sizes", "3,4,2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(export(traces["sigmoid-mse"], "json"))


@pytest.mark.parametrize("name", SPECS)
def test_npz_and_csv_zip_load_back_to_the_same_arrays(traces, name):
    trace = traces[name]
    arrays = arrays_of(trace)
    with np.load(io.BytesIO(export(trace, "npz"))) as saved:  # no pickle needed
        assert json.loads(str(saved["config"])) == trace.spec.to_dict()
        assert set(saved.files) == set(arrays) | {"config"}
        for key, value in arrays.items():
            assert_same(key, saved[key], value)
    with zipfile.ZipFile(io.BytesIO(export(trace, "csv"))) as archive:
        assert archive.testzip() is None
        config = json.loads(archive.read("config.json"))
        assert config["loss_value"] == trace.loss and config["sizes"] == list(trace.spec.sizes)
        assert "rows are samples" in archive.read("README.txt").decode()
        assert_same("X", read_csv(archive.read("X.csv").decode()), np.atleast_2d(trace.X))
        assert_same("Y", read_csv(archive.read("Y.csv").decode()), np.atleast_2d(trace.Y))
        for layer in trace.layers:
            for field in LAYER_FIELDS:
                text = archive.read(f"layer{layer.l}/{field}.csv").decode()
                assert_same(f"{field}^({layer.l})", read_csv(text), np.atleast_2d(getattr(layer, field)))


def _code(nb) -> list[str]:
    return ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("name", SPECS)
def test_notebook_is_valid_and_its_code_recomputes_every_number(traces, name):
    nb = notebook(traces[name])
    nbformat.validate(nbformat.from_dict(nb))
    namespace: dict = {}
    for source in _code(nb):
        exec(compile(source, f"<{name}>", "exec"), namespace)  # the notebook's own asserts run here
    shown = namespace["shown"]
    assert {"Z1", "A1", "dW1", "db1", "dA0", "L", "losses"} <= set(shown)


def test_notebook_assertions_can_fail(traces):
    nb = copy.deepcopy(notebook(traces["sigmoid-mse"]))
    for cell in nb["cells"]:
        cell["source"] = [
            "".join(cell["source"]).replace("shown['dW1'] = np.array([[", "shown['dW1'] = np.array([[1e-3 + ")
        ]
    with pytest.raises(AssertionError, match="dW1"):
        namespace: dict = {}
        for source in _code(nb):
            exec(source, namespace)


@pytest.mark.slow
def test_exported_notebook_runs_in_a_kernel(traces, tmp_path):
    """One kernel run: three exported notebooks, cell after cell, as a student would run them."""
    from nbclient import NotebookClient

    exported = [
        json.loads(export(traces[name], "notebook")) for name in ("sigmoid-mse", "softmax-ce-mean", "custom")
    ]
    merged = exported[0] | {"cells": [cell for nb in exported for cell in nb["cells"]]}
    for number, cell in enumerate(merged["cells"]):
        cell["id"] = f"c{number}"
    (tmp_path / "merged.ipynb").write_text(json.dumps(merged), encoding="utf-8")
    nb = nbformat.read(tmp_path / "merged.ipynb", as_version=4)  # as Jupyter opens the file
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = "".join(
        o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
    )
    assert outputs.count("every value checked") == 3
    assert "dW1      ok (3, 4)" in outputs
    assert "Error" not in outputs


def _pdflatex():
    path = shutil.which("pdflatex")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "pdflatex is missing; .ci/run installs texlive-latex-base and texlive-latex-recommended"
            )
        pytest.skip("pdflatex is not installed (Debian: texlive-latex-base texlive-latex-recommended)")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, fmt, exact",
    [
        ("softmax-ce-mean", "derivation-tex", False),
        ("custom", "derivation-tex", False),
        ("relu-integers", "worksheet-tex", True),
        ("bce", "key-tex", False),
    ],
)
def test_latex_compiles_with_pdflatex(traces, tmp_path, name, fmt, exact):
    pdflatex = _pdflatex()
    (tmp_path / "doc.tex").write_bytes(export(traces[name], fmt, exact=exact))
    result = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


def test_worksheet_has_blanks_and_the_key_fills_them(traces):
    trace = traces["relu-integers"]
    sheet, key = worksheet_markdown(trace, exact=True), worksheet_markdown(trace, key=True, exact=True)
    blank_matrices = sheet.count(r"\begin{bmatrix} \boxed")
    assert (
        blank_matrices == 2 * 2 + 9
    )  # Z, A of 2 layers; 9 backward steps (dA, then dZ, dW, db, dA_prev per layer)
    assert sheet.count(r"\boxed") == 1 + sum(
        np.size(v) for layer in trace.layers for v in (layer.Z, layer.A)
    ) + sum(
        np.size(layer.dZ) + np.size(layer.dW) + np.size(layer.db) + np.size(layer.dA_prev)
        for layer in trace.layers
    ) + np.size(trace.layers[-1].dA)  # one box per entry, and the loss
    assert r"\boxed" not in key
    assert r"\frac{" in key  # mean over m = 3: fractions, exactly
    forward_given = worksheet_markdown(trace, exact=True, forward_given=True)
    assert forward_given.count(r"\begin{bmatrix} \boxed") == 9


def test_derivation_markdown_reads(traces):
    text = derivation_markdown(traces["sigmoid-mse"])
    assert text.startswith("# Backpropagation through a 3-4-2 network")
    assert text.count("$$") % 2 == 0 and text.count("$$") >= 2 * 14
    assert "## Backward pass" in text and "reads $A^{(1)}$, $\\frac{\\partial L}{\\partial Z^{(2)}}$" in text


@pytest.mark.parametrize(
    "spec, fmt, exact, field",
    [
        (NetworkSpec((9, 2), ("identity",)), "worksheet-md", False, "network for a worksheet"),
        (NetworkSpec((300, 300), ("identity",), batch=10), "notebook", False, "network for the notebook"),
        (NetworkSpec((3, 2), ("sigmoid",)), "key-tex", True, "init"),
        (NetworkSpec((3, 2), ("sigmoid",)), "pdf", False, "format"),
    ],
)
def test_what_cannot_be_exported_is_refused_with_the_field_named(spec, fmt, exact, field):
    with pytest.raises(InvalidInput) as error:
        export(run(spec), fmt, exact=exact)
    assert error.value.field == field


def test_every_format_makes_bytes(traces):
    for name, fmt in FORMATS.items():
        data = export(traces["relu-integers"], name, exact=fmt.exact)
        assert isinstance(data, bytes) and len(data) > 100, name


def test_cli_export_writes_every_file(tmp_path, capsys):
    args = [
        "export",
        "--sizes",
        "2,3,1",
        "--activations",
        "relu,identity",
        "--init",
        "integers",
        "--batch",
        "2",
    ]
    assert main(args + ["--exact", "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(
        f.filename for f in FORMATS.values()
    )
    assert main(args + ["--format", "key-md", "--out", str(tmp_path / "key.md")]) == 0
    assert (tmp_path / "key.md").read_text().startswith("# Answer key")
    capsys.readouterr()
    assert main(args + ["--format", "json", "--out", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["sizes"] == [2, 3, 1]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--format", "pdf"], "--format = 'pdf' is not allowed"),
        (["--format", "json,key-md", "--out", "-"], "--out = '-' is not allowed"),
        (["--exact", "--format", "key-md"], "init = 'uniform' is not allowed"),
    ],
)
def test_cli_export_refuses_with_a_sentence(tmp_path, capsys, extra, message):
    args = ["export", "--out", str(tmp_path / "x")] + extra
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_cli_export_without_out_writes_into_a_new_temporary_folder(tmp_path, monkeypatch, capsys):
    """No --out: a fresh folder under the system's temporary folder (never the working directory)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json,key-md", "--sizes", "2,2,1", "--init", "integers"]) == 0
    (folder,) = (tmp_path / "system-tmp").iterdir()
    assert folder.name.startswith("backprop-export-")
    assert sorted(p.name for p in folder.iterdir()) == ["answer-key.md", "network.json"]
    assert str(folder) in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["system-tmp"], "wrote into the working directory"


def test_the_pages_command_line_names_no_folder_inside_the_checkout():
    line = command_line(NetworkSpec(sizes=(2, 3, 1), activations=("relu", "identity")))
    assert "--out" not in line
    assert command_line(NetworkSpec(sizes=(2, 1), activations=("identity",)), out="~/x y").endswith(
        "--out '~/x y'"
    )
