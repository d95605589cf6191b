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
DIFFERENTIAL = (
    r"\mathrm{d} \boldsymbol{z}^{(l)} = {\mathbf{W}^{(l)}}^\mathrm{T} \mathrm{d} \boldsymbol{a}^{(l-1)}"
    r" + \mathrm{d} \boldsymbol{b}^{(l)}"
)
DIFFERENTIAL_FIXED = (
    r"\mathrm{d} \boldsymbol{z}^{(l)} = (\mathrm{d}\mathbf{W}^{(l)})^\mathrm{T} \boldsymbol{a}^{(l-1)}"
    r" + {\mathbf{W}^{(l)}}^\mathrm{T} \mathrm{d} \boldsymbol{a}^{(l-1)} + \mathrm{d} \boldsymbol{b}^{(l)}"
    r" \;\overset{\mathrm{d}\mathbf{W}^{(l)} = \mathbf{0}}{=}\;"
    r" {\mathbf{W}^{(l)}}^\mathrm{T} \mathrm{d} \boldsymbol{a}^{(l-1)} + \mathrm{d} \boldsymbol{b}^{(l)}"
)
PARTIAL_AGAIN = (
    r"\cfrac{\partial L(\boldsymbol{\theta})}{a_{ij}^{(l-1)}} = \sum_{s=i,t}"
    r" \cfrac{\partial L(\boldsymbol{\theta})}{z_{st}^{(l)}} \cfrac{\partial z_{st}^{(l)}}{a_{ij}^{(l-1)}}"
    r" = \sum_{t} \cfrac{\partial L(\boldsymbol{\theta})}{\partial z_{i,t}^{(l)}} w_{jt}^{(l)}"
)
PARTIAL_AGAIN_FIXED = (
    r"\cfrac{\partial L(\boldsymbol{\theta})}{\partial a_{ij}^{(l-1)}} = \sum_{s=i,t}"
    r" \cfrac{\partial L(\boldsymbol{\theta})}{\partial z_{st}^{(l)}}"
    r" \cfrac{\partial z_{st}^{(l)}}{\partial a_{ij}^{(l-1)}}"
    r" = \sum_{t} \cfrac{\partial L(\boldsymbol{\theta})}{\partial z_{i,t}^{(l)}} w_{jt}^{(l)}"
)
BOLD_ROLES = (
    r"\mathbf{A}^{(l-1)} = (\boldsymbol{a_1}^{(l-1)}, \dots, \boldsymbol{a_m}^{(l-1)})^\mathrm{T},"
    r" \quad \mathbf{W}^{(l)} = (\boldsymbol{w_1}^{(l)}, \dots, \boldsymbol{w_{n_l}}^{(l)})"
)
BOLD_ROLES_FIXED = (
    r"\boldsymbol{a}_s^{(l-1)} = (\mathbf{A}^{(l-1)}_{s,:})^\mathrm{T} \in \mathbb{R}^{n_{l-1}}"
    r"\ \text{(sample } s = 1, \dots, m\text{)}, \quad"
    r" \boldsymbol{w}_i^{(l)} = \mathbf{W}^{(l)}_{:,i} \in \mathbb{R}^{n_{l-1}}"
    r"\ \text{(unit } i = 1, \dots, n_l\text{)}"
)
G_MATRIX = (
    r"\mathbf{G}^{(l)} = (\underbrace{\boldsymbol{g}^{(l)}, \dots, \boldsymbol{g}^{(l)}}_m)^\mathrm{T}"
    r" \in \mathbb{R}^{m \times n_l}, \quad \mathbf{A}^{(l)} = \mathbf{G}^{(l)}(\mathbf{Z}^{(l)})"
)
G_MATRIX_FIXED = (
    r"\mathbf{G}^{(l)}: \mathbb{R}^{m \times n_l} \to \mathbb{R}^{m \times n_l}, \quad"
    r" \left(\mathbf{G}^{(l)}(\mathbf{Z}^{(l)})\right)_{st} = g^{(l)}(z_{st}^{(l)})"
)
G_MATRIX_FIXED_ROWS = (
    r"\mathbf{G}^{(l)}: \mathbb{R}^{m \times n_l} \to \mathbb{R}^{m \times n_l}, \quad"
    r" \left(\mathbf{G}^{(l)}(\mathbf{Z}^{(l)})\right)_{s,:}"
    r" = \boldsymbol{g}^{(l)}(\boldsymbol{z}_s^{(l)})^\mathrm{T}"
)
