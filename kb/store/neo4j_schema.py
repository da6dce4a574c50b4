"""kb.schema's keys and indexes as Neo4j 5 statements, plus the adapter's own two.

Each key becomes a named uniqueness constraint (which Neo4j backs with an index of the same
name), each index a named range index, both `IF NOT EXISTS` so that applying them again changes
nothing. Names are `<label>_<property>` in lower case (`site_id`, `wave_status`). The full-text
index is one index over every label, named as kb.schema names it.

The adapter adds, for its atomic units (kb/store/neo4j_unit.py):
- a uniqueness constraint on `KbUnitLock.name`: the unit lock is an index entry of it;
- an index on `KbStaged.id`: nodes a unit has written but not yet published are found by it.
Neither label belongs to the knowledge model, so no query of the library can match them.
"""

from __future__ import annotations

import re

from kb import schema

LOCK_LABEL = "KbUnitLock"
STAGED_LABEL = "KbStaged"
STAGED_TAG = "kb_staged"  # property of a staged node: "<schema label>@<unit id>"


def name_of(key: schema.PropertyKey) -> str:
    return f"{key.label.lower()}_{key.prop}"


def statements() -> list[tuple[str, str]]:
    """(name, statement) for every constraint and index the knowledge base needs on Neo4j."""
    found = [
        (
            name_of(key),
            f"CREATE CONSTRAINT {name_of(key)} IF NOT EXISTS "
            f"FOR (n:{schema.label(key.label)}) REQUIRE n.{key.prop} IS UNIQUE",
        )
        for key in schema.unique_keys()
    ]
    found += [
        (name_of(key), f"CREATE INDEX {name_of(key)} IF NOT EXISTS FOR (n:{schema.label(key.label)}) ON (n.{key.prop})")
        for key in schema.indexes()
    ]
    found.append(fulltext_statement(schema.fulltext_index()))
    found += [
        ("kb_unit_lock", f"CREATE CONSTRAINT kb_unit_lock IF NOT EXISTS FOR (n:{LOCK_LABEL}) REQUIRE n.name IS UNIQUE"),
        ("kb_staged_id", f"CREATE INDEX kb_staged_id IF NOT EXISTS FOR (n:{STAGED_LABEL}) ON (n.id)"),
    ]
    return found


def fulltext_statement(index: schema.FullTextIndex) -> tuple[str, str]:
    """(name, statement) of the full-text index: Lucene's standard analyzer without stop words, so
    that every word of a text can be looked for."""
    labels = "|".join(schema.label(name) for name in index.labels)
    props = ", ".join(f"n.{prop}" for prop in index.props)
    return (
        index.name,
        f"CREATE FULLTEXT INDEX {index.name} IF NOT EXISTS FOR (n:{labels}) ON EACH [{props}] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}",
    )


def fulltext_clause(index: schema.FullTextIndex) -> str:
    """The clause binding `n` to the nodes the full-text index returns for `$fulltext`."""
    return f"CALL db.index.fulltext.queryNodes('{index.name}', $fulltext) YIELD node WITH node AS n"


def fulltext_terms(text: str) -> str | None:
    """The Lucene query of the nodes whose searched properties have a word starting with each word of
    `text`, or None when there is none to look for. Of each run of text between spaces only its first
    word counts ("GP-led" gives `gp*`, "O'Neill" gives `o*`): where the standard analyzer keeps the rest
    in the same token the prefix still matches it. Words with letters beyond ASCII, which the analyzer
    may split otherwise, are left out: the caller's own filter narrows what the index returns."""
    words = []
    for chunk in text.lower().split():
        first = re.search(r"\w+", chunk)
        if first and first.group().isascii():
            words.append(first.group() + "*")
    return " AND ".join(words) or None
