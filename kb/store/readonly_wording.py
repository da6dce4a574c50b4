"""Wording both adapters use when their read path refuses something that only looks like a read."""

from __future__ import annotations

READ_PATH_SUFFIX = "; run it with --write if you mean it"
LOAD_CSV = "LOAD CSV, which makes the database server fetch a file or URL"


def not_run(what: str) -> str:
    """The refusal of an operation the read path does not run (`what` says what it would do)."""
    return f"the read-only path does not run {what}{READ_PATH_SUFFIX}"
