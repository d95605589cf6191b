r"""The derivation: the backward pass as named steps, its exact arithmetic, its classic mistakes, and the notation that prints it."""
