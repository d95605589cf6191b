"""The walk through the notes: what it marks verified holds, what it marks refuted is wrong.

Every verdict is recomputed here without the walk's own code (``notes_oracle``): the
counterexamples by independent finite differences, the shapes from the spec, the
symbolic claims by SymPy afresh. Networks include m = 1, square layers (where wrong
transposes multiply, so only numbers can refute them) and a 1 × 1 network.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from notes_oracle import NETWORKS, close, differ, dL_dA_prev, dL_dparam, dl_sample, loss_from, trace_of

from backprop import InvalidInput, NetworkSpec, run
from backprop.core.activations import activation
from backprop.core.network import Params, init_params
from backprop.locales import placeholders
from backprop.teaching.notes import walk
from backprop.teaching.notes_walk import chain
from backprop.teaching.notes_walk.checks import focus
from backprop.teaching.notes_walk.errata.figure import broken_sentence
from backprop.teaching.notes_walk.model import Mistake, Step

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {
    lang: json.loads((ROOT / f"backprop/locales/{lang}/notes.json").read_text("utf-8"))
    for lang in ("en", "zh")
}


@cache
def walks(name: str) -> tuple:
    """(trace, [(l, walk)]) with entries drawn from a seeded generator for every layer."""
    trace = trace_of(name)
    spec, rng = trace.spec, np.random.default_rng(11)
    out = []
    for l in range(1, spec.L + 1):
        m, n_in, n_out = spec.m, spec.sizes[l - 1], spec.sizes[l]
        pick = lambda n: int(rng.integers(0, n))  # noqa: E731
        out.append(
            (l, walk(trace, l, pick(m), (pick(m), pick(n_in)), (pick(n_in), pick(n_out)), pick(n_out)))
        )
    return trace, out


def failing(item) -> list:
    checks = item.checks if isinstance(item, Step) else item.correction
    return [(c.method, [(e.key, dict(e.fmt)) for e in c.evidence]) for c in checks if c.holds is not True]


@pytest.mark.parametrize("name", NETWORKS)
def test_every_step_of_the_notes_is_verified_except_the_elementwise_claim_on_softmax(name):
    trace, tours = walks(name)
    for l, tour in tours:
        softmax = not activation(trace.spec.activations[l - 1]).elementwise
        for step in tour.steps:
            if step.key == "fwd.notation" and softmax:
                assert step.holds is False  # "one function per element" is false for softmax
                a = trace.layers[l - 1].A[0]
                J = np.diag(a) - np.outer(a, a)  # softmax's Jacobian: off-diagonal entries are not 0
                assert np.abs(J - np.diag(np.diag(J))).max() > 1e-6
                continue
            assert step.holds is True, (name, l, step.key, failing(step))


@pytest.mark.parametrize("name", NETWORKS)
def test_every_mistake_is_refuted_and_every_correction_verified(name):
    _, tours = walks(name)
    for l, tour in tours:
        assert [m.number for m in tour.mistakes] == list(range(1, 14))
        for mistake in tour.mistakes:
            assert mistake.refutation.holds is False, (name, l, mistake.number)
            assert mistake.corrected_holds is True, (name, l, mistake.number, failing(mistake))


DECISIVE = {  # evidence that refutes on its own, whatever the network
    1: {"column_length", "all_square"},
    2: {"power_notation"},
    3: {"already_known"},
    4: {"literal_d"},
    5: {"sympy_not_w"},
    6: {"missing_partial"},
    7: {"sum_constant"},
    8: {"breaks_off"},
    9: {"layout_general"},
    10: {"full_differential"},
    11: {"partial_again"},
    12: {"bold_two_readings"},
    13: {"functions_not_reals"},
}


@pytest.mark.parametrize("name", NETWORKS)
def test_each_refutation_shown_is_true_when_recomputed(name):
    trace, tours = walks(name)
    for l, tour in tours:
        for mistake in tour.mistakes:
            keys = {e.key for e in mistake.refutation.evidence}
            assert keys & DECISIVE[mistake.number], (mistake.number, keys)
            for evidence in mistake.refutation.evidence:
                recheck_refutation(trace, l, tour.focus, mistake, evidence)


def recheck_refutation(trace, l, focus, mistake: Mistake, evidence) -> None:
    """Recompute one line of a refutation from the trace alone."""
    spec, layer, data, key = trace.spec, trace.layers[l - 1], evidence.data, evidence.key
    sizes = spec.sizes
    if key == "column_length":
        k = data["layer"]
        assert sizes[k - 1] != sizes[k] and trace.layers[k - 1].W[:, 0].shape == (sizes[k - 1],)
    elif key == "all_square":
        assert all(sizes[k - 1] == sizes[k] for k in range(1, spec.L + 1))
    elif key == "square_layer":
        assert sizes[l - 1] == sizes[l]
    elif key == "power_reading":
        k, index = data["layer"], data["index"]
        under = trace.layers[k - 1]
        literal = (under.A_prev ** (k - 1) @ under.W + under.b)[index]  # a^{l-1} read as a power
        assert np.isclose(literal, data["literal"]) and abs(literal - under.Z[index]) > 1e-9
    elif key == "power_reading_g":
        k, index = data["layer"], data["index"]
        under = trace.layers[k - 1]
        literal = under.A[index] ** k  # g_2^{l} read as a power
        assert np.isclose(literal, data["literal"]) and abs(literal - under.A[index]) > 1e-9
    elif key == "literal_d":
        W = sp.Matrix(2, 2, sp.symbols("w11 w12 w21 w22"))
        a, da, db = (
            sp.Matrix(sp.symbols("a1 a2")),
            sp.Matrix(sp.symbols("da1 da2")),
            sp.Matrix(sp.symbols("db1 db2")),
        )
        dz = W.T * da + db
        assert dz.jacobian(a) == sp.zeros(2, 2) != W  # ∂(dz)/∂a = 0, not W
    elif key == "identity_not_ones":
        assert sizes[l] > 1  # I_n and 1_{n×1} differ in shape
    elif key == "identity_is_one":
        assert sizes[l] == 1
    elif key == "sympy_not_w":
        a, b = sp.symbols("a1 a2"), sp.symbols("b1")
        w = sp.symbols("w1 w2")
        z = w[0] * a[0] + w[1] * a[1] + b
        derivative = sp.Function("l")(z).diff(a[0])  # ∂l/∂a_1 = l'(z) w_1, not w_1
        assert sp.simplify(derivative - w[0]) != 0
    elif key == "shape_not_gradient":
        assert layer.W.shape != (sizes[l - 1],)
    elif key == "counterexample":
        recheck_counterexample(trace, l, mistake.number, data)
    elif key == "missing_partial":
        assert data["value"] == layer.A_prev[focus.a_entry]
    elif key == "sum_constant":
        i, m = sp.symbols("i m", integer=True, positive=True)
        ell = sp.Symbol("l")
        assert sp.Sum(ell, (i, 1, m)).doit() == m * ell
    elif key == "m_times_l":
        s = data["sample"]
        assert np.isclose(spec.m * trace.losses[s], data["literal"]) and differ(
            data["literal"], trace.losses.sum(), 1.0
        )
    elif key in ("one_sample", "equal_losses"):
        assert np.allclose(spec.m * trace.losses, trace.losses.sum())
    elif key == "layout_general":
        A, D = sp.Matrix(2, 3, sp.symbols("a:6")), sp.Matrix(2, 2, sp.symbols("d:4"))
        assert (A.T * D).T.shape != (A.T * D).shape
    elif key == "layout_shapes":
        assert layer.dW.shape[0] != layer.dW.shape[1]
    elif key == "layout_coincide":
        assert np.allclose(layer.dW, layer.dW.T)
    elif key == "full_differential":
        W, dW = sp.Matrix(2, 2, sp.symbols("w:4")), sp.Matrix(2, 2, sp.symbols("v:4"))
        a, da, db = (sp.Matrix(sp.symbols(f"{x}:2")) for x in ("a", "p", "q"))
        e = sp.Symbol("e")
        dz = ((W + e * dW).T * (a + e * da) + e * db).diff(e).subs(e, 0)
        assert (dz - (W.T * da + db)).expand() == (dW.T * a).expand() != sp.zeros(2, 1)
    elif key == "w_moves_z":
        moved = layer.A_prev[data["sample"]] @ data["dW"]  # z's rate along dW with a, b fixed
        assert np.isclose(np.abs(moved).max(), data["size"]) and data["size"] > 0
    elif key == "partial_again":
        assert data["value"] == layer.A_prev[focus.a_entry]
    elif key == "bold_two_readings":
        assert (data["m"], data["n_in"], data["n_out"]) == (spec.m, sizes[l - 1], sizes[l])
    elif key == "bold_column_length":
        assert data["got"] == spec.m == layer.A_prev[:, 0].size != data["want"] == layer.W.shape[0]
    elif key == "bold_column_numbers":
        i = data["i"]
        assert not np.allclose(layer.A_prev[:, i], layer.A_prev[i, :])
    elif key == "g_product_shapes":
        assert layer.Z.shape[0] != layer.Z.shape[1]  # (m × n)(m × n) multiplies only when m = n
    else:
        assert key in {"power_notation", "already_known", "breaks_off", "dz_is_one", "functions_not_reals"}, (
            key
        )


def recheck_counterexample(trace, l, number: int, data) -> None:
    """The claimed value recomputed from the notes' wrong formula, and finite differences afresh."""
    layer, index, sample = trace.layers[l - 1], data["index"], data["sample"]
    if number == 5 and data["variable"] == "A_prev":
        claimed = layer.W[index[0], 0]  # the notes: ∂l/∂a = W (a column when n_l = 1)
        actual = dl_sample(trace, "A_prev", l, sample, index)
    elif number == 5:
        claimed = 1.0  # the notes: ∂l/∂b = 1
        actual = dl_sample(trace, "b", l, sample, index)
    else:
        assert number == 9 and data["variable"] == "W"
        claimed = (layer.A_prev.T @ layer.dZ).T[
            index
        ]  # A^T ∂L/∂Z read in numerator layout: entry ij = ∂L/∂w_ji
        actual = dL_dparam(trace, "W", l, index)
    assert np.isclose(claimed, data["claimed"]) and differ(claimed, actual, trace.loss)
    assert close(data["fd"], actual, trace.loss)


