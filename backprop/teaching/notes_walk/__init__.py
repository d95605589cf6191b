r"""The pieces of the guided walk through the notes (``backprop.teaching.notes`` assembles them).

model (steps, checks, evidence, mistakes), checks (shared checks), probe (finite
differences of L with respect to any matrix of a layer), symbolic (one layer in SymPy
symbols, SymPy's chain rule), forward, backward, chain (the notes' own steps), mistakes
(the nine of docs/notes.md and four more), omitted (the steps the notes leave out).
"""
