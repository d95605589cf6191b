r"""Teaching content built on the core: the notes walk, the layout panel, practice sets and training."""