@pytest.mark.parametrize("name", NETWORKS)
def test_each_corrected_statement_holds_when_recomputed(name):
    trace, tours = walks(name)
    spec = trace.spec
    scale = spec.m if spec.reduction == "mean" else 1
    for l, tour in tours:
        layer, f = trace.layers[l - 1], tour.focus
        # 1: column i of W^(k) has n_{k-1} entries
        assert all(trace.layers[k - 1].W[:, 0].size == spec.sizes[k - 1] for k in range(1, spec.L + 1))
        # 3, 5: ∂l/∂a = W ∂l/∂z and ∂l/∂b = ∂l/∂z for sample s
        dz = layer.dZ[f.sample] * scale
        j = f.a_entry[1]
        assert close((layer.W @ dz)[j], dl_sample(trace, "A_prev", l, f.sample, (j,)), trace.loss)
        assert close(dz[f.b_entry], dl_sample(trace, "b", l, f.sample, (f.b_entry,)), trace.loss)
        # 4: ∂z/∂a = W, by differences of z on the sample
        a = layer.A_prev[f.sample]
        e = np.eye(a.size)[j]
        assert np.allclose(((a + 1e-3 * e) @ layer.W - (a - 1e-3 * e) @ layer.W) / 2e-3, layer.W[j])
        # 6: the full double sum at the chosen entry against finite differences
        i, j = f.a_entry
        double = sum(
            layer.dZ[s, t] * (layer.W[j, t] if s == i else 0.0)
            for s in range(spec.m)
            for t in range(layer.W.shape[1])
        )
        assert close(double, dL_dA_prev(trace, l, (i, j)), trace.loss)
        # 7: L is the sum of per-sample losses, each from its sample alone
        alone = sum(loss_from(trace, 1, trace.X[s : s + 1], rows=slice(s, s + 1)) for s in range(spec.m))
        assert np.isclose(alone, trace.loss)
        # 10: z moves by (dW)ᵀa + Wᵀda + db along (dW, da, db); by Wᵀda + db with W fixed
        rng = np.random.default_rng(l)
        dW, da, db = (
            rng.standard_normal(layer.W.shape),
            rng.standard_normal(a.size),
            rng.standard_normal(dz.size),
        )
        moved = _z_moved(a, layer, dW, da, db, move_w=1.0)
        assert np.allclose(moved, a @ dW + da @ layer.W + db)
        assert np.allclose(_z_moved(a, layer, dW, da, db, move_w=0.0), da @ layer.W + db)
        # 11: the collapsed sum Σ_t ∂L/∂z_it w_jt at the chosen entry
        i, j = f.a_entry
        assert close((layer.dZ @ layer.W.T)[i, j], dL_dA_prev(trace, l, (i, j)), trace.loss)
        # 12: a_s is row s of A: Wᵀ a_s + b is row s of Z; w_i is column i of W: a_sᵀ w_i + b_i = z_si
        s_ = f.sample
        assert np.allclose(layer.W.T @ layer.A_prev[s_] + layer.b, layer.Z[s_])
        assert np.isclose(
            layer.A_prev[s_] @ layer.W[:, f.b_entry] + layer.b[f.b_entry], layer.Z[s_, f.b_entry]
        )
        # 13: G applies g to each entry (each row for softmax) of Z
        act = activation(spec.activations[l - 1])
        rows = [act.g(layer.Z[r : r + 1]) for r in range(spec.m)]
        if act.elementwise:
            rows = [[act.g(np.array([[z]]))[0, 0] for z in row] for row in layer.Z]
        assert np.allclose(np.vstack(rows) if not act.elementwise else np.array(rows), layer.A)
        # 8, 9: ∂L/∂W = A^T ∂L/∂Z has W's shape and its entries
        assert (layer.A_prev.T @ layer.dZ).shape == layer.W.shape
        assert close((layer.A_prev.T @ layer.dZ)[f.w_entry], dL_dparam(trace, "W", l, f.w_entry), trace.loss)


