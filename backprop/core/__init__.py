r"""The numeric core: the validated spec, activations, losses, forward and backward pass, finite differences.

numpy and the standard library only (SymPy for each activation's twin); nothing here
imports the UI.
"""
