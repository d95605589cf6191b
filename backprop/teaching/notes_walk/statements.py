r"""The notes' statements as they write them (typos included), and the corrected ones (LaTeX).

The notes' own text is quoted literally, in the notes' signs (\cfrac, ^\mathrm{T}); every
corrected statement is printed by the notation module, as the rest of the app.

>>> LOSS_SUM
'L(\\boldsymbol{\\theta}) = \\sum_i^m l(\\boldsymbol{\\theta})'
"""

from backprop.derivation import notation as nt

L_THETA = r"L(\boldsymbol{\theta})"
W_COLUMN = r"\boldsymbol{w_i}^{(l)} = (w_{1i}^{(l)}, \dots, w_{n_{l}i}^{(l)})^\mathrm{T}"
W_COLUMN_FIXED = f"{nt.sup(nt.bold('w_i'), 'l')} = " + nt.paren_transpose(
    rf"{nt.indexed('w', '1i', 'l')}, \dots, {nt.indexed('w', 'n_{l-1}i', 'l')}", ""
)
TYPOS = (
    r"g_2^{l}, \quad (\boldsymbol{a}^{l-1})^\mathrm{T}, \quad"
    r" \cfrac{\partial z_{sj}^{l}}{\partial w_{ij}^{(l)}},"
    r" \quad \boldsymbol{b} = (b_1^{(l)}, \dots, b_{n_l}^{(l)})^\mathrm{T}"
)
TYPOS_FIXED = (
    rf"{nt.indexed('g', '2', 'l')}, \quad {nt.paren_transpose(nt.sup('a', 'l-1', True), '')},"
    rf" \quad {nt.partial(nt.indexed('w', 'ij', 'l'), of=nt.indexed('z', 'sj', 'l'))},"
    rf" \quad {nt.sup('b', 'l', True)} = "
    + nt.paren_transpose(rf"{nt.indexed('b', '1', 'l')}, \dots, {nt.indexed('b', 'n_l', 'l')}", "")
)
FIND = r"\boldsymbol{a}^{(l-1)}, \quad \boldsymbol{b}^{(l)}"
FIND_FIXED = (
    rf"{nt.partial(nt.sup('a', 'l-1', True), of='l')}, \quad {nt.partial(nt.sup('b', 'l', True), of='l')}"
)
DZ = (
    r"\begin{cases} \cfrac{\partial \mathrm{d} \boldsymbol{z}^{(l)}}{\partial"
    r" \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)} \\"
    r" \cfrac{\partial \mathrm{d} \boldsymbol{z}^{(l)}}{\partial"
    r" \boldsymbol{b}^{(l)}} = \boldsymbol{1}_{n_l \times 1} \end{cases}"
)
_Z = nt.sup("z", "l", True)
DZ_FIXED = (
    rf"\begin{{cases}} {nt.partial(nt.sup('a', 'l-1', True), of=_Z)} = {nt.sup('W', 'l', True)}"
    r" \in \mathbb{R}^{n_{l-1} \times n_l} \\"
    rf" {nt.partial(nt.sup('b', 'l', True), of=_Z)} = \mathbf{{I}}_{{n_l}} \end{{cases}}"
)
DL = (
    r"\begin{cases} \cfrac{\partial \mathrm{d} l(\boldsymbol{\theta})}{\partial"
    r" \boldsymbol{a}^{(l-1)}} = \mathbf{W}^{(l)} \\"
    r" \cfrac{\partial \mathrm{d} l(\boldsymbol{\theta})}{\partial"
    r" \boldsymbol{b}^{(l)}} = \boldsymbol{1}_{n_l \times 1}"
    r" \end{cases}"
)
_DL_DZ = nt.partial(nt.sup("z", "l", True), of="l")
DL_FIXED = (
    rf"\begin{{cases}} {nt.partial(nt.sup('a', 'l-1', True), of='l')} = {nt.sup('W', 'l', True)} {_DL_DZ} \\"
    rf" {nt.partial(nt.sup('b', 'l', True), of='l')} = {_DL_DZ} \end{{cases}}"
)
NO_PARTIAL = (
    r"\cfrac{\partial L(\boldsymbol{\theta})}{a_{ij}^{(l-1)}} ="
    r" \sum_{s,t} \cfrac{\partial L(\boldsymbol{\theta})}{z_{st}^{(l)}}"
    r" \cfrac{\partial z_{st}^{(l)}}{a_{ij}^{(l-1)}}"
)
NO_PARTIAL_FIXED = (
    rf"{nt.partial(nt.indexed('a', 'ij', 'l-1'), of=L_THETA)} = \sum_{{s,t}}"
    rf" {nt.partial(nt.indexed('z', 'st', 'l'), of=L_THETA)}"
    rf" {nt.partial(nt.indexed('a', 'ij', 'l-1'), of=nt.indexed('z', 'st', 'l'))}"
)
LOSS_SUM = r"L(\boldsymbol{\theta}) = \sum_i^m l(\boldsymbol{\theta})"
LOSS_SUM_FIXED = {
    "sum": r"L(\boldsymbol{\theta}) = \sum_{i=1}^m l_i(\boldsymbol{\theta})",
    "mean": r"L(\boldsymbol{\theta}) = \frac{1}{m} \sum_{i=1}^m l_i(\boldsymbol{\theta})",
}
FIGURE_FIXED = (
    rf"{nt.grad('Z', 'l', True)} \longrightarrow \begin{{cases}}"
    rf" {nt.dW_formula('l', bold_symbol=True)} \\"
    rf" {nt.db_formula('l', bold_symbol=True)} \\"
    rf" {nt.dA_prev_formula('l', bold_symbol=True)} \end{{cases}}"
)
NO_LAYOUT = (
    r"\cfrac{\partial L}{\partial \mathbf{W}^{(l)}} ="
    r" {\mathbf{A}^{(l-1)}}^\mathrm{T} \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}}"
)
NO_LAYOUT_FIXED = (
    rf"\left({nt.grad('W', 'l', True)}\right)_{{ij}} = {nt.partial(nt.indexed('w', 'ij', 'l'))}"
    rf" \;\Rightarrow\; {nt.dW_formula('l', bold_symbol=True)} \in \mathbb{{R}}^{{n_{{l-1}} \times n_l}}"
)