def _z_moved(a, layer, dW, da, db, move_w: float):
    """(z(t) - z(-t)) / 2t along (move_w dW, da, db): exact, z being quadratic in t."""

    def z(t):
        return (a + t * da) @ (layer.W + move_w * t * dW) + layer.b + t * db

    return (z(1e-3) - z(-1e-3)) / 2e-3


@pytest.mark.parametrize("name", NETWORKS)
def test_what_finite_differences_confirm_is_confirmed_again(name):
    trace, tours = walks(name)
    for _, tour in tours:
        for item in (i for section in tour.sections for i in section.items):
            checks = item.checks if isinstance(item, Step) else item.correction
            for check in checks:
                for evidence in check.evidence:
                    if evidence.key != "fd_agree" or evidence.data.get("sample") is not None:
                        continue
                    var, k = evidence.data["variable"], evidence.data["l"]
                    for index, predicted, _ in evidence.data["entries"][:2]:
                        if var == "A_prev":
                            actual = dL_dA_prev(trace, k, index)
                        elif var in ("W", "b"):
                            actual = dL_dparam(trace, var, k, index)
                        else:
                            continue  # Z and A: the probe's own ground, covered by its doctest and the steps
                        assert close(predicted, actual, trace.loss), (name, item.key, var, k, index)


