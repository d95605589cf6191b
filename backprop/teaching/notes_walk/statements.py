r"""The notes' wrong statements as they write them, and the corrected ones (LaTeX), for ``mistakes``.

>>> LOSS_SUM
'L(\\boldsymbol{\\theta}) = \\sum_i^m l(\\boldsymbol{\\theta})'
"""

W_COLUMN = r"\boldsymbol{w_i}^{(l)} = (w_{1i}^{(l)}, \dots, w_{n_{l}i}^{(l)})^\mathrm{T}"
W_COLUMN_FIXED = r"\boldsymbol{w_i}^{(l)} = (w_{1i}^{(l)}, \dots, w_{n_{l-1}i}^{(l)})^\mathrm{T}"
TYPOS = (
    r"g_2^{l}, \quad (\boldsymbol{a}^{l-1})^\mathrm{T}, \quad"
    r" \cfrac{\partial z_{sj}^{l}}{\partial w_{ij}^{(l)}},"
    r" \quad \boldsymbol{b} = (b_1^{(l)}, \dots, b_{n_l}^{(l)})^\mathrm{T}"
)
TYPOS_FIXED = (
    r"g_2^{(l)}, \quad (\boldsymbol{a}^{(l-1)})^\mathrm{T},"
    r" \quad \cfrac{\partial z_{sj}^{(l)}}{\partial w_{ij}^{(l)}},"
    r" \quad \boldsymbol{b}^{(l)} = (b_1^{(l)}, \dots, b_{n_l}^{(l)})^\mathrm{T}"
)
FIND = r"\boldsymbol{a}^{(l-1)}, \quad \boldsymbol{b}^{(l)}"
FIND_FIXED = (
    r"\cfrac{\partial l}{\partial \boldsymbol{a}^{(l-1)}}, \quad"
    r" \cfrac{\partial l}{\partial \boldsymbol{b}^{(l)}}"
)
DZ = (
    r"\begin{cases} \cfrac{\partial \mathrm{d} \boldsymbol{z}^{(l)}}{\partial"
    r" \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)} \\"
    r" \cfrac{\partial \mathrm{d} \boldsymbol{z}^{(l)}}{\partial"
    r" \boldsymbol{b}^{(l)}} = \boldsymbol{1}_{n_l \times 1} \end{cases}"
)
DZ_FIXED = (
    r"\begin{cases} \cfrac{\partial \boldsymbol{z}^{(l)}}{\partial \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)}"
    r" \in \mathbb{R}^{n_{l-1} \times n_l} \\"
    r" \cfrac{\partial \boldsymbol{z}^{(l)}}{\partial \boldsymbol{b}^{(l)}} = \mathbf{I}_{n_l} \end{cases}"
)
DL = (
    r"\begin{cases} \cfrac{\partial \mathrm{d} l(\boldsymbol{\theta})}{\partial"
    r" \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)} \\"
    r" \cfrac{\partial \mathrm{d} l(\boldsymbol{\theta})}{\partial"
    r" \boldsymbol{b}^{(l)}} = \boldsymbol{1}_{n_l \times 1}"
    r" \end{cases}"
)
DL_FIXED = (
    r"\begin{cases} \cfrac{\partial l}{\partial \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)}"
    r" \cfrac{\partial l}{\partial \boldsymbol{z}^{(l)}} \\"
    r" \cfrac{\partial l}{\partial \boldsymbol{b}^{(l)}} ="
    r" \cfrac{\partial l}{\partial \boldsymbol{z}^{(l)}} \end{cases}"
)
NO_PARTIAL = (
    r"\cfrac{\partial L(\boldsymbol{\theta})}{a_{ij}^{(l-1)}} ="
    r" \sum_{s,t} \cfrac{\partial L(\boldsymbol{\theta})}{z_{st}^{(l)}}"
    r" \cfrac{\partial z_{st}^{(l)}}{a_{ij}^{(l-1)}}"
)
NO_PARTIAL_FIXED = (
    r"\cfrac{\partial L(\boldsymbol{\theta})}{\partial a_{ij}^{(l-1)}} = \sum_{s,t}"
    r" \cfrac{\partial L(\boldsymbol{\theta})}{\partial z_{st}^{(l)}}"
    r" \cfrac{\partial z_{st}^{(l)}}{\partial a_{ij}^{(l-1)}}"
)
LOSS_SUM = r"L(\boldsymbol{\theta}) = \sum_i^m l(\boldsymbol{\theta})"
LOSS_SUM_FIXED = {
    "sum": r"L(\boldsymbol{\theta}) = \sum_{i=1}^m l_i(\boldsymbol{\theta})",
    "mean": r"L(\boldsymbol{\theta}) = \frac{1}{m} \sum_{i=1}^m l_i(\boldsymbol{\theta})",
}
FIGURE_FIXED = (
    r"\cfrac{\partial L}{\partial \mathbf{Z}^{(l)}} \longrightarrow \begin{cases}"
    r" \cfrac{\partial L}{\partial \mathbf{W}^{(l)}} ="
    r" {\mathbf{A}^{(l-1)}}^\mathrm{T} \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}} \\"
    r" \cfrac{\partial L}{\partial \boldsymbol{b}^{(l)}} = (\boldsymbol{1}_{m \times 1}^\mathrm{T}"
    r" \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}})^\mathrm{T} \\"
    r" \cfrac{\partial L}{\partial \mathbf{A}^{(l-1)}} = \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}}"
    r" {\mathbf{W}^{(l)}}^\mathrm{T} \end{cases}"
)
NO_LAYOUT = (
    r"\cfrac{\partial L}{\partial \mathbf{W}^{(l)}} ="
    r" {\mathbf{A}^{(l-1)}}^\mathrm{T} \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}}"
)
NO_LAYOUT_FIXED = (
    r"\left(\cfrac{\partial L}{\partial \mathbf{W}^{(l)}}\right)_{ij}"
    r" = \cfrac{\partial L}{\partial w_{ij}^{(l)}}"
    r" \;\Rightarrow\; \cfrac{\partial L}{\partial \mathbf{W}^{(l)}} = {\mathbf{A}^{(l-1)}}^\mathrm{T}"
    r" \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}} \in \mathbb{R}^{n_{l-1} \times n_l}"
)
