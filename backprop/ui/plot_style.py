"""The charts' colours and line styles: colour-blind-safe scales and a palette told apart without colour."""

DIVERGING = "PuOr"  # purple-orange: readable with every common colour-vision deficiency
SEQUENTIAL = "Cividis"
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")  # lines told apart without colour
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
