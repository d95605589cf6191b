"""backprop.core.formula: hostile text is refused fast and runs nothing; accepted g' is right."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from backprop import NetworkSpec
from backprop.core.activations import activation
from backprop.core.errors import InvalidInput
from backprop.core.formula import EXAMPLES, CustomActivation, activation_from_formula, samples
from backprop.core.formula_grammar import MAX_LENGTH
from backprop.core.gradcheck import check

CODE_EXECUTION = [
    "__import__('os').system('id')",
    "eval('1')",
    "exec('import os')",
    "open('/etc/passwd').read()",
    "compile('1', 'x', 'eval')",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "breakpoint()",
    "input()",
    "getattr(z, 'real')",
    "type(z)",
    "print(z)",
    "help(z)",
    "os.system('ls')",
    "sys.exit(1)",
    "import os",
    "exit()",
    "bytearray(10**9)",
    "range(10**9)",
    "pow(2, 10**9)",
    "Symbol('x')",
    "sympify('z')",
    "parse_expr('z')",
    "lambdify(z, z)",
    "factorial(10**9)",
    "N(pi, 10**6)",
    "eval",
    "os",
    "sp",
    "np",
]
ATTRIBUTES_AND_DUNDERS = [
    "z.__class__",
    "z.__class__.__bases__",
    "exp.__globals__",
    "sin.__module__",
    "z.real.imag",
    "exp(z).func",
    "e.__doc__",
    "pi.evalf(1000000)",
    "z.subs(z, 2)",
    "sigmoid.fdiff",
    "log.__call__(z)",
    "1 .real",
    "z . real",
    "exp(z).args",
    "max.__self__",
]
SYNTAX = [
    "lambda: 0",
    "lambda z: z",
    "(z for z in z)",
    "z if z else 1",
    "z and 1",
    "z or 1",
    "not z",
    "(z, z)",
    "z, z",
    "z // 2",
    "(yield z)",
    "await z",
    "...",
    "None",
    "True*z",
    "False",
    "1j",
    "2j*z",
    "max(z, 0, 1)",
    "max(z)",
    "abs(z, 1)",
    "exp()",
    "sin(z, z)",
    "sin(z)(z)",
    "z.conjugate()",
    "exp",
    "z z",
    "z(z)",
    "2(z)",
    "z)",
    "(z",
    "",
    "   ",
    "z +",
    "z..z",
    "1..2",
]
POWERS_AND_LITERALS = [
    "2**2**2**2**2",
    "2^2^2^2^2",
    "9**9**9",
    "3**3**3**3",
    "z**99",
    "z**(10**6)",
    "(2**64)**64",
    "z**-65",
    "1000000**16*1000000**16*1000000**16*1000000**16*1000000**16*1000000**16*1000000**16",
    "1e6**1e6",
    "1" * 150,
    "9" * 199,
    "1e309*z",
    "1e999",
    "z*1e7",
    "z*10000000",
    "1e-13*z",
    "z/1e-300",
    "0." + "0" * 150 + "1",
    "123456789012345678901234567890*z",
]
NESTING = [
    "-" * 150 + "z",
    "+" * 100 + "z",
    "sin(" * 21 + "z" + ")" * 21,
    "(z+" * 40 + "z" + ")" * 40,
    "z" + "+z" * 70,
    "(" * 120 + "z" + ")" * 120,
    "exp(-" * 30 + "z" + ")" * 30,
    "max(z," * 25 + "0" + ")" * 25,
]
UNKNOWN_NAMES = [
    "x",
    "Z",
    "E",
    "PI",
    "y*z",
    "tan(z)",
    "erf(z)",
    "gamma(z)",
    "sigma(z)",
    "Exp(z)",
    "log10(z)",
    "floor(z)",
    "Heaviside(z)",
    "oo",
    "zoo",
    "nan",
    "inf",
]
CONSTANT_TRAPS = [
    "z/0",
    "1/(z-z)",
    "log(0)*z",
    "0**-1",
    "sqrt(-1)*z",
    "log(-1)+z",
    "(-1)**0.5*z",
    "z*(-8)**(1/3)",
]
UNICODE = [
    "\uff5a",  # fullwidth z
    "\uff45\uff58\uff50(z)",  # fullwidth exp
    "\uff5a*\uff5a",
    "\u0435\u0445\u0440(z)",  # Cyrillic homoglyphs of exp
    "\u0455in(z)",  # Cyrillic dze for s
    "\u03bf+z",  # Greek omicron
    "z\u00b7z",  # middle dot
    "z\u00d7z",  # multiplication sign
    "z\u00f72",  # division sign
    "z\u22121",  # minus sign
    "z\u00b2",  # superscript two
    "\u221az",  # square root sign
    "\u212f**z",  # script e
    "\u03c0*z",  # pi
    "\U0001d467",  # mathematical italic z
    "z\u200b",  # zero-width space
    "z\u202e+1",  # right-to-left override
    "\ufeffz",  # byte order mark
    "\uff45\uff58\uff45\uff43('1')",  # fullwidth exec
    "z\u00a0+1",  # no-break space
    "z\u0301",  # combining acute accent
    "z\n+1",
    "z\t",
    "z\x00",
    "__\u0131mport__('os')",  # dotless i
]
TEN_KB = [
    "z+" * 5000 + "z",
    "1" * 10240,
    "(" * 5000 + "z" + ")" * 5000,
    "a" * 10240,
    "sin(" * 2500 + "z" + ")" * 2500,
    "\x00" * 10240,
    "z" * 10240,
    "-" * 10239 + "z",
]
HOSTILE = (
    CODE_EXECUTION
    + ATTRIBUTES_AND_DUNDERS
    + SYNTAX
    + POWERS_AND_LITERALS
    + NESTING
    + UNKNOWN_NAMES
    + CONSTANT_TRAPS
    + UNICODE
    + TEN_KB
)

# Refused by the numeric probe (not real or not finite on [-20, 20]): these do reach
# lambdify, whose generated code comes from the checked SymPy tree.
OUT_OF_DOMAIN = ["log(z)", "1/z", "sqrt(z)", "z**0.5", "exp(exp(z))", "(z**64)**64", "(-2)**z", "1/sin(z)"]

ACCEPTED = list(EXAMPLES) + [
    "z",
    "-z",
    "2*z+1",
    "z^3/3 - z",
    "tanh(z)",
    "sin(z) + cos(2*z)",
    "atan(z)",
    "sqrt(z^2 + 1)",
    "z/(1 + abs(z))",
    "exp(-z^2)",
    "sinh(z)/cosh(z)",
    "1/(1+exp(-z))",
    "exp(z)/(1+exp(z))",
    "log(1 + z^2)",
    "relu(z)",
    "min(z, 1)",
    "abs(z)",
    "e^z",
    "2^z",
    "pi*z",
    "softplus(z) - ln(2)",
    "sigmoid(2*z)*z",
    "((((z))))",
]


def test_at_least_a_hundred_hostile_formulas():
    assert len(HOSTILE) >= 100
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_formula_is_refused_quickly_with_a_message(text):
    start = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        activation_from_formula(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"{text[:40]!r} took {elapsed:.3f} s to refuse"  # ~15 ms at worst measured
    assert caught.value.field == "activation formula"
    assert str(caught.value).startswith("activation formula = ")
    assert len(str(caught.value)) < 600


@pytest.mark.parametrize("text", OUT_OF_DOMAIN)
def test_formula_not_real_and_finite_on_the_probe_is_refused(text):
    with pytest.raises(InvalidInput, match="real and finite"):
        activation_from_formula(text)


AUDIT_SCRIPT = r"""
import json, sys
from backprop.core.formula import activation_from_formula
from backprop.core.errors import InvalidInput
activation_from_formula("z*sigmoid(z)")  # import SymPy's printers before watching
texts = json.loads(sys.stdin.read())
events = []
watching = False
def hook(event, args):
    if watching and not event.startswith(("object.", "sys._getframe")):
        events.append([event, [a if isinstance(a, (str, int)) else a.decode("utf-8", "replace")
                               if isinstance(a, bytes) else type(a).__name__ for a in args[:2]]])
