r"""A seeded exercise set on the current network or on a random small one."""

from __future__ import annotations

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.network import run
from backprop.core.spec import NetworkSpec
from backprop.derivation.exact import supports_exact, with_values
from backprop.locales import option_name
from backprop.teaching.practice.choice import formula_exercise, vanish_exercise
from backprop.teaching.practice.exercise import HAND_LIMIT, KINDS, Exercise
from backprop.teaching.practice.typed import entry_exercise, shape_exercise

LIST_SEPARATOR = {"zh": "、"}  # between the words of a list; ", " otherwise


def network_fields(spec: NetworkSpec, lang: str = "en") -> dict[str, object]:
    """The ``practice.network`` fields in ``lang``: sizes, activations, loss, reduction, m, init."""
    return {
        "sizes": ", ".join(map(str, spec.sizes)),
        "activations": LIST_SEPARATOR.get(lang, ", ").join(
            option_name(lang, "act", a) for a in spec.activations
        ),
        "loss": option_name(lang, "loss", spec.loss),
        "reduction": option_name(lang, "reduction", spec.reduction),
        "m": spec.m,
        "init": option_name(lang, "init", spec.init),
    }


def practice_spec(seed: int) -> NetworkSpec:
    """A random small network for hand work, from the seed: 1-2 hidden layers, integer weights, mse.

    Hidden layers are relu or identity: with integer inputs a sigmoid or tanh unit
    saturates (g' ~ 1e-12), which makes answers trivially 0; relu and identity also keep
    every value exact (hand-calculation mode).
    """
    rng = np.random.default_rng([_seed(seed), 8, 0])
    L = int(rng.integers(1, 3)) + 1
    sizes = (int(rng.integers(2, 4)),) + tuple(int(rng.integers(1, 4)) for _ in range(L))
    hidden = tuple(str(rng.choice(["relu", "identity", "relu"])) for _ in range(L - 1))
    return NetworkSpec(
        sizes=sizes,
        activations=hidden + ("identity",),
        loss="mse",
        reduction="sum",
        batch=int(rng.integers(2, 4)),
        seed=_seed(seed),
        init="integers",
    )


def exercise_set(
    seed: int, spec: NetworkSpec | None = None, count: int = 8, exact: bool | None = None, trace=None
) -> tuple[Exercise, ...]:
    r"""``count`` exercises from the seed, on ``spec`` or (None) on ``practice_spec(seed)``.

    ``trace`` (a Trace of ``spec``, e.g. with edited weights) replaces the seeded values.
    Every kind comes up (in a seeded order); numbers are exact fractions when the network
    allows hand-calculation mode (``exact`` None: whenever it can). InvalidInput if the
    network is too big to work by hand.
    """
    seed = _seed(seed)
    if trace is not None:
        spec = trace.spec
    spec = practice_spec(seed) if spec is None else spec
    if spec.m > HAND_LIMIT or max(spec.sizes) > HAND_LIMIT:
        raise InvalidInput(
            "network for practice",
            f"sizes {list(spec.sizes)}, batch {spec.m}",
            f"widths and a batch of at most {HAND_LIMIT} (or a random small network)",
        )
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 40:
        raise InvalidInput("number of exercises", count, "a whole number from 1 to 40")
    trace = run(spec) if trace is None else trace
    exact = supports_exact(spec) if exact is None else exact
    if exact:
        try:
            trace = with_values(trace, True)
        except InvalidInput:  # edited values that are not whole numbers: decimals it is
            pass
    rng = np.random.default_rng([seed, 8, 1])
    kinds = [KINDS[i % len(KINDS)] for i in range(count)]
    rng.shuffle(kinds)
    makers = {
        "entry": entry_exercise,
        "shape": shape_exercise,
        "formula": formula_exercise,
        "vanish": vanish_exercise,
    }
    return tuple(makers[kind](number, trace, rng) for number, kind in enumerate(kinds, start=1))


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise InvalidInput("exercise set", seed, "a whole number from 0 to 4294967295")
    return int(seed)
