"""Named errors of the knowledge base.

Every error a user can cause or meet has a class here, and its message says what went wrong and
what to do next. The `kb` command turns these into one line and an exit code; nothing else catches
them to log and re-raise. A message that quotes what the input held passes it through `shorten`,
so a huge or multi-line value cannot turn the message into pages of text.
"""

import unicodedata

QUOTE_LIMIT = 60  # characters of an input value a message quotes


def shorten(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as a message may quote it: on one line, with line breaks and other control characters
    written as escapes (`\\n`, `\\x00`), and cut to `limit` characters followed by '…'."""
    text = str(value)
    head = text[: limit + 1]  # escape only what can be shown: the value may be megabytes long
    shown = "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in head
    )
    if len(text) > limit or len(shown) > limit:
        return shown[:limit] + "…"
    return shown


class KBError(Exception):
    """Base class: a failure the `kb` command reports as one line (exit code 1)."""

    exit_code = 1


class UsageError(KBError):
    """The user asked for something that cannot work as asked (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration (flags, environment, config file) is incomplete or contradictory."""


class EngineError(KBError):
    """The graph engine could not be started, reached or stopped."""


class QueryError(KBError):
    """The engine refused or failed a query; the message is the engine's own, with context."""


class ReadOnlyViolation(QueryError):
    """A query sent through a read path would write; the engine (or its planner) refused it."""

    exit_code = 2


class QueryTimeout(QueryError):
    """The engine stopped a read at its time limit; nothing was changed and the engine keeps serving.

    `limit_s` is the limit the read was given, None when it was the server's own (Neo4j's
    db.transaction.timeout, set by its administrator)."""

    def __init__(self, limit_s: float | None):
        self.limit_s = limit_s
        if limit_s is None:
            message = (
                "the query stopped at the server's own time limit (db.transaction.timeout); "
                "ask its administrator to raise it, or narrow the query"
            )
        else:
            message = (
                f"the query stopped at its time limit of {limit_s:g} s; raise it with --timeout SECONDS "
                "or KB_QUERY_TIMEOUT (0 for none), or narrow the query"
            )
        super().__init__(message)


class LoadInProgress(QueryError):
    """A read that could see part of a wave still being written was refused (Neo4j only)."""


class ValidationError(UsageError):
    """Input files broke the rules of their format; nothing was written.

    `problems` holds every problem found (file, row, column, message), so a data steward sees
    them all at once rather than one per attempt.
    """

    def __init__(self, problems: list["Problem"]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        more = len(self.problems) - 1
        head = str(first) if first else "invalid input"
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more > 0 else ""
        super().__init__(head + suffix)


class Problem:
    """One validation problem, located as precisely as the input allows."""

    __slots__ = ("file", "row", "column", "message")

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{shorten(self.column)}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self!s})"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


class NotFound(UsageError):
    """A named thing (wave, query, site, engine) does not exist."""
