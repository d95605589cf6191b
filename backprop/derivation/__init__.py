r"""The derivation: the backward pass as named steps, exact arithmetic, classic mistakes, and the notation.

One engine of steps serves the app, the exports and the check; one notation module prints its symbols.
"""
