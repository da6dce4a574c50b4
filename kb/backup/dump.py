"""Read every node and relationship of a snapshot as archive records, page by page.

Each statement reads one page after the last one read (nodes by `id`; relationships by the `id`
of their start nodes), never with SKIP, which sorts everything before it again for every page, so
no single read runs long or holds a whole national wave in one reply. A snapshot does not change while it is
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

PAGE = 10_000  # nodes per read
START_PAGE = 2_000  # start nodes whose relationships one read returns
Progress = Callable[[int, int, str], None]  # (elements read, elements to read, archive member), as loaders report


def primary_label(labels: list[str]) -> str | None:
    """The first schema label of a node's labels, in the schema's order."""
    names = set(labels)
    return next((name for name in schema.label_names() if name in names), None)


def nodes_without_id(name: str) -> str:
    return f"MATCH (n:{schema.label(name)}) WHERE n.id IS NULL RETURN count(n) AS c"


def node_page(name: str) -> str:
    return (
        f"MATCH (n:{schema.label(name)}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
    )


def start_page(start: str) -> str:
    return f"MATCH (a:{schema.label(start)}) WHERE a.id > $after WITH a.id AS id ORDER BY id LIMIT $limit RETURN id"


def relationship_page(rel: str, start: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (a:{schema.label(start)} {{id: id}})-[r:{schema.rel_type(rel)}]->(b) "
        "RETURN labels(a) AS start_labels, a.id AS start, labels(b) AS end_labels, b.id AS end, "
        "properties(r) AS props"
    )


def statements() -> list[str]:
    """Every statement a backup reads with, for the Cypher linter (tests/test_backup_cypher.py)."""
    found = [query(name) for name in schema.label_names() for query in (nodes_without_id, node_page)]
    for spec in schema.RELATIONSHIPS:
        for start in spec.start:
            found += [start_page(start), relationship_page(spec.name, start)]
    return found


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
    unnamed = reads.read(nodes_without_id(name)).single_value()
    if unnamed:
        raise QueryError(
            f"{unnamed} {name} nodes have no id, which an archive names nodes by; "
            f'find them with `kb query --cypher "MATCH (n:{name}) WHERE n.id IS NULL RETURN n"` and give them one'
        )
    cypher = node_page(name)
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
    """The relationships of type `spec`, from each start label the schema gives it: a page of start
    nodes by id, then their relationships through the unique key's index, so the work grows with
    what is read. (The engines' own identities, `id()`, would page faster on FalkorDB, but Neo4j 5
    has deprecated `id()` and the project's Cypher keeps to what both engines support.)

    `expected` (how many the type has, from kb.status.counts) is checked at the end, so nothing
    the pages could not reach goes missing unnoticed."""
    read = 0
    for start in spec.start:
        starts, cypher = start_page(start), relationship_page(spec.name, start)
        after = ""
        while True:
            ids = reads.read(starts, {"after": after, "limit": START_PAGE}).values("id")
            for row in reads.read(cypher, {"ids": ids}).rows if ids else []:
                read += 1
                if primary_label(row["start_labels"]) != start:  # read from its first label instead
                    continue
                end = primary_label(row["end_labels"])
                if end is None or row["end"] is None:
                    raise QueryError(
                        f"a {spec.name} relationship from {start} '{row['start']}' ends at a node without a label of "
                        "the knowledge model or without an id, which an archive cannot name; find it with `kb query`"
                    )
                yield {
                    "type": spec.name,
                    "start_label": start,
                    "start": row["start"],
                    "end_label": end,
                    "end": row["end"],
                    "properties": row["props"],
                }
            if len(ids) < START_PAGE:
                break
            after = ids[-1]
    if expected is not None and read < expected:
        raise QueryError(
            f"{expected - read} {spec.name} relationships start at a node the pages could not reach; "
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
