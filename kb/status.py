"""What is in the knowledge base: engine, address and counts per label and relationship type."""

from __future__ import annotations

from typing import Any

from kb import schema
from kb.store.base import Store


def counts(store: Store) -> dict[str, dict[str, int]]:
    """Counts of nodes per schema label and relationships per schema type (zeros included)."""
    nodes = {}
    for name in schema.label_names():
        nodes[name] = store.read(f"MATCH (n:{schema.label(name)}) RETURN count(n) AS c").single_value()
    rels = {}
    for name in schema.rel_names():
        # The relationship variable is bound on purpose: FalkorDB counts an unbound pattern once.
        rels[name] = store.read(f"MATCH ()-[r:{schema.rel_type(name)}]->() RETURN count(r) AS c").single_value()
    return {"nodes": nodes, "relationships": rels}


def status_report(store: Store) -> dict[str, Any]:
    report = dict(store.info())
    report.update(counts(store))
    report["total_nodes"] = sum(report["nodes"].values())
    report["total_relationships"] = sum(report["relationships"].values())
    return report


def init_schema(store: Store) -> int:
    """Apply the knowledge model's keys and indexes; safe to run again. Returns statements that changed something."""
    return store.apply_schema(schema.ddl(store.kind))
