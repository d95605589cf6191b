"""The one error type a user can cause, raised at the edge with a sentence that helps."""

from __future__ import annotations


class InvalidInput(ValueError):
    r"""A configuration, array, URL parameter or upload that the core refuses.

    The message names the field, the value and what is allowed, so a log or the command
    line can show it as it is:

    >>> str(InvalidInput("batch", 0, "a whole number from 1 to 4096"))
    'batch = 0 is not allowed: use a whole number from 1 to 4096.'

    A refusal the app shows also carries a ``code`` and its ``fields`` (numbers, names and
    LaTeX, never English words): the pages and the exports write it in the reader's
    language from the catalogues' ``errors.<code>`` (``backprop.locales.error_text``),
    not from the English sentence.

    >>> error = InvalidInput("loss", "bce", "mse in hand-calculation mode", code="exact_loss", loss="bce")
    >>> error.code, error.fields
    ('exact_loss', {'loss': 'bce'})
    """

    def __init__(self, field: str, value: object, allowed: str, *, code: str = "", **fields: object):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.code = code
        self.fields = fields
        super().__init__(f"{field} = {short(value)} is not allowed: use {allowed}.")


def short(value: object, limit: int = 60) -> str:
    """repr(value), cut to `limit` characters so a 10 kB value makes a readable message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
