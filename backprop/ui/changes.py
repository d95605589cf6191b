r"""One control changed: the new configuration, or the reason it is refused (pure, no streamlit).

>>> spec = NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity"))
>>> new, note = apply_change(spec, "loss", "softmax_ce")
>>> new.activations, note
(('sigmoid', 'softmax'), 'common.output_switched')
"""

from __future__ import annotations

from typing import TypedDict

from backprop.core.activations import CUSTOM_PREFIX
from backprop.core.losses import LOSSES
from backprop.core.spec import NetworkSpec
from backprop.ui.urlparams import resized


class _Fields(TypedDict):
    """The NetworkSpec fields a control sets (the server's work limit stays at its default)."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    reduction: str
    batch: int
    seed: int
    init: str


def apply_change(spec: NetworkSpec, field: str, value) -> tuple[NetworkSpec, str | None]:
    r"""``spec`` with one control's new value; raises InvalidInput (or ImportError) if refused.

    ``field`` is "L", "n<k>" (width of layer k), "act<l>" (an activation name, or
    "custom:<formula>"), "loss", "reduction", "m", "seed" or "init". Linked choices
    follow, with the i18n key of a note saying so: a loss that needs a given output
    layer (bce: sigmoid, softmax_ce: softmax) sets it; an output layer that no longer
    fits the loss switches the loss to mse.
    """
    fields: _Fields = {
        "sizes": spec.sizes,
        "activations": spec.activations,
        "loss": spec.loss,
        "reduction": spec.reduction,
        "batch": spec.batch,
        "seed": spec.seed,
        "init": spec.init,
    }
    note = None
    if field == "L":
        fields["sizes"], fields["activations"] = resized(spec, int(value))
    elif field.startswith("n"):
        sizes = list(spec.sizes)
        sizes[int(field[1:])] = int(value)
        fields["sizes"] = tuple(sizes)
    elif field.startswith("act"):
        l = int(field[3:])
        acts = list(spec.activations)
        acts[l - 1] = value
        fields["activations"] = tuple(acts)
        needed = LOSSES[spec.loss].output
        if l == spec.L and needed is not None and value != needed:
            fields["loss"], note = "mse", "common.loss_switched"
    elif field == "loss":
        fields["loss"] = value
        needed = LOSSES[value].output
        if needed is not None and spec.activations[-1] != needed:
            fields["activations"] = (*spec.activations[:-1], needed)
            note = "common.output_switched"
    elif field == "reduction":
        fields["reduction"] = value
    elif field == "m":
        fields["batch"] = value
    elif field == "seed":
        fields["seed"] = value
    elif field == "init":
        fields["init"] = value
    else:
        raise ValueError(
            f"field = {field!r} is not allowed: use L, n<k>, act<l>, loss, reduction, m, seed or init"
        )
    return NetworkSpec(**fields), note


def is_custom(name: str) -> bool:
    """Whether an activation name is a student's own formula."""
    return name.startswith(CUSTOM_PREFIX)
