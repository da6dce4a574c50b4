"""What is in the knowledge base: engine, address and counts per label and relationship type."""

from __future__ import annotations

from typing import Any

from kb import schema
from kb.store.base import Reads, Store


def _counts_query() -> str:
    """One statement counting what readers can see: nodes per schema label, and relationships per
    schema type from each start label the schema gives it. Every count names a label, so it never
    includes what a Neo4j unit has staged but not yet published (kb/store/neo4j_unit.py), and Neo4j
    answers each part from its count store. The embedded engine is asked otherwise (`_kept_counts`)."""
    nodes = [
        f"MATCH (n:{schema.label(name)}) RETURN 'node' AS kind, '{name}' AS name, count(n) AS c"
        for name in schema.label_names()
    ]
    # The relationship variable is bound on purpose: FalkorDB counts an unbound pattern once.
    rels = [
        f"MATCH (:{schema.label(start)})-[r:{schema.rel_type(spec.name)}]->() "
        f"RETURN 'relationship' AS kind, '{spec.name}' AS name, count(r) AS c"
        for spec in schema.RELATIONSHIPS
        for start in spec.start
    ]
    return " UNION ALL ".join(nodes + rels)


def _kept_counts() -> list[tuple[str, str, str]]:
    """(kind, name, statement) for an engine that keeps its counts (`keeps_counts`): FalkorDB
    answers a lone `RETURN count(..)` of one label, or of one relationship type between any nodes,
    from its matrices' sizes, but walks every relationship for a start label, and for every
    statement of a UNION ALL or one that returns anything beside the count. Counted that way, the
    status of a national knowledge base took about 1 s (400,000 advice ties walked); this way, a few
    milliseconds. A type's count is then every relationship of the type: the loaders create each
    type only from the start labels the schema gives it, so the two agree on what they wrote, and a
    relationship from any other node is counted, not overlooked."""
    nodes = [("node", name, f"MATCH (n:{schema.label(name)}) RETURN count(n) AS c") for name in schema.label_names()]
    rels = [
        ("relationship", name, f"MATCH ()-[r:{schema.rel_type(name)}]->() RETURN count(r) AS c")
        for name in schema.rel_names()
    ]
    return nodes + rels


def counts(store: Reads) -> dict[str, dict[str, int]]:
    """Counts of nodes per schema label and relationships per schema type (zeros included), as a
    store, a unit or a snapshot sees them."""
    found = {"node": dict.fromkeys(schema.label_names(), 0), "relationship": dict.fromkeys(schema.rel_names(), 0)}
    if getattr(store, "keeps_counts", False):
        for kind, name, statement in _kept_counts():
            found[kind][name] = int(store.read(statement).single_value() or 0)
    else:
        for row in store.read(_counts_query()):
            found[row["kind"]][row["name"]] += int(row["c"] or 0)
    return {"nodes": found["node"], "relationships": found["relationship"]}


def status_report(store: Store) -> dict[str, Any]:
    report = dict(store.info())
    report.update(counts(store))
    report["total_nodes"] = sum(report["nodes"].values())
    report["total_relationships"] = sum(report["relationships"].values())
    return report


def init_schema(store: Store) -> int:
    """Apply the knowledge model's keys and indexes; safe to run again. Returns statements that changed something."""
    return store.apply_schema()


def data_version(store: Store) -> str:
    """A cheap fingerprint of what is loaded: it changes whenever a wave loads, reloads or unloads.

    Caches (the app's) key their entries on it, so a new load invalidates them without a restart.
    It is built from the labelled counts of `counts`, so it can be read while a Neo4j unit is
    staged, and it changes only when the unit is published.
    """
    found = counts(store)
    nodes, rels = sum(found["nodes"].values()), sum(found["relationships"].values())
    waves = (
        store.read(f"MATCH (w:{schema.label('Wave')}) RETURN count(w) AS n, max(w.loaded_at) AS latest").first() or {}
    )
    return f"{nodes}/{rels}/{waves.get('n')}/{waves.get('latest')}"
