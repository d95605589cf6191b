r"""The package installs with pip, and its versions are pinned where it matters.

- pyproject.toml's dependencies are requirements.txt's ranges, each with an upper bound on
  the major version; constraints.txt pins every requirement to a version inside its range;
  the lint and type tools are pinned exactly.
- A wheel built from a copy of the sources (nothing written into the checkout) installs
  into a fresh virtual environment; its ``backprop`` command runs the command line, and
  ``backprop app`` serves the app from the copies inside the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "app.py",
    ".streamlit",
    "pages",
    "backprop",
)
SERVER_START_TIMEOUT_S = 120


def _requirements(name: str) -> list[Requirement]:
    lines = (line.split("#")[0].strip() for line in (ROOT / name).read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def _pins() -> dict[str, str]:
    pins = {}
    for requirement in _requirements("constraints.txt"):
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"constraints.txt: {requirement} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def test_pyproject_dependencies_are_the_requirements_ranges():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = sorted(str(Requirement(d)) for d in project["dependencies"])
    assert declared == sorted(str(r) for r in _requirements("requirements.txt"))
    assert project["scripts"]["backprop"] == "backprop.io.cli:main"


@pytest.mark.parametrize("name", ["streamlit", "numpy", "sympy", "plotly"])
def test_each_app_requirement_has_a_floor_and_a_major_version_ceiling(name):
    (requirement,) = [r for r in _requirements("requirements.txt") if r.name == name]
    operators = {spec.operator: spec.version for spec in requirement.specifier}
    assert ">=" in operators and "<" in operators, f"{requirement}: wants a range such as >=1.2,<2"
    assert operators["<"].split(".")[1:] in ([], ["0"]), f"{requirement}: the ceiling is a major version"


def test_constraints_pin_every_requirement_inside_its_range():
    pins = _pins()
    for requirement in _requirements("requirements.txt") + _requirements("requirements-dev.txt"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt pins no version of {name}"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement}"


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_lint_and_type_tools_are_pinned_exactly(tool):
    (requirement,) = [r for r in _requirements("requirements-dev.txt") if r.name == tool]
    (spec,) = requirement.specifier
    assert spec.operator == "==", f"requirements-dev.txt: {requirement} is not pinned"
    assert _pins()[tool] == spec.version


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources, as `pip install .` builds it."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation"]
    built = subprocess.run(
        command + ["--disable-pip-version-check", "-w", str(out)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = out.glob("backprop_explorer-*.whl")
    return wheel


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment (seeing this interpreter's packages) with the wheel installed."""
    env = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--disable-pip-version-check"]
    installed = subprocess.run(pip + [str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return env


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so the checkout cannot stand in for the installed package."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _in_venv(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "backprop"), *args], capture_output=True, text=True, cwd=cwd, env=_clean_env()
    )


def test_wheel_holds_the_package_its_data_and_the_app(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "backprop/io/cli.py" in names and "backprop/teaching/practice/answers.py" in names
    for lang in ("en", "zh"):
        assert f"backprop/locales/{lang}/practice.json" in names
    shipped = {n.removeprefix("backprop/_app/") for n in names if n.startswith("backprop/_app/")}
    pages = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert shipped == {"app.py", ".streamlit/config.toml"} | pages
    assert not [n for n in names if n.split("/")[0] in ("tests", "pages", "app.py")], "stray top-level files"


def test_installed_command_runs_the_command_line(venv, tmp_path):
    result = _in_venv(venv, "run", "--sizes", "3,4,2", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    trace = json.loads(result.stdout)
    assert trace["config"]["sizes"] == [3, 4, 2] and len(trace["layers"]) == 2
    helped = _in_venv(venv, "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "export" in helped.stdout and "app" in helped.stdout
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import backprop; print(backprop.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert str(venv) in where.stdout, f"the checkout was imported instead: {where.stdout}"


def test_installed_app_finds_its_pages(venv, tmp_path):
    line = _in_venv(venv, "app", "--print-command", cwd=tmp_path).stdout.split()
    assert line[1:4] == ["-m", "streamlit", "run"] and str(venv) in line[4], line
    probe = (
        "from backprop.ui import registry; "
        "print(registry.ROOT, sum((registry.ROOT / e.script).is_file() for e in registry.PAGES))"
    )
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    root, count = found.stdout.split()
    assert root == str(Path(line[4]).parent) and int(count) == len(list((ROOT / "pages").glob("*.py")))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_backprop_app_serves_the_installed_app(venv, tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    args = ["app", "--address", "127.0.0.1", "--port", str(port), "--", "--server.headless", "true"]
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(venv / "bin" / "backprop"), *args],
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=_clean_env(),
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            assert server.poll() is None, (
                f"backprop app exited ({server.returncode}): {log.read_text()[-3000:]}"
            )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, (
                f"no answer within {SERVER_START_TIMEOUT_S} s: {log.read_text()}"
            )
            time.sleep(0.2)  # polling interval while the server boots, not a wait for a state
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read().lower()
    finally:
        server.terminate()  # the server itself: `backprop app` execs streamlit in its own process
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    assert server.returncode in (0, -15), log.read_text()[-3000:]
