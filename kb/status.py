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
    return store.apply_schema()


def data_version(store: Store) -> str:
    """A cheap fingerprint of what is loaded: it changes whenever a wave loads, reloads or unloads.

    Caches (the app's) key their entries on it, so a new load invalidates them without a restart.
    """
    nodes = store.read("MATCH (n) RETURN count(n) AS c").single_value()
    rels = store.read("MATCH ()-[r]->() RETURN count(r) AS c").single_value()
    waves = (
        store.read(f"MATCH (w:{schema.label('Wave')}) RETURN count(w) AS n, max(w.loaded_at) AS latest").first() or {}
    )
    return f"{nodes}/{rels}/{waves.get('n')}/{waves.get('latest')}"
