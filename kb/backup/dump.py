"""Read every node and relationship of a snapshot as archive records, page by page.

Each statement reads one page (PAGE elements), so no single read runs long or holds a whole
national wave in one reply. Pages are stable because a snapshot does not change while it is read.
A node belongs to the file of its first schema label (the schema's order); a relationship to its
type's file, and it is read from that start label only, so nothing is written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kb import schema, status
from kb.backup.format import node_member, rel_member
from kb.errors import QueryError
from kb.store.base import Reads

PAGE = 5000
Progress = Callable[[int, int, str], None]  # (elements read, elements to read, archive member), as loaders report


def primary_label(labels: list[str]) -> str | None:
    """The first schema label of a node's labels, in the schema's order."""
    names = set(labels)
    return next((name for name in schema.label_names() if name in names), None)


def _pages(reads: Reads, cypher: str) -> Iterator[dict[str, Any]]:
    skip = 0
    while True:
        rows = reads.read(cypher, {"skip": skip, "limit": PAGE}).rows
        yield from rows
        if len(rows) < PAGE:
            return
        skip += PAGE


def nodes(reads: Reads, name: str) -> Iterator[dict[str, Any]]:
    """The nodes whose first schema label is `name`, by id."""
    cypher = (
        f"MATCH (n:{schema.label(name)}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props "
        "ORDER BY n.id SKIP $skip LIMIT $limit"
    )
    for row in _pages(reads, cypher):
        if primary_label(row["labels"]) != name:
            continue
        yield {"id": row["id"], "labels": sorted(row["labels"]), "properties": row["props"]}


def relationships(reads: Reads, spec: schema.RelSpec) -> Iterator[dict[str, Any]]:
    """The relationships of type `spec`, from each start label the schema gives it."""
    for start in spec.start:
        cypher = (
            f"MATCH (a:{schema.label(start)})-[r:{schema.rel_type(spec.name)}]->(b) "
            "RETURN labels(a) AS start_labels, a.id AS start, labels(b) AS end_labels, b.id AS end, "
            "properties(r) AS props ORDER BY id(r) SKIP $skip LIMIT $limit"
        )
        for row in _pages(reads, cypher):
            if primary_label(row["start_labels"]) != start:
                continue
            end = primary_label(row["end_labels"])
            if end is None or row["start"] is None or row["end"] is None:
                raise QueryError(
                    f"a {spec.name} relationship from {start} '{row['start']}' ends at a node without a schema "
                    "label or id, which an archive cannot name; find it with `kb query` and fix it before a backup"
                )
            yield {
                "type": spec.name,
                "start_label": start,
                "start": row["start"],
                "end_label": end,
                "end": row["end"],
                "properties": row["props"],
            }


def read_all(reads: Reads, on_progress: Progress | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every node per label and relationship per type, keyed by the archive member they go to."""
    totals = status.counts(reads) if on_progress else {"nodes": {}, "relationships": {}}
    found: dict[str, list[dict[str, Any]]] = {}
    for name in schema.label_names():
        member = node_member(name)
        found[member] = _collect(nodes(reads, name), member, totals["nodes"].get(name, 0), on_progress)
    for spec in schema.RELATIONSHIPS:
        member = rel_member(spec.name)
        total = totals["relationships"].get(spec.name, 0)
        found[member] = _collect(relationships(reads, spec), member, total, on_progress)
    return found


def _collect(
    records: Iterator[dict[str, Any]], member: str, total: int, on_progress: Progress | None
) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for record in records:
        kept.append(record)
        if on_progress and len(kept) % PAGE == 0:
            on_progress(len(kept), max(total, len(kept)), member)
    if on_progress and kept:
        on_progress(len(kept), len(kept), member)
    return kept
