r"""What an upload gave, checked to fit together: W and b chaining layer to layer, X and Y, all finite.

``assembled`` takes a reader's members (arrays by canonical name) and checks what no
single array shows: W1..WL and b1..bL all present, W^(l) n_{l-1} x n_l so that the
shapes chain, X (m, n_0) and Y (m, n_L) together or not at all, every value finite, and
the whole within the app's limits (widths and batch up to 1024, 8 layers, and the work
limit ``MAX_MULTIPLY_ADDS`` of NetworkSpec).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from backprop.core.errors import InvalidInput
from backprop.core.network import Params
from backprop.core.spec import APP_MAX_BATCH, APP_MAX_WIDTH, MAX_LAYERS, NetworkSpec, check_work, shape_text
from backprop.io.upload_limits import place


@dataclass(frozen=True, eq=False)
class Upload:
    r"""What a file gave: sizes n_0..n_L, W^(l) (n_{l-1}, n_l), b^(l) (n_l,), X (m, n_0), Y (m, n_L).

    ``config`` is the network configuration the file carried (the JSON's or the
    export's "config"), {} if none; it is untrusted until ``spec`` validates it.
    """

    sizes: tuple[int, ...]
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    config: dict = field(default_factory=dict)
    source: str = ""

    @property
    def params(self) -> Params:
        """W and b as the core's Params."""
        return Params(self.W, self.b)

    def spec(self, base: NetworkSpec) -> NetworkSpec:
        r"""A NetworkSpec for these arrays: the file's configuration, else ``base``'s where it fits.

        Sizes come from the arrays and the batch m from X's rows. Activations, loss,
        reduction, seed and init come from the file's config if it has them, else from
        ``base`` (if base has the same number of layers), else sigmoid hidden layers, an
        identity output and mse.
        """
        L = len(self.sizes) - 1
        given = {
            k: self.config[k]
            for k in ("activations", "loss", "reduction", "seed", "init")
            if k in self.config
        }
        fitting = base.activations if len(base.activations) == L else ("sigmoid",) * (L - 1) + ("identity",)
        fields = {
            "sizes": self.sizes,
            "activations": given.get("activations", fitting),
            "loss": given.get("loss", base.loss),
            "reduction": given.get("reduction", base.reduction),
            "batch": self.X.shape[0] if self.X is not None else base.batch,
            "seed": given.get("seed", base.seed),
            "init": given.get("init", base.init),
        }
        if "loss" not in given:
            try:
                return NetworkSpec(**fields)
            except InvalidInput:
                fields["loss"] = "mse"  # base's loss needs an output layer the file does not have
        try:
            return NetworkSpec(**fields)
        except InvalidInput as error:
            raise InvalidInput(
                f"{self.source}: {error.field}", error.value, error.allowed, code=error.code, **error.fields
            ) from None


def assembled(members: dict[str, np.ndarray], config: dict, source: str) -> Upload:
    """The members as an Upload: W1..WL and b1..bL present, shapes chaining, X and Y fitting, all finite."""
    at = place(source)
    L = 0
    while f"W{L + 1}" in members:
        L += 1
    if L == 0:
        found = ", ".join(sorted(members)) or "nothing"
        raise InvalidInput(
            f"upload {source}",
            f"arrays {found}",
            "W1, b1, ... (W^(l) of every layer)",
            code="upload_no_weights",
            place=at,
            found=place(", ".join(sorted(members))) if members else "—",
        )
    if L > MAX_LAYERS or any(f"W{l}" in members for l in range(L + 1, MAX_LAYERS + 2)):
        raise InvalidInput(
            f"upload {source}",
            f"{L} layers, or a gap",
            f"W1 ... WL, at most {MAX_LAYERS} layers",
            code="upload_layers",
            place=at,
            limit=MAX_LAYERS,
        )
    W, b, sizes = [], [], []
    for l in range(1, L + 1):
        W_l = _finite(source, f"W{l}", np.asarray(members[f"W{l}"], dtype=np.float64))
        if W_l.ndim != 2:
            raise InvalidInput(
                f"upload {source}, W{l}",
                f"shape {W_l.shape}",
                "a matrix (n_{l-1} x n_l)",
                code="upload_w_matrix",
                place=at,
                l=l,
                k=l - 1,
                shape=shape_text(W_l.shape[:8]),
            )
        if l == 1:
            sizes.append(W_l.shape[0])
        elif W_l.shape[0] != sizes[-1]:
            transposed = W_l.shape[1] == sizes[-1]
            hint = " (it looks transposed: the notes' W is n_{l-1} x n_l)" if transposed else ""
            raise InvalidInput(
                f"upload {source}, W{l}",
                f"shape {W_l.shape}",
                f"{sizes[-1]} rows, the outputs of W{l - 1}{hint}",
                code="upload_w_transposed" if transposed else "upload_w_rows",
                place=at,
                l=l,
                k=l - 1,
                shape=shape_text(W_l.shape),
                rows=sizes[-1],
            )
        sizes.append(W_l.shape[1])
        if f"b{l}" not in members:
            raise InvalidInput(
                f"upload {source}",
                f"no b{l}",
                f"b{l} with {sizes[-1]} entries",
                code="upload_no_bias",
                place=at,
                l=l,
                count=sizes[-1],
            )
        b_l = _finite(source, f"b{l}", np.asarray(members[f"b{l}"], dtype=np.float64))
        if b_l.size != sizes[-1] or (b_l.ndim == 2 and 1 not in b_l.shape) or b_l.ndim > 2:
            raise InvalidInput(
                f"upload {source}, b{l}",
                f"shape {b_l.shape}",
                f"{sizes[-1]} entries",
                code="upload_b_shape",
                place=at,
                l=l,
                shape=shape_text(b_l.shape[:8]),
                count=sizes[-1],
            )
        W.append(W_l)
        b.append(b_l.ravel())
    if any(not 1 <= n <= APP_MAX_WIDTH for n in sizes):
        raise InvalidInput(
            f"upload {source}",
            f"sizes {tuple(sizes)}",
            f"widths from 1 to {APP_MAX_WIDTH}",
            code="upload_widths",
            place=at,
            sizes=", ".join(map(str, sizes)),
            limit=APP_MAX_WIDTH,
        )
    X, Y = _inputs(members, source, sizes)
    if X is not None:
        try:
            check_work(tuple(sizes), X.shape[0])
        except InvalidInput as error:
            raise InvalidInput(
                f"upload {source}: {error.field}", error.value, error.allowed, code=error.code, **error.fields
            ) from None
    given_sizes = config.get("sizes")
    if given_sizes is not None and given_sizes != sizes:
        raise InvalidInput(
            f"upload {source}, config sizes",
            given_sizes,
            f"the sizes of the arrays, {sizes}",
            code="upload_config_sizes",
            place=at,
            sizes=", ".join(map(str, sizes)),
        )
    return Upload(tuple(sizes), tuple(W), tuple(b), X, Y, config, source)


def _inputs(members: dict, source: str, sizes: list[int]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """X (m, n_0) and Y (m, n_L), both or neither."""
    if ("X" in members) != ("Y" in members):
        missing = "Y" if "X" in members else "X"
        raise InvalidInput(
            f"upload {source}",
            f"no {missing}",
            "both X and Y, or neither",
            code="upload_xy",
            place=place(source),
            missing=missing,
        )
    if "X" not in members:
        return None, None
    X = _finite(source, "X", np.atleast_2d(np.asarray(members["X"], dtype=np.float64)))
    Y = _finite(source, "Y", np.asarray(members["Y"], dtype=np.float64))
    if Y.ndim == 1 and sizes[-1] == 1:
        Y = Y.reshape(-1, 1)  # one output: a column of targets
    Y = np.atleast_2d(Y)
    if X.ndim != 2 or X.shape[1] != sizes[0] or not 1 <= X.shape[0] <= APP_MAX_BATCH:
        raise InvalidInput(
            f"upload {source}, X",
            f"shape {X.shape}",
            f"m x {sizes[0]} (m from 1 to {APP_MAX_BATCH})",
            code="upload_x_shape",
            place=place(source),
            shape=shape_text(X.shape[:8]),
            n=sizes[0],
            limit=APP_MAX_BATCH,
        )
    if Y.shape != (X.shape[0], sizes[-1]):
        raise InvalidInput(
            f"upload {source}, Y",
            f"shape {Y.shape}",
            f"{X.shape[0]} x {sizes[-1]}, like X's rows",
            code="upload_y_shape",
            place=place(source),
            shape=shape_text(Y.shape[:8]),
            needed=shape_text((X.shape[0], sizes[-1])),
        )
    return X, Y


def _finite(source: str, name: str, array: np.ndarray) -> np.ndarray:
    """array, if every entry is finite; else InvalidInput naming the first bad entry."""
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInput(
            f"upload {source}, {name}{list(index)}",
            float(array[index]),
            "finite numbers only",
            code="upload_finite",
            place=place(source),
            array=re.sub(r"^([Wb])(\d)$", r"\1^{(\2)}", name),
            index=", ".join(str(i + 1) for i in index),
        )
    return array