sys.addaudithook(hook)
refused = 0
for text in texts:
    watching = True
    try:
        activation_from_formula(text)
    except InvalidInput:
        refused += 1
    watching = False
print(json.dumps({"refused": refused, "events": events}))
"""


def _audited(texts: list[str]) -> dict:
    """Parse texts in a fresh interpreter with an audit hook; what it refused and every event."""
    done = subprocess.run(
        [sys.executable, "-c", AUDIT_SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_refusing_hostile_formulas_executes_and_imports_nothing():
    result = _audited(HOSTILE)
    assert result["refused"] == len(HOSTILE)
    for event, args in result["events"]:
        # the one allowed event: ast.parse builds a tree through compile(..., "<formula>")
        assert event == "compile" and args[1] == "<formula>", f"{event} {args} while parsing"


def test_accepted_formulas_execute_only_lambdify_code_of_allowed_names():
    result = _audited(ACCEPTED)
    assert result["refused"] == 0
    sympy_own = "from functools import reduce"  # a constant line lambdify runs for its namespace
    generated = [
        args
        for event, args in result["events"]
        if event == "compile" and args[1] != "<formula>" and args[0] != sympy_own
    ]
    assert generated, "lambdify's code should have been seen"
    allowed = {"z", "sigmoid", "softplus", "numpy", "select", "less", "equal", "greater", "True", "nan"}
    allowed |= {"exp", "log", "sqrt", "sin", "cos", "tanh", "sinh", "cosh", "arctan", "sign", "abs"}
    allowed |= {"pi", "e", "maximum_", "minimum_", "step_", "_lambdifygenerated"}
    for source, filename in generated:
        assert filename.startswith("<lambdifygenerated-"), filename
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name):
                assert node.id in allowed, f"{node.id} in lambdify code {source!r}"
            if isinstance(node, ast.Attribute):
                assert node.attr in allowed, f".{node.attr} in lambdify code {source!r}"
    for event, args in result["events"]:
        assert event in {"compile", "exec", "builtins.id"}, f"{event} {args}"


@given(st.text(max_size=300))
def test_any_unicode_text_gives_an_activation_or_invalid_input(text):
    _accepted_or_refused(text)


@given(st.text(alphabet="z e pi exp log sqrt abs sin tanh sigmoid max min 0123456789.+-*/^(),", max_size=120))
def test_text_from_the_allowed_alphabet_gives_an_activation_or_invalid_input(text):
    _accepted_or_refused(text)


def _accepted_or_refused(text: str) -> None:
    try:
        act = activation_from_formula(text)
    except InvalidInput as error:
        assert error.field == "activation formula"
        return
    assert isinstance(act, CustomActivation)


_LEAVES = st.sampled_from(["z", "z", "z", "0.5", "2", "3", "e", "pi", "1"])
_SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "atan", "sinh"]


def _formulas(smooth: bool):
    functions = _SMOOTH if smooth else _SMOOTH + ["abs", "relu", "log", "sqrt"]

    def extend(inner):
        return st.one_of(
            st.builds(lambda a, op, b: f"({a}{op}{b})", inner, st.sampled_from("+-*/"), inner),
            st.builds(lambda a, n: f"({a})^{n}", inner, st.integers(0, 4)),
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(functions), inner),
            st.builds(lambda a, b: f"max({a}, {b})", inner, inner) if not smooth else inner,
            st.builds(lambda a: f"-{a}", inner),
        )

    return st.recursive(_LEAVES, extend, max_leaves=8)


@given(_formulas(smooth=False))
def test_grammar_fuzz_gives_an_activation_or_invalid_input(text):
    _accepted_or_refused(text)


def _five_point(g, z, h):
    return (-g(z + 2 * h) + 8 * g(z + h) - 8 * g(z - h) + g(z - 2 * h)) / (12 * h)


def _assert_derivative_matches(act: CustomActivation, z: np.ndarray) -> None:
    """g' against the five-point estimate, allowing the estimate's own error (seen from h to h/2)."""
    for k in act.kinks:
        z = z[np.abs(z - k) > 0.01]
    coarse, fine = _five_point(act.g, z, 2e-4), _five_point(act.g, z, 1e-4)
    dg = act.dg(z, act.g(z))
    scale = np.maximum(1.0, np.abs(act.g(z)) + np.abs(dg))
    excess = np.abs(dg - fine) - 2 * np.abs(coarse - fine)
    worst = np.max(excess / scale, initial=0.0)
    assert worst < 1e-7, f"g' of {act.formula!r} differs from finite differences by {worst:.2e}"


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_formula_derivative_agrees_with_finite_differences(text):
    act = activation_from_formula(text)
    _assert_derivative_matches(act, np.random.default_rng(0).uniform(-4, 4, 200))


@given(_formulas(smooth=True))
def test_fuzzed_smooth_formula_derivative_agrees_with_finite_differences(text):
    try:
        act = activation_from_formula(text)
    except InvalidInput:
        return
    _assert_derivative_matches(act, np.random.default_rng(1).uniform(-2, 2, 50))


@pytest.mark.parametrize("text", ACCEPTED)
def test_numeric_g_and_g_prime_match_the_symbolic_ones(text):
    act = activation_from_formula(text)
    a = sp.Symbol("a")  # a plain symbol, as the symbolic pages use
    g_sym = act.sym(a)
    z = np.array([-3.0, -1.3, -0.2, 0.7, 2.9])
    exact_g = np.array([float(g_sym.subs(a, sp.Float(v)).evalf()) for v in z])
    exact_dg = np.array([float(sp.diff(g_sym, a).subs(a, sp.Float(v)).evalf()) for v in z])
    np.testing.assert_allclose(act.g(z), exact_g, rtol=1e-12, atol=1e-14, err_msg=f"g of {text}")
    np.testing.assert_allclose(act.dg(z, None), exact_dg, rtol=1e-10, atol=1e-12, err_msg=f"g' of {text}")


@pytest.mark.parametrize("text", EXAMPLES)
def test_examples_do_not_overflow_to_nan_far_out(text):
    act = activation_from_formula(text)
    z = np.array([-1e4, -800.0, -100.0, 100.0, 800.0, 1e4])
    with np.errstate(all="raise"):
        g, dg = act.g(z), act.dg(z, None)
    assert np.isfinite(g).all() and np.isfinite(dg).all(), f"{text}: {g}, {dg}"


def test_softplus_typed_out_is_evaluated_without_overflow():
    act = activation_from_formula("log(1+exp(z))")
    np.testing.assert_allclose(act.g(np.array([1000.0, -1000.0])), [1000.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(act.dg(np.array([1000.0, -1000.0]), None), [1.0, 0.0], atol=1e-300)


def test_shapes_and_dtypes_follow_the_input_even_for_a_constant_formula():
    act = activation_from_formula("3")
    Z = np.zeros((4, 2), dtype=np.float32)
    assert act.g(Z).shape == (4, 2) and act.g(Z).dtype == np.float32
    assert act.dg(Z, None).shape == (4, 2) and (act.dg(Z, None) == 0).all()


def test_latex_of_g_and_g_prime():
    act = activation_from_formula("z*sigmoid(z)")
    assert act.latex_g == r"z \sigma\left(z\right)"
    assert r"\sigma\left(z\right)" in act.latex_dg and "1 -" in act.latex_dg
    gelu = activation_from_formula(EXAMPLES[-1])
    assert "0.7978845608" in gelu.latex_g  # long fractions shown as decimals
    assert act.equations == ("g(z) = " + act.latex_g, "g'(z) = " + act.latex_dg)


def test_kinks_of_piecewise_formulas():
    assert activation_from_formula("relu(z)").kinks == (0.0,)
    assert activation_from_formula("max(z, 0.1*z)").kinks == (0.0,)
    assert activation_from_formula("abs(z - 1)").kinks == (1.0,)
    assert activation_from_formula("z*sigmoid(z)").kinks == ()


def test_parsed_activations_are_cached():
    assert activation_from_formula("z*tanh(z)") is activation_from_formula("z*tanh(z)")


def test_registry_name_and_samples():
    act = activation("custom:z*sigmoid(z)")
    assert act.name == "custom:z*sigmoid(z)" and act.formula == "z*sigmoid(z)"
    z, g, dg = samples(act, -2.0, 2.0, 5)
    np.testing.assert_allclose(z, [-2, -1, 0, 1, 2])
    assert g[2] == 0.0 and dg[2] == 0.5


@pytest.mark.parametrize("text", ["z*sigmoid(z)", "log(1+exp(z))", "z*tanh(softplus(z))", "max(z, 0.1*z)"])
def test_custom_activation_passes_the_gradient_check_inside_a_network(text):
    spec = NetworkSpec(sizes=(3, 4, 3, 2), activations=(f"custom:{text}", "tanh", "identity"), batch=3)
    report = check(spec)
    assert report.passed, f"{text}: worst relative error {report.worst:.2e}"
    assert len(report.judged) > len(report.entries) // 2


def test_custom_activation_on_the_last_layer_with_mean_reduction():
    spec = NetworkSpec(sizes=(2, 3, 2), activations=("sigmoid", "custom:z^3/3 + z"), reduction="mean")
    assert check(spec).passed


def test_network_spec_names_the_layer_and_what_is_allowed():
    with pytest.raises(InvalidInput) as caught:
        NetworkSpec(sizes=(3, 4, 2), activations=("custom:__import__('os')", "identity"))
    assert caught.value.field == "activation of layer 1"
    assert "ASCII" in str(caught.value)


def test_message_says_what_is_allowed():
    with pytest.raises(InvalidInput, match="only the functions exp, log"):
        activation_from_formula("tan(z)")
    with pytest.raises(InvalidInput, match=f"at most {MAX_LENGTH} characters"):
        activation_from_formula("z" * (MAX_LENGTH + 1))
    with pytest.raises(InvalidInput, match="not the name 'x'"):
        activation_from_formula("x")


def test_nested_and_non_polynomial_kinks_are_found():
    # a kink missed here is judged as a backprop error by the gradient check
    from backprop.core.formula import activation_from_formula as parse

    assert parse("min(max(z,-1),1)").kinks == (-1.0, 1.0)
    assert parse("abs(z-1)+max(abs(z),2)").kinks == (-2.0, 0.0, 1.0, 2.0)
    sine = parse("abs(sin(z))").kinks
    assert 0.0 in sine and any(abs(k - np.pi) < 1e-12 for k in sine)


def test_a_clipped_identity_with_integer_weights_passes_the_check():
    from backprop import NetworkSpec
    from backprop.derivation.three_way import three_way

    spec = NetworkSpec(activations=("custom:min(max(z,-1),1)", "identity"), init="integers")
    result = three_way(spec)
    assert result.passed, result.summary()
