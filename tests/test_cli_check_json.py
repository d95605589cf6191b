"""`python -m backprop check --json`: the verdict and every entry as one stable object."""

import json
import subprocess
import sys

from backprop import NetworkSpec
from backprop.derivation.three_way import PAIRS, three_way


def _check_json(*options):
    done = subprocess.run(
        [sys.executable, "-m", "backprop", "check", "--json", *options],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


def test_check_json_carries_the_verdict_and_every_entry():
    code, out = _check_json("--sizes", "2,3,1", "--activations", "tanh,identity", "--batch", "2")
    assert code == 0 and out["passed"] is True
    assert set(out["worst"]) == set(PAIRS) and out["tolerances"] == PAIRS
    expected = three_way(NetworkSpec(sizes=(2, 3, 1), activations=("tanh", "identity"), batch=2))
    assert len(out["entries"]) == len(expected.records())
    first, want = out["entries"][0], expected.records()[0]
    assert (first["variable"], first["layer"], tuple(first["index"])) == (
        want["variable"], want["layer"], want["index"],
    )  # fmt: skip
    assert first["backprop"] == want["backprop"]
    assert out["config"]["sizes"] == [2, 3, 1]
