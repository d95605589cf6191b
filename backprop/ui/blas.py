r"""BLAS at one thread in the app's server process.

A server answers many sessions at once on few cores; OpenBLAS's own worker threads then
compete with the server's, and under overload a 784-wide pass took 0.6 s of wall time
for 6.6 ms of CPU. One BLAS thread per process keeps each pass at its CPU cost.

``backprop app`` sets OPENBLAS_NUM_THREADS=1 (and OMP_, MKL_; ``launch.BLAS_THREADS``) for
the server, which binds before numpy loads. ``streamlit run app.py`` cannot: no script of ours runs before
Streamlit's own imports, so ``one_thread()`` also lowers the limit of the BLAS already
loaded, through threadpoolctl, once per process (every page calls it via ``cache.trace``).
"""

from __future__ import annotations

import threading

_done = False
_lock = threading.Lock()


def one_thread() -> None:
    """Limit every loaded BLAS and OpenMP pool of this process to one thread (once; cheap after)."""
    global _done
    if _done:
        return
    with _lock:
        if not _done:
            from threadpoolctl import threadpool_limits  # noqa: PLC0415

            threadpool_limits(limits=1)
            _done = True
