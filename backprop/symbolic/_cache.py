"""One registry of the symbolic engine's caches, so ``clear_caches`` makes the next call cold."""

from __future__ import annotations

_CACHED: list = []


def cached(fn):
    """Register an ``functools.lru_cache``-wrapped function so ``clear_caches`` empties it."""
    _CACHED.append(fn)
    return fn


def clear_caches() -> None:
    """Empty every cache of the symbolic engine, and SymPy's own, so the next call is cold."""
    from sympy.core.cache import clear_cache  # noqa: PLC0415

    for fn in _CACHED:
        fn.cache_clear()
    clear_cache()