def test_chain_steps_count_the_vanishing_terms():
    trace, tours = walks("default")
    for l, tour in tours:
        m, n_out = trace.layers[l - 1].Z.shape
        for step in tour.steps:
            for evidence in (e for c in step.checks for e in c.evidence if e.key == "terms"):
                survivors = n_out if step.key.startswith("chain.a") else m
                assert evidence.data == {"total": m * n_out, "vanish": m * n_out - survivors}


def test_a_saturated_softmax_is_not_called_wrong():
    spec = NetworkSpec(sizes=(2, 3), activations=("softmax",), loss="softmax_ce", batch=3, seed=2)
    base = init_params(spec)
    trace = run(spec, Params((base.W[0] * 2000,), base.b))  # outputs underflow to exactly 0
    assert (trace.layers[0].A == 0).any()
    tour = walk(trace)
    assert all(step.holds is not False for step in tour.steps), [
        (s.key, failing(s)) for s in tour.steps if not s.holds
    ]
    shown = {e.key for s in tour.steps for c in s.checks for e in c.evidence}
    assert "saturated" in shown


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"l": 3}, "layer"),
        ({"l": 0}, "layer"),
        ({"sample": 4}, "sample"),
        ({"a_entry": (0, 9)}, "entry of A"),
        ({"w_entry": (0,)}, "entry of W"),
        ({"b_entry": -1}, "entry of b"),
        ({"sample": True}, "sample"),
    ],
)
def test_an_entry_out_of_range_is_refused_by_name(kwargs, field):
    with pytest.raises(InvalidInput, match=field):
        walk(run(NetworkSpec()), **kwargs)


