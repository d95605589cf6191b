r"""W, b, X, Y from a student's file: .npz, a .zip of CSV files, .csv, or the command line's JSON.

Everything is checked before it is loaded: the file's size; for a zip (.npz is one) the
number of entries, each entry's declared size and compression ratio, and each .npy
header (dtype, shape, element count) before a byte of its data is decompressed; no
pickled objects are ever read (``np.load`` is not used at all, so ``allow_pickle`` never
comes into it); then shapes that chain layer to layer (W^(l) is n_{l-1} x n_l) and
finite values, within the app's limits (widths and batch up to 1024, 8 layers, and the
work limit ``MAX_MULTIPLY_ADDS`` of NetworkSpec). Every refusal is an InvalidInput
naming the file and the member, with a code and fields (``place``: the file and member
as an inert code span) from which the pages write it in the reader's language; a parser
error no reader foresaw becomes one too.

Names: ``W1, b1, ..., WL, bL, X, Y`` (also ``W_1``, and ``layer1/W`` in a zip, as the
export page writes them); X and Y are optional, but come together.

>>> import io, numpy as np
>>> buffer = io.BytesIO()
>>> np.savez(buffer, W1=np.ones((3, 4)), b1=np.zeros(4), W2=np.ones((4, 2)), b2=np.zeros(2))
>>> upload = load([("mine.npz", buffer.getvalue())])
>>> upload.sizes, upload.X is None
((3, 4, 2), True)
"""

from __future__ import annotations

from collections.abc import Sequence

from backprop.core.errors import InvalidInput
from backprop.io.upload_arrays import Upload, assembled
from backprop.io.upload_limits import MAX_BYTES, place
from backprop.io.upload_readers import FORMATS, READERS, read

__all__ = ["MAX_BYTES", "Upload", "load"]


def load(files: Sequence[tuple[str, bytes]]) -> Upload:
    r"""The arrays in one file, or in several CSV files each named after its array (W1.csv, X.csv).

    ``files`` are (file name, content) pairs. Raises InvalidInput naming the file, the
    member and what is allowed.
    """
    if not files:
        raise InvalidInput("upload", "no file", FORMATS, code="upload_none")
    total = 0
    for name, data in files:
        total += len(data)
        if total > MAX_BYTES:
            raise InvalidInput(
                f"upload {name}",
                f"{total} bytes",
                f"files of at most {MAX_BYTES // 2**20} MB",
                code="upload_size",
                place=place(name),
                limit=MAX_BYTES // 2**20,
            )
        if not data:
            raise InvalidInput(
                f"upload {name}", "an empty file", FORMATS, code="upload_empty", place=place(name)
            )
    if len(files) > 1:
        if not all(name.lower().endswith(".csv") for name, _ in files):
            raise InvalidInput(
                "upload",
                ", ".join(n for n, _ in files)[:80],
                "one file, or several .csv files",
                code="upload_many",
            )
        members = {}
        for name, data in files:
            members.update(read("csv", name, data)[0])
        return assembled(members, {}, ", ".join(n for n, _ in files)[:80])
    name, data = files[0]
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in READERS:
        raise InvalidInput(
            f"upload {name}",
            f"a .{suffix} file" if suffix else "a file without extension",
            FORMATS,
            code="upload_suffix",
            place=place(name),
        )
    return assembled(*read(suffix, name, data), name)
