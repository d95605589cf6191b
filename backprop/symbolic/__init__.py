r"""The symbolic engine: SymPy derives every gradient of a dense network in the notes' notation.

(Work in progress: first usable API; see the full list below as it lands.)

Entry points (indices are 0-based everywhere; LaTeX shows them 1-based):

``element_sum(trace, l, variable, index)`` -> ElementSum | TooLarge
    The double sum Σ_{s,t} ∂L/∂z_st · ∂z_st/∂x for x = entry ``index`` of
    ``variable`` ∈ {"A_prev", "W", "b"} of layer l, at the trace's numbers.
``network_gradients(spec)`` -> NetworkGradients | TooLarge
    Every ∂L/∂W^(l), ∂L/∂b^(l), ∂L/∂A^(l-1) by symbolic reverse mode, lambdified, cached.
``network_entry(trace, variable, l, index)`` -> NetworkEntry | TooLarge
    SymPy's whole-network derivative of one entry with its value and LaTeX.
``clear_caches()``
    Empty every cache (the benchmark times cold work).
"""

from ._cache import clear_caches
from .element_sum import VARIABLES, ElementSum, Term, TermClass, element_sum
from .limits import TooLarge
from .network import NetworkGradients, naive_gradients, network_entry, network_gradients
from .printing import NetworkEntry

__all__ = [
    "VARIABLES",
    "ElementSum",
    "NetworkEntry",
    "NetworkGradients",
    "Term",
    "TermClass",
    "TooLarge",
    "clear_caches",
    "element_sum",
    "naive_gradients",
    "network_entry",
    "network_gradients",
]