SOURCES = [
    "backprop/teaching/notes.py",
    "backprop/teaching/layout.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "backprop/teaching/notes_walk").rglob("*.py")),
]


def emitted_keys() -> dict[str, set[str]]:
    """Every catalogue key the walks and the layout panel emit, with the placeholders they fill."""
    from backprop.teaching import layout

    out: dict[str, set[str]] = {}

    def add(key, fmt=()):
        out.setdefault(key, set()).update(fmt)

    for name in NETWORKS:
        trace, tours = walks(name)
        for l, tour in tours:
            for section in tour.sections:
                add(f"notes.section.{section.key}.title")
                add(f"notes.section.{section.key}.intro")
                for item in section.items:
                    if isinstance(item, Step):
                        add(f"notes.step.{item.key}.title")
                        add(f"notes.step.{item.key}.text")
                        checks = item.checks
                    else:
                        for part in ("title", "why", "fix"):
                            add(f"notes.mistake.{item.key}.{part}")
                        checks = (item.refutation, *item.correction)
                    for check in checks:
                        add(f"notes.method.{check.method}")
                        add(f"notes.verdict.{check.verdict}")
                        for evidence in check.evidence:
                            add(f"notes.evidence.{evidence.key}", evidence.fmt)
            judged = [c.check for c in layout.candidates(trace, l)]
            judged += [p.check for p in layout.layouts(trace, l) + layout.conventions(trace, l)]
            for check in judged:
                for evidence in check.evidence:
                    add(f"notes.evidence.{evidence.key}", evidence.fmt)
    return out


def test_every_key_the_walk_emits_is_in_both_catalogues_with_its_placeholders():
    for key, given in emitted_keys().items():
        for lang, catalogue in CATALOGUES.items():
            assert key in catalogue, (lang, key)
            wanted = placeholders(catalogue[key])
            assert wanted <= given, (lang, key, wanted - given)


def test_every_evidence_key_in_the_source_is_catalogued():
    pattern = re.compile(r'Evidence\(\s*"([a-z_]+)"|"([a-z_]+)" if \w+ else "([a-z_]+)"')
    found = set()
    for path in SOURCES:
        for match in pattern.finditer((ROOT / path).read_text("utf-8")):
            found.update(group for group in match.groups() if group)
    assert len(found) > 40
    missing = {key for key in found if f"notes.evidence.{key}" not in CATALOGUES["en"]}
    assert not missing - {"max_diff"}, missing  # max_diff is only the model's docstring example


def test_catalogues_have_the_same_keys_placeholders_and_real_chinese():
    en, zh = CATALOGUES["en"], CATALOGUES["zh"]
    assert en.keys() == zh.keys()
    fields = lambda text: sorted(placeholders(text))  # noqa: E731
    assert all(fields(en[k]) == fields(zh[k]) for k in en)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    prose = [k for k in zh if not k.startswith(("notes.layout.pair.", "notes.method."))]
    assert all(cjk.search(zh[k]) for k in prose), [k for k in prose if not cjk.search(zh[k])]


def test_the_statements_that_carry_mistakes_10_to_13_say_so():
    trace = run(NetworkSpec())
    tour = walk(trace)
    carried = {step.key: step.typos for step in tour.steps}
    assert carried["bwd.differential_w_fixed"] == (10,)  # right only with W held fixed
    assert carried["chain.a.collapse"] == (11,)  # the ∂ missing again
    assert carried["batch.rows"] == (12, 13)  # bold a_i a row, G^(l) a matrix of functions
    where = {
        item.number: section.key
        for section in tour.sections
        for item in section.items
        if isinstance(item, Mistake)
    }
    assert (where[10], where[11], where[12], where[13]) == (
        "broken",
        "chain_a",
        "forward_batch",
        "forward_batch",
    )
    for lang, catalogue in CATALOGUES.items():
        assert "(dW)ᵀ a" in catalogue["notes.step.bwd.differential_w_fixed.text"], lang


