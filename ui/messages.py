"""Failures in words: what went wrong and what to do, instead of the engine's own text.

The engine's text stays available (the `detail` line) for whoever has to fix it, but it comes after
a sentence a manager can act on.
"""

from __future__ import annotations

import re
from typing import Final

from kb.errors import EngineError, KBError, LoadInProgress, NotFound, ReadOnlyViolation

# What an unreachable engine says, across the embedded engine's socket and a Neo4j server.
UNREACHABLE: Final = re.compile(
    r"connecting to|connection refused|no such file|socket|service ?unavailable|timed out connecting|broken pipe",
    re.IGNORECASE,
)
NOT_ANSWERING: Final = (
    "The knowledge base is not answering: its database engine has stopped or cannot be reached. Start the app "
    "again with `kb ui` (or ask whoever runs it to), then reload this page."
)
BUSY: Final = "A wave is being loaded just now, so this view could show half of it. Try again in a minute."


def error_words(exc: KBError, what: str = "This view") -> str:
    """One message for a failure: a sentence saying what happened and what to do, then the detail."""
    detail = str(exc).strip()
    if isinstance(exc, EngineError) or UNREACHABLE.search(detail):
        return f"{NOT_ANSWERING}\n\nDetail: {detail}"
    if isinstance(exc, LoadInProgress):
        return BUSY
    if isinstance(exc, ReadOnlyViolation):
        return "This app only reads, and this would change the knowledge base, so it was not run."
    if isinstance(exc, NotFound):
        return detail[:1].upper() + detail[1:] + ("" if detail.endswith(".") else ".")
    return f"{what} could not be answered: the knowledge base refused the question. Detail: {detail}"
