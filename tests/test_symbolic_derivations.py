"""The generic (IndexedBase) and matrix-calculus derivations give exactly the notes' forms."""

from __future__ import annotations

import sympy as sp

from backprop.symbolic import generic_derivation, matrix_derivation
from backprop.symbolic.generic import G, a, i, j, m, n_out, p, q, s, t, w
from backprop.symbolic.matrix_calculus import ONES, A, W
from backprop.symbolic.matrix_calculus import G as G_matrix

KD = sp.KroneckerDelta


def test_local_derivatives_are_kronecker_deltas():
    # the forms: ∂z_ij/∂a_pq = δ_ip w_qj, ∂z_ij/∂w_pq = δ_jq a_ip, ∂z_ij/∂b_q = δ_jq
    local = generic_derivation().local
    assert local["A_prev"] == KD(i, p) * w[q, j]
    assert local["W"] == KD(j, q) * a[i, p]
    assert local["b"] == KD(j, q)


def test_collapsed_gradients_are_the_notes_sums():
    # docs/notes.md: ∂L/∂a_ij = Σ_t ∂L/∂z_it w_jt, ∂L/∂w_ij = Σ_s ∂L/∂z_sj a_si, ∂L/∂b_i = Σ_s ∂L/∂z_si
    gradient = generic_derivation().gradient
    assert gradient["A_prev"] == sp.Sum(G[i, t] * w[j, t], (t, 1, n_out))
    assert gradient["W"] == sp.Sum(G[s, j] * a[s, i], (s, 1, m))
    assert gradient["b"] == sp.Sum(G[s, i], (s, 1, m))


def test_no_range_guards_on_screen():
    derivation = generic_derivation()
    for variable, steps in derivation.steps.items():
        assert not derivation.local[variable].has(sp.Piecewise)
        assert not derivation.gradient[variable].has(sp.Piecewise)
        assert all(r"\text" not in line and "otherwise" not in line for line in steps)
    assert derivation.steps["W"][-1] == (
        r"\frac{\partial L}{\partial w_{ij}^{(l)}} = \sum_{s=1}^{m} \frac{\partial L}{\partial z_{sj}^{(l)}}"
        r" a_{si}^{(l-1)} = \left({A^{(l-1)}}^{\mathrm{T}} \frac{\partial L}{\partial Z^{(l)}}\right)_{ij}"
    )


def test_matrix_calculus_gives_the_notes_identities():
    # ∂L/∂A = ∂L/∂Z Wᵀ, ∂L/∂W = Aᵀ ∂L/∂Z, ∂L/∂b = (1ᵀ ∂L/∂Z)ᵀ
    derivatives = matrix_derivation().derivatives
    assert derivatives["A_prev"] == G_matrix * W.T
    assert derivatives["W"] == A.T * G_matrix
    assert derivatives["b"] == G_matrix.T * ONES
    steps = matrix_derivation().steps
    assert steps[-1] == (
        r"\frac{\partial L}{\partial b^{(l)}} = \frac{\partial \Phi}{\partial b^{(l)}} = "
        r"\left(\frac{\partial L}{\partial Z^{(l)}}\right)^{\mathrm{T}} \mathbf{1}_{m \times 1}"
    )
