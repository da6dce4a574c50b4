"""Every library query run with its defaults, as the fault tests' readers do."""

from __future__ import annotations

from kb.errors import NotFound
from kb.queries import library, run_named
from kb.store import Store


def run_with_defaults(store: Store, name: str) -> None:
    """Run query `name` with its defaults. A query that needs something loaded which is not
    (knowledge_brokers on a site without a survey network) is refused before it reads; that
    refusal is its answer, so it is not an error of the reader."""
    try:
        run_named(store, name, {})
    except NotFound:
        if not library()[name].requires:
            raise
