"""The one error type a user can cause, raised at the edge with a sentence that helps."""

from __future__ import annotations


class InvalidInput(ValueError):
    r"""A configuration, array, URL parameter or upload that the core refuses.

    The message names the field, the value and what is allowed, so a page can show it
    as it is:

    >>> str(InvalidInput("batch", 0, "a whole number from 1 to 4096"))
    'batch = 0 is not allowed: use a whole number from 1 to 4096.'
    """

    def __init__(self, field: str, value: object, allowed: str):
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field} = {_short(value)} is not allowed: use {allowed}.")


def _short(value: object, limit: int = 60) -> str:
    """repr(value), cut to `limit` characters so a 10 kB value makes a readable message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
