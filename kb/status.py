"""What is in the knowledge base: engine, address and counts per label and relationship type."""

from __future__ import annotations

from typing import Any

from kb import schema
from kb.store.base import Reads, Store


def _counts_query() -> str:
    """One statement counting what readers can see: nodes per schema label, and relationships per
    schema type from each start label the schema gives it. Every count names a label, so it never
    includes what a Neo4j unit has staged but not yet published (kb/store/neo4j_unit.py), and both
    engines answer it from their label and type statistics."""
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


def counts(store: Reads) -> dict[str, dict[str, int]]:
    """Counts of nodes per schema label and relationships per schema type (zeros included), as a
    store, a unit or a snapshot sees them."""
    found = {"node": dict.fromkeys(schema.label_names(), 0), "relationship": dict.fromkeys(schema.rel_names(), 0)}
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
