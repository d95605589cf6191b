r"""The command line (the contract in backprop/README.md): `run --json` keys, shapes and values equal
the core's; `check` exits 0 on a correct network and 1 on a wrong derivative; `--help`
on each subcommand; bad options exit 2 with a message naming the field, no traceback.

A few cases run `python -m backprop` in a subprocess (all started at once); the tables
call `backprop.io.cli.main(argv)` in process, which is what `python -m backprop` runs.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop import ACTIVATIONS, NetworkSpec, run
from backprop.io.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = (
    "--sizes 3,4,2 --activations sigmoid,identity --loss mse --reduction sum --batch 4 --seed 0".split()
)
LAYER_KEYS = {"l", "W", "b", "Z", "A", "dA", "dZ", "dW", "db", "dA_prev"}

SUBPROCESS_CASES = {
    "run_json": ["run", *CONTRACT, "--json"],
    "check": ["check", *CONTRACT],
    "run_help": ["run", "--help"],
    "bad_batch": ["run", *CONTRACT, "--batch", "0", "--json"],
    "bad_sizes_text": ["run", "--sizes", "3,x,2", "--json"],
    "no_command": [],
}


@pytest.fixture(scope="module")
def processes():
    """Every subprocess case, started together (each pays ~0.5 s of imports)."""
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "backprop", *argv],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, argv in SUBPROCESS_CASES.items()
    }
    done = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=60)
        done[name] = (process.returncode, out, err)
    return done


def _assert_same_trace(payload: dict, spec: NetworkSpec) -> None:
    """The JSON object has the contract's keys and shapes, and the core's exact values."""
    trace = run(spec)
    m, sizes = spec.m, spec.sizes
    assert {"config", "X", "Y", "loss", "layers"} <= set(payload)
    assert payload["config"] == spec.to_dict()
    assert np.shape(payload["X"]) == (m, sizes[0]) and np.shape(payload["Y"]) == (m, sizes[-1])
    assert payload["X"] == trace.X.tolist() and payload["Y"] == trace.Y.tolist()
    assert payload["loss"] == trace.loss
    assert len(payload["layers"]) == spec.L
    for layer, got in zip(trace.layers, payload["layers"], strict=True):
        l, n_in, n_out = layer.l, sizes[layer.l - 1], sizes[layer.l]
        assert LAYER_KEYS <= set(got), f"layer {l} lacks {LAYER_KEYS - set(got)}"
        assert got["l"] == l
        shapes = dict(W=(n_in, n_out), b=(n_out,), Z=(m, n_out), A=(m, n_out), dA=(m, n_out),
                      dZ=(m, n_out), dW=(n_in, n_out), db=(n_out,), dA_prev=(m, n_in))  # fmt: skip
        for key, shape in shapes.items():
            assert np.shape(got[key]) == shape, (
                f"{key}^({l}) has shape {np.shape(got[key])}, expected {shape}"
            )
            assert got[key] == getattr(layer, key).tolist(), f"{key}^({l}) differs from the core's"


def test_run_json_is_the_contract_with_the_cores_values(processes):
    code, out, err = processes["run_json"]
    assert code == 0, err
    _assert_same_trace(json.loads(out), NetworkSpec((3, 4, 2), ("sigmoid", "identity"), "mse", "sum", 4, 0))


@pytest.mark.parametrize(
    "argv, spec",
    [
        (
            "--sizes 2,3,3,2 --activations tanh,relu,softmax --loss softmax_ce --reduction mean "
            "--batch 3 --seed 7 --init integers",
            NetworkSpec((2, 3, 3, 2), ("tanh", "relu", "softmax"), "softmax_ce", "mean", 3, 7, "integers"),
        ),
        ("--sizes 1,1 --batch 1", NetworkSpec((1, 1), ("identity",), batch=1)),
        (
            "--sizes 4,1,1 --activations leaky_relu,sigmoid --loss bce --init he",
            NetworkSpec((4, 1, 1), ("leaky_relu", "sigmoid"), "bce", init="he"),
        ),
        (
            "--sizes 2,2,2,2",
            NetworkSpec((2, 2, 2, 2), ("sigmoid", "sigmoid", "identity")),
        ),  # default activations
    ],
)
def test_run_json_in_process(capsys, argv, spec):
    assert main(["run", *argv.split(), "--json"]) == 0
    _assert_same_trace(json.loads(capsys.readouterr().out), spec)


def test_run_without_json_prints_the_matrices(capsys):
    assert main(["run", "--sizes", "2,1", "--activations", "identity", "--batch", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("L = ") and "W^(1) (2, 1)" in out and "dW^(1)" in out


def test_check_exits_zero_on_a_correct_network(processes):
    code, out, err = processes["check"]
    assert code == 0, out + err
    assert out.startswith("PASS") and "Traceback" not in err


def test_check_exits_one_on_a_wrong_derivative(capsys, monkeypatch):
    wrong = dataclasses.replace(ACTIVATIONS["sigmoid"], dg=lambda Z, A: A)  # σ' written as σ
    monkeypatch.setitem(ACTIVATIONS, "sigmoid", wrong)
    assert main(["check", *CONTRACT]) == 1
    assert capsys.readouterr().out.startswith("FAIL")


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["check", "--help"], ["bench", "--help"]])
def test_help_on_each_subcommand(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m backprop")
    if argv[0] in ("run", "check"):
        for option in ("--sizes", "--activations", "--loss", "--reduction", "--batch", "--seed", "--init"):
            assert option in out, f"{argv[0]} --help does not mention {option}"


def test_help_in_a_subprocess(processes):
    code, out, err = processes["run_help"]
    assert code == 0 and "--sizes" in out and err == ""


BAD_OPTIONS = [
    ("sizes", ["--sizes", "3,0,2"]),
    ("sizes", ["--sizes", "3,5000,2"]),
    ("sizes", ["--sizes", ""]),
    ("sizes", ["--sizes", "1,2,3,4,5,6,7,8,9,10"]),
    ("--sizes", ["--sizes", "3,x,2"]),
    ("--sizes", ["--sizes", "3,2.5"]),
    ("batch", ["--batch", "0"]),
    ("batch", ["--batch", "4097"]),
    ("--batch", ["--batch", "2.5"]),
    ("--batch", ["--batch", "many"]),
    ("seed", ["--seed", "-1"]),
    ("seed", ["--seed", str(2**32)]),
    ("--seed", ["--seed", "x"]),
    ("loss", ["--loss", "hinge"]),
    ("loss", ["--loss", "bce"]),  # identity output
    ("reduction", ["--reduction", "avg"]),
    ("init", ["--init", "glorot"]),
    ("activations", ["--activations", "relu"]),
    ("activation of layer 1", ["--activations", "softmax,identity"]),
    ("--activations = 'relu,swish'", ["--activations", "relu,swish"]),
    ("unrecognized arguments", ["--frobnicate"]),
]


@pytest.mark.parametrize("command", ["run", "check"])
@pytest.mark.parametrize("field, options", BAD_OPTIONS)
def test_bad_option_exits_2_naming_the_field(capsys, command, field, options):
    assert main([command, *options]) == 2
    captured = capsys.readouterr()
    assert field in captured.err, captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_bad_options_in_a_subprocess_exit_2_without_a_traceback(processes):
    for name, field in [
        ("bad_batch", "--batch = '0'"),
        ("bad_sizes_text", "--sizes = '3,x,2'"),
        ("no_command", "command"),
    ]:
        code, out, err = processes[name]
        assert code == 2, f"{name}: exit {code}"
        assert field in err and "Traceback" not in err, f"{name}: {err}"
        assert out == "", name