# the notes' four steps (sum, local, collapse, matrix) for an entry of A^(l-1), W^(l), b^(l),
# as the notes write them (typos included; ``chain`` checks each and names the typos)
NOTES_CHAIN = {
    "a": (
        rf"\cfrac{{\partial {L_THETA}}}{{a_{{ij}}^{{(l-1)}}}} ="
        rf" \sum_{{s,t}} \cfrac{{\partial {L_THETA}}}{{z_{{st}}^{{(l)}}}}"
        r" \cfrac{z_{st}^{(l)}}{a_{ij}^{(l-1)}}",
        r"\cfrac{\partial z_{st}^{(l)}}{\partial a_{ij}^{(l-1)}} ="
        r" \begin{cases} w_{jt}^{(l)} & s = i \\ 0 & s \neq i \end{cases}",
        rf"\cfrac{{\partial {L_THETA}}}{{a_{{ij}}^{{(l-1)}}}} ="
        rf" \sum_{{s=i,t}} \cfrac{{\partial {L_THETA}}}{{z_{{st}}^{{(l)}}}}"
        r" \cfrac{\partial z_{st}^{(l)}}{a_{ij}^{(l-1)}} = \sum_{t} \cfrac{\partial "
        + L_THETA
        + r"}{\partial z_{i,t}^{(l)}}"
        r" \cfrac{\partial z_{i,t}^{(l)}}{\partial a_{ij}^{(l-1)}} = \sum_{t} \cfrac{\partial "
        + L_THETA
        + r"}{\partial z_{i,t}^{(l)}} w_{jt}^{(l)}",
        rf"\cfrac{{\partial {L_THETA}}}{{\partial \mathbf{{A}}^{{(l-1)}}}}"
        rf" = \cfrac{{\partial {L_THETA}}}{{\partial \mathbf{{Z}}^{{(l)}}}}"
        r"{\mathbf{W}^{(l)}}^\mathrm{T}",
    ),
    "W": (
        r"\cfrac{\partial L}{\partial w_{ij}^{(l)}} = \sum_{s, t}\cfrac{\partial L}{\partial z_{st}^{(l)}}"
        r" \cfrac{\partial z_{st}^{(l)}}{\partial w_{ij}^{(l)}}",
        r"\cfrac{\partial z_{st}^{(l)}}{\partial w_{ij}^{(l)}} ="
        r" \begin{cases} a_{si}^{(l-1)} & t = j \\ 0 & t \neq j \end{cases}",
        r"\cfrac{\partial L}{\partial w_{ij}^{(l)}} = \sum_{s,t=j} \cfrac{\partial L}{\partial z_{st}^{(l)}}"
        r" \cfrac{\partial z_{st}^{(l)}}{\partial w_{ij}^{(l)}}"
        r" = \sum_{s} \cfrac{\partial L}{\partial z_{sj}^{(l)}}"
        r" \cfrac{\partial z_{sj}^{l}}{\partial w_{ij}^{(l)}} ="
        r" \sum_{s}\cfrac{\partial L}{\partial z_{sj}^{(l)}}a_{si}^{(l-1)}",
        r"\cfrac{\partial L}{\partial \mathbf{W}^{(l)}} ="
        r" {\mathbf{A}^{(l-1)}}^\mathrm{T} \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}}",
    ),
    "b": (
        r"\cfrac{\partial L}{\partial b_i^{(l)}} = \sum_{s, t}\cfrac{\partial L}{\partial z_{st}^{(l)}}"
        r" \cfrac{\partial z_{st}^{(l)}}{\partial b_i^{(l)}}",
        r"\cfrac{\partial z_{st}^{(l)}}{\partial b_i^{(l)}} ="
        r" \begin{cases} 1 & t = i \\ 0 & t \neq i \end{cases}",
        r"\cfrac{\partial L}{\partial b_i^{(l)}} = \sum_{s, t = i}\cfrac{\partial L}{\partial z_{st}^{(l)}}"
        r" \cfrac{\partial z_{st}^{(l)}}{\partial b_i^{(l)}}"
        r" = \sum_{s}\cfrac{\partial L}{\partial z_{si}^{(l)}}"
        r" \cfrac{\partial z_{si}^{(l)}}{\partial b_i^{(l)}}"
        r" = \sum_{s}\cfrac{\partial L}{\partial z_{si}^{(l)}}",
        r"\cfrac{\partial L}{\partial \boldsymbol{b}^{(l)}} = (\boldsymbol{1}_{m \times 1}^\mathrm{T}"
        r" \cfrac{\partial L}{\partial \mathbf{Z}^{(l)}})^\mathrm{T}",
    ),
}

