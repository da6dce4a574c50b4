"""Read every node and relationship of a snapshot as archive records, page by page.

Each statement reads one page after the last one read (nodes by `id`, relationships by the
engine's identity), never with SKIP, which sorts everything before it again for every page, so no
single read runs long or holds a whole national wave in one reply. A snapshot does not change while it is
read, so the pages are exact. A node belongs to the file of its first schema label (the schema's
order); a relationship to its type's file, read once from each start label the schema gives it.
What cannot be named in an archive (a node without an id, a relationship ending at a node without
a label of the model) is refused, never left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kb import schema, status
from kb.backup.format import node_member, rel_member
from kb.errors import QueryError
from kb.store.base import Reads

PAGE = 10_000  # elements per read
Progress = Callable[[int, int, str], None]  # (elements read, elements to read, archive member), as loaders report


def primary_label(labels: list[str]) -> str | None:
    """The first schema label of a node's labels, in the schema's order."""
    names = set(labels)
    return next((name for name in schema.label_names() if name in names), None)


def _pages(reads: Reads, cypher: str, start: Any, key: str) -> Iterator[dict[str, Any]]:
    after = start
    while True:
        rows = reads.read(cypher, {"after": after, "limit": PAGE}).rows
        yield from rows
        if len(rows) < PAGE:
            return
        after = rows[-1][key]


def nodes(reads: Reads, name: str, expected: int | None = None) -> Iterator[dict[str, Any]]:
    """The nodes whose first schema label is `name`, by id; `expected` (how many have the label) is
    checked at the end, so an id the pages cannot order (one that is not text) is refused."""
    node = f"(n:{schema.label(name)})"
    unnamed = reads.read(f"MATCH {node} WHERE n.id IS NULL RETURN count(n) AS c").single_value()
    if unnamed:
        raise QueryError(
            f"{unnamed} {name} nodes have no id, which an archive names nodes by; "
            f'find them with `kb query --cypher "MATCH (n:{name}) WHERE n.id IS NULL RETURN n"` and give them one'
        )
    cypher = (
        f"MATCH {node} WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
    )
    read = 0
    for row in _pages(reads, cypher, "", "id"):
        read += 1
        if primary_label(row["labels"]) != name:
            continue
        yield {"id": row["id"], "labels": sorted(row["labels"]), "properties": row["props"]}
    if expected is not None and read < expected:
        raise QueryError(
            f"{expected - read} {name} nodes have an id that is empty or not text, which an archive cannot order; "
            "find them with `kb query` and give them a text id"
        )


def relationships(reads: Reads, spec: schema.RelSpec, expected: int | None = None) -> Iterator[dict[str, Any]]:
    """The relationships of type `spec`, from each start label the schema gives it, by the engine's
    identity of the relationship (stable in a snapshot).

    `expected` (how many the type has, from kb.status.counts) is checked at the end, so nothing
    the pages could not reach goes missing unnoticed."""
    seen: set[Any] = set()
    for start in spec.start:
        cypher = (
            f"MATCH (a:{schema.label(start)})-[r:{schema.rel_type(spec.name)}]->(b) "
            "WHERE id(r) > $after WITH a, r, b ORDER BY id(r) LIMIT $limit "
            "RETURN id(r) AS key, a.id AS start, labels(b) AS end_labels, b.id AS end, properties(r) AS props"
        )
        for row in _pages(reads, cypher, -1, "key"):
            if row["key"] in seen:  # a start node with two of the type's start labels
                continue
            seen.add(row["key"])
            end = primary_label(row["end_labels"])
            if end is None or row["end"] is None:
                raise QueryError(
                    f"a {spec.name} relationship from {start} '{row['start']}' ends at a node without a label of the "
                    "knowledge model or without an id, which an archive cannot name; find it with `kb query` and fix it"
                )
            yield {
                "type": spec.name,
                "start_label": start,
                "start": row["start"],
                "end_label": end,
                "end": row["end"],
                "properties": row["props"],
            }
    if expected is not None and len(seen) < expected:
        raise QueryError(
            f"{expected - len(seen)} {spec.name} relationships could not be read page by page; "
            "run the backup again, and report it if it persists"
        )


def read_all(reads: Reads, on_progress: Progress | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every node per label and relationship per type, keyed by the archive member they go to."""
    totals = status.counts(reads)
    found: dict[str, list[dict[str, Any]]] = {}
    for name in schema.label_names():
        member = node_member(name)
        total = totals["nodes"][name]
        found[member] = _collect(nodes(reads, name, total), member, total, on_progress)
    for spec in schema.RELATIONSHIPS:
        member = rel_member(spec.name)
        total = totals["relationships"][spec.name]
        found[member] = _collect(relationships(reads, spec, total), member, total, on_progress)
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
