r"""Every option of every subcommand, given a bad value, exits 2 with one sentence naming the
option, the value and what is allowed (backprop/io/options.py, cli.py, export/cli.py).

Each case runs ``main(argv)`` in process (what ``python -m backprop`` runs); a few run in
a real subprocess to see the exit status and the absence of a traceback end to end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backprop.core.spec import MAX_MULTIPLY_ADDS
from backprop.io.cli import bench_case_names, build_parser, main

ROOT = Path(__file__).resolve().parents[1]

# option -> bad values, and what the sentence must say is allowed
NETWORK = {
    "--sizes": (
        ["3,x", "3,,4,2", "3,4,", ",3,4", "3", "", "0,2", "3,5000,2", "3,2.5", "3,-4", "1,2,3,4,5,6,7,8,9,10",
         "٣,2", "3;4", "9" * 30],
        "comma-separated whole numbers from 1 to 4096",
    ),
    "--activations": (
        ["foo", "relu,swish", "relu", "relu,relu,relu", "sigmoid,,identity", "sigmoid,", "RELU,identity",
         "custom:__import__('os'),identity", "custom:zz,identity", "custom:,identity", "softmax,identity"],
        "",  # the allowed part depends on the refusal: checked in its own test below
    ),
    "--loss": (["hinge", "MSE", ""], "mse"),
    "--reduction": (["avg", "", "SUM"], "sum"),
    "--batch": (["0", "4097", "2.5", "many", "-1", "", "1e3", "9" * 30], "a whole number from 1 to 4096"),
    "--seed": (["-1", str(2**32), "x", "0.5", ""], "a whole number from 0 to 4294967295"),
    "--init": (["glorot", "", "Uniform"], "uniform, xavier, he, integers"),
}  # fmt: skip
FLAGS = {
    "run": ["--json"],
    "check": ["--json"],
    "bench": ["--json", "--quick"],
    "export": ["--exact"],
    "app": ["--print-command"],
}


def _cases():
    for command in ("run", "check", "export"):
        for option, (values, allowed) in NETWORK.items():
            for value in values:
                yield command, option, value, allowed
    for value in ["nope", "dense-3-4-2-m2,nope", "dense-3-4-2-m2,,symbolic-element-16", "", "DENSE-3-4-2-M2"]:
        yield "bench", "--cases", value, "comma-separated case names from dense-3-4-2-m2"
    for value in ["pdf", "json,,csv", "json,", "", "JSON", "all,json"]:
        yield "export", "--format", value, "all or comma-separated names from json, csv"
    for value in ["-1", "x", "0.5", "", str(2**32)]:
        yield "export", "--set", value, "a whole number from 0 to 4294967295"
    for value in ["fr", "", "EN", "zh-CN"]:
        yield "export", "--lang", value, "one of en, zh"
    for value in ["mine", "", "Given"]:
        yield "export", "--practice-network", value, "one of random, given"
    for value in ["0", "65536", "x", "", "80.5"]:
        yield "app", "--port", value, "a whole number from 1 to 65535"
    for value in ["", "a b", "http://x", "-x", "a..b"]:
        yield "app", "--address", value, "an IP address like 127.0.0.1 or a host name like localhost"


CASES = list(_cases())


def _argv(command: str, option: str, value: str, tmp_path: Path) -> list[str]:
    out = ["--out", str(tmp_path / "out")] if command == "export" and option != "--out" else []
    return [command, f"{option}={value}", *out]


def _refused(capsys, argv) -> str:
    assert main(argv) == 2, argv
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize(
    "command, option, value, allowed", CASES, ids=[f"{c}{o}={v!r}" for c, o, v, _ in CASES]
)
def test_bad_value_exits_2_naming_option_value_and_what_is_allowed(
    capsys, tmp_path, command, option, value, allowed
):
    err = _refused(capsys, _argv(command, option, value, tmp_path))
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one sentence, no usage dump
    assert option in err, err
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:40]
    assert shown[:-1] in err or repr(value.split(",")[0]) in err, err  # the value as typed (or its bad item)
    assert "is not allowed: use" in err and allowed in err, err
    assert not (tmp_path / "out").exists()  # refused before any work


def test_every_option_of_every_subcommand_is_covered():
    covered = {(c, o) for c, o, _, _ in CASES}
    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for command, sub in subcommands.items():
        options = {s for a in sub._actions for s in a.option_strings if s.startswith("--")} - {"--help"}
        flags = set(FLAGS[command])
        valued = options - flags - {"--out"}
        assert {(command, o) for o in valued} <= covered, valued - {o for c, o in covered if c == command}
        assert flags <= options, f"{command}: FLAGS lists options it does not have"


@pytest.mark.parametrize("command, flag", [(c, f) for c, flags in FLAGS.items() for f in flags])
def test_a_flag_given_a_value_exits_2_naming_the_flag_and_the_value(capsys, tmp_path, command, flag):
    out = ["--out", str(tmp_path / "out")] if command == "export" else []
    err = _refused(capsys, [command, f"{flag}=yes", *out])
    assert f"argument {flag}: ignored explicit argument 'yes'" in err


@pytest.mark.parametrize(
    "value, allowed",
    [
        ("foo", "(not 'foo')"),
        ("relu,swish", "(not 'swish')"),
        ("relu", "(found 1)"),
        ("sigmoid,,identity", "(item 2 is empty)"),
        ("RELU,identity", "(not 'RELU')"),
    ],
)
def test_activations_name_every_allowed_name_and_the_bad_item(capsys, value, allowed):
    err = _refused(capsys, ["run", f"--activations={value}"])
    assert f"--activations = {value!r} is not allowed: use 2 comma-separated names (one per layer)" in err
    assert "identity, sigmoid, tanh, relu, leaky_relu, softplus, softmax, or custom:<formula in z>" in err
    assert allowed in err


@pytest.mark.parametrize(
    "argv, sentence",
    [
        (["--activations", "custom:zz,identity"],
         "--activations: activation of layer 1 = 'custom:zz' is not allowed"),
        (["--activations", "softmax,identity"],
         "--activations: activation of layer 1 = 'softmax' is not allowed"),
        (["--loss", "bce"], "--loss: loss = 'bce' is not allowed: use bce with a sigmoid output layer"),
        (["--sizes", "3,,4,2"],
         "--sizes = '3,,4,2' is not allowed: use 2 to 9 comma-separated whole numbers"),
        (["--sizes", "3,x"],
         "--sizes = '3,x' is not allowed: use 2 to 9 comma-separated whole numbers from 1 to "
         "4096, like 3,4,2 (item 2 is 'x')"),
    ],
)  # fmt: skip
def test_refusals_the_whole_network_makes_name_the_option_and_the_field(capsys, argv, sentence):
    assert sentence in _refused(capsys, ["run", *argv])


def test_a_network_past_the_work_limit_is_refused_naming_sizes_batch_and_the_limit(capsys):
    err = _refused(capsys, ["run", "--sizes", "1024,1024,1024", "--batch", "1024"])
    assert err.startswith("error: --sizes and --batch: multiply-adds per pass")
    assert "2147483648" in err and f"at most {MAX_MULTIPLY_ADDS:,}" in err


def test_bench_cases_are_the_benchmarks_own_names():
    from backprop.core.bench import DENSE_CASES, ENGINE_CASES, JAX_CASE  # noqa: PLC0415
    from backprop.symbolic.bench_cases import CASES as SYMBOLIC  # noqa: PLC0415

    assert set(DENSE_CASES) | set(ENGINE_CASES) | {JAX_CASE} | set(SYMBOLIC) <= set(bench_case_names())


def test_bench_runs_the_jax_column_alone_when_named(monkeypatch):
    # --cases jax-jit-dense-3-4-2-m2 reaches the benchmark, which times JAX's jit beside the
    # tiny pass and nothing else (jax itself stubbed out here: never a dependency)
    from backprop.core import bench  # noqa: PLC0415

    asked = []
    monkeypatch.setattr(bench, "jax_records", lambda quick=False: asked.append(quick) or [])
    monkeypatch.setattr(bench, "dense_records", lambda *a, **k: pytest.fail("a dense case ran"))
    monkeypatch.setattr(bench, "engine_records", lambda *a, **k: pytest.fail("an engine case ran"))
    monkeypatch.setattr(bench, "symbolic_records", lambda *a, **k: pytest.fail("a symbolic case ran"))
    assert main(["bench", "--quick", "--json", "--cases", "jax-jit-dense-3-4-2-m2"]) == 0
    assert asked == [True]


@pytest.mark.parametrize(
    "option, value",
    [("--exact", "--init"), ("--format worksheet-md", "--sizes and --batch"), ("--out", "/proc/no/such")],
)
def test_export_refusals_name_the_option_that_asked(capsys, tmp_path, option, value):
    argv = {
        "--exact": ["--exact", "--format", "key-md"],  # hand calculation needs --init integers
        "--format worksheet-md": ["--sizes", "9,2", "--format", "worksheet-md"],  # too wide for a sheet
        "--out": ["--format", "json", "--out", "/proc/no/such/x"],
    }[option]
    err = _refused(capsys, ["export", "--out", str(tmp_path / "x"), *argv])
    assert err.startswith(f"error: {option}") and value in err and "is not allowed: use" in err, err


SUBPROCESS = {
    "run --sizes 3,x": ("--sizes = '3,x'", ["run", "--sizes", "3,x"]),
    "run --sizes 3,,4,2": ("--sizes = '3,,4,2'", ["run", "--sizes", "3,,4,2"]),
    "run --activations foo": ("--activations = 'foo'", ["run", "--activations", "foo"]),
    "bench --cases nope": ("--cases = 'nope'", ["bench", "--cases", "nope"]),
}


def test_the_reported_arguments_exit_2_in_a_real_process():
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "backprop", *argv],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (_, argv) in SUBPROCESS.items()
    }
    for name, process in started.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 2, (name, process.returncode, err)
        assert out == "" and "Traceback" not in err and SUBPROCESS[name][0] in err, (name, err)