# the notes' forward pass, one sample then the batch, as the notes write it (``forward`` checks it)
NOTATION = r"""\begin{gathered}
\boldsymbol{a}^{(l-1)} = (a_1^{(l-1)}, \dots, a_{n_{l-1}}^{(l-1)})^\mathrm{T} \\
\boldsymbol{w_i}^{(l)} = (w_{1i}^{(l)}, \dots, w_{n_{l}i}^{(l)})^\mathrm{T} \\
\boldsymbol{b} = (b_1^{(l)}, \dots, b_{n_l}^{(l)})^\mathrm{T} \\
\boldsymbol{z}^{(l)} = (z_1^{(l)}, \dots, z_{n_l}^{(l)})^\mathrm{T} \\
\boldsymbol{g}^{(l)} = (g_1^{(l)}, g_2^{l}, \dots, g_{n_l}^{(l)})^\mathrm{T} \\
\boldsymbol{a}^{(l)} = (a_1^{(l)}, \dots, a_{n_{l}}^{(l)})^\mathrm{T}
\end{gathered}"""

Z_I = r"""\begin{gathered}
z_i^{(l)} = (\boldsymbol{a}^{l-1})^\mathrm{T} \cdot \boldsymbol{w_i}^{(l)} + b_i^{(l)} \\
\boldsymbol{a}^{(l)} = \boldsymbol{g}^{(l)}(\boldsymbol{z}^{(l)})
\end{gathered}"""

W_MATRIX = r"""\mathbf{W}^{(l)} = (\boldsymbol{w_1}^{(l)}, \dots, \boldsymbol{w_{n_l}}^{(l)}) =
\begin{bmatrix}
    w_{11}^{(l)} & w_{12}^{(l)} & \dots & w_{1n_l}^{(l)} \\
    w_{21}^{(l)} & w_{22}^{(l)} & \dots & w_{2n_l}^{(l)} \\
    \vdots & \vdots & \ddots & \vdots \\
    w_{n_{l-1}1}^{(l)} & w_{n_{l-1}2}^{(l)} & \dots & w_{n_{l-1}n_l}^{(l)}
\end{bmatrix}_{n_{l-1} \times n_l}"""

Z_VECTOR = (
    r"\boldsymbol{z}^{(l)} = ({\boldsymbol{a}^{(l-1)}}^\mathrm{T} \cdot \mathbf{W}^{(l)})^\mathrm{T}"
    r" + {\boldsymbol{b}^{(l)}}"
)

BATCH_DEF = r"""\begin{gathered}
\mathbf{A}^{(l-1)} = (\boldsymbol{a_1}^{(l-1)}, \dots, \boldsymbol{a_m}^{(l-1)})^\mathrm{T}
    \in \mathbb{R}^{m \times n_{l-1}} \\
\mathbf{Z}^{(l)} = (\boldsymbol{z_1}^{(l)}, \dots, \boldsymbol{z_m}^{(l)})^\mathrm{T}
    \in \mathbb{R}^{m \times n_l} \\
\mathbf{G}^{(l)} = (\underbrace{\boldsymbol{g}^{(l)}, \dots, \boldsymbol{g}^{(l)}}_m)^\mathrm{T}
    \in \mathbb{R}^{m \times n_l}
\end{gathered}"""

BATCH_Z = r"""\begin{gathered}
\mathbf{Z}^{(l)} = \mathbf{A}^{(l-1)} \mathbf{W}^{(l)}
    + \boldsymbol{1}_{m \times 1} {\boldsymbol{b}^{(l)}}^\mathrm{T} \\
\mathbf{A}^{(l)} = \mathbf{G}^{(l)}(\mathbf{Z}^{(l)})
\end{gathered}"""

# the notes' differential of z, as they write it (``backward`` checks it)
DIFFERENTIAL = (
    r"\mathrm{d} \boldsymbol{z}^{(l)} = {\mathbf{W}^{(l)}}^\mathrm{T} \mathrm{d} \boldsymbol{a}^{(l-1)}"
    r" + \mathrm{d} \boldsymbol{b}^{(l)}"
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
