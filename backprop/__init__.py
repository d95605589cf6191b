r"""The backprop derivation explorer's core: numpy, sympy and the standard library only.

>>> from backprop import NetworkSpec, run
>>> trace = run(NetworkSpec(sizes=(3, 4, 2), activations=("sigmoid", "identity")))
>>> [layer.dW.shape for layer in trace.layers]
[(3, 4), (4, 2)]
"""

from backprop.core.activations import ACTIVATIONS, Activation
from backprop.core.errors import InvalidInput
from backprop.core.losses import LOSSES, Loss
from backprop.core.network import (
    LayerTrace,
    Params,
    Trace,
    backward,
    forward,
    init_params,
    loss_value,
    make_data,
    run,
)
from backprop.core.spec import NetworkSpec

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "InvalidInput",
    "LOSSES",
    "LayerTrace",
    "Loss",
    "NetworkSpec",
    "Params",
    "Trace",
    "backward",
    "forward",
    "init_params",
    "loss_value",
    "make_data",
    "run",
]