def test_the_output_gradient_of_squared_error_carries_the_mean_and_softmax_its_jacobian():
    spec = NetworkSpec((2, 3, 3), ("tanh", "softmax"), "mse", "mean", batch=3, seed=2)
    trace = run(spec)
    step = next(s for s in walk(trace).steps if s.key == "omit.output_dz")
    assert step.holds is True and r"\frac{1}{m}" in step.statement and r"\mathbf{J}_s" in step.statement
    assert r"\odot" not in step.statement  # softmax is not elementwise
    # recomputed here: row s of ∂L/∂Z = (1/m) J_sᵀ (a_s - y_s), J_s = diag(a_s) - a_s a_sᵀ
    top = trace.layers[-1]
    for s in range(spec.m):
        a, y = top.A[s], trace.Y[s]
        assert np.allclose((np.diag(a) - np.outer(a, a)).T @ (a - y) / spec.m, top.dZ[s])
    elementwise = walk(run(NetworkSpec(reduction="mean")))
    step = next(s for s in elementwise.steps if s.key == "omit.output_dz")
    assert r"\frac{1}{m}" in step.statement and r"\odot" in step.statement
    for catalogue in CATALOGUES.values():
        assert "1/m" in catalogue["notes.step.omit.output_dz.text"]
        assert "J_s^{\\mathrm{T}}" in catalogue["notes.step.omit.output_dz.text"]


def test_relu_prime_of_zero_is_said_where_it_is_used():
    # z^(1) = 1·1 - 1 = 0 on relu's kink: the walk says relu'(0) = 0 is the value used
    spec = NetworkSpec((1, 2, 1), ("relu", "identity"), batch=1)
    params = Params(
        (np.array([[1.0, 1.0]]), np.array([[1.0], [2.0]])), (np.array([-1.0, 0.5]), np.array([0.0]))
    )
    trace = run(spec, params, np.array([[1.0]]), np.array([[0.0]]))
    assert trace.layers[0].Z[0, 0] == 0
    step = next(s for s in walk(trace, 1).steps if s.key == "omit.activation")
    said = [e for c in step.checks for e in c.evidence if e.key == "kink_convention"]
    assert said and said[0].data["value"] == 0.0 and said[0].data["cells"] == [(0, 0)]
    assert trace.layers[0].dZ[0, 0] == 0.0  # what backprop used
    away = next(s for s in walk(run(NetworkSpec()), 1).steps if s.key == "omit.activation")
    assert not any(e.key == "kink_convention" for c in away.checks for e in c.evidence)


def test_the_w_entry_labels_name_a_row_and_a_column():
    for lang, catalogue in CATALOGUES.items():
        assert ("row" in catalogue["notes.w_row"]) if lang == "en" else ("行" in catalogue["notes.w_row"])
        assert ("column" in catalogue["notes.w_col"]) if lang == "en" else ("列" in catalogue["notes.w_col"])


def test_the_matrix_forms_read_the_engines_gradients_and_catch_a_wrong_one():
    # chain step 4 and mistake 8 judge the backward engine's stored ∂L/∂W, ∂L/∂b, ∂L/∂A^(l-1)
    # against sums and finite differences computed without it: a wrong stored gradient fails
    trace = trace_of("default")
    f = focus(trace)
    layer = trace.layers[f.l - 1]
    wrong = layer._replace(dW=2 * layer.dW, db=2 * layer.db, dA_prev=2 * layer.dA_prev)
    broken = dataclasses.replace(trace, layers=trace.layers[: f.l - 1] + (wrong,) + trace.layers[f.l :])
    for key in ("a", "W", "b"):
        assert chain.steps(trace, f, key)[3].verdict == "verified", key
        assert chain.steps(broken, f, key)[3].verdict == "refuted", key
    assert all(check.holds for check in broken_sentence(trace, f).correction)
    assert not any(check.holds for check in broken_sentence(broken, f).correction)
