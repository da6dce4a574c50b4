"""An atomic unit on Neo4j: staged in many small transactions, published in one.

A national wave creates about 100,000 nodes and 630,000 relationships. As one transaction its
whole state sits in the server's heap until the commit, and Neo4j 5 stops a transaction that
outgrows `dbms.memory.transaction.total.max` (70 % of the heap by default). So a unit is written
in two parts (docs/decisions.md, "Large units on Neo4j"):

- The unit's own transaction (`tx`) holds the unit lock, runs every statement given to `run` and
  `read` (checks, removals of an updated wave, measures, the Wave node's status) and, at the end,
  publishes the staged entities. It commits last, so everything it did appears at once.
- New entities (`create_nodes`, `create_relationships`) are committed meanwhile in batches of
  their own, *staged*: a staged node carries only the label `KbStaged` (and its schema label in a
  `kb_staged` tag), so no query that names a label can match it, and a staged relationship joins
  two staged nodes only. A relationship with an end outside the staged set is kept back and
  created at publication, so no path from a published node leads into the staged ones.
- Publishing, in `tx`: each staged node gets its schema label (the unique keys are checked here)
  and loses the staging label; then the kept-back relationships are created. It happens before
  any `run` or `read` that follows staged writes, since those statements must see the new
  entities under their labels, and before the commit. Staging may start again afterwards: new
  nodes are never locked by `tx`, so staging batches and `tx` never wait for each other.

A unit that fails deletes its staged entities (while it still holds the lock); one whose process
died leaves them, invisible to labelled queries, and the next unit deletes them first. Reads that
could see staged entities (plans without a label, kb/store/neo4j_readonly.py) are refused while
any exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from neo4j import Transaction

from kb.errors import QueryError
from kb.schema import KEY, label, rel_type
from kb.store.base import CREATE_BATCH, Counters, OnBatch, Result, Writer, check_values, chunked, missing_end
from kb.store.neo4j_errors import translated
from kb.store.neo4j_schema import LOCK_LABEL, STAGED_LABEL, STAGED_TAG
from kb.store.neo4j_values import to_result

Commit = Callable[[str, dict[str, Any]], Counters]  # runs one statement in a transaction of its own
CLEAR_BATCH = 5000  # staged nodes deleted per transaction
ID_BATCH = 20_000  # ids checked per statement


@dataclass
class UnitStats:
    """What the last unit staged and published, for `kb bench`."""

    staged_nodes: int = 0
    staged_relationships: int = 0
    kept_back_relationships: int = 0
    staged_batches: int = 0
    staging_seconds: float = 0.0
    publish_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def take_lock(tx: Transaction, name: str) -> None:
    """Take the unit lock of knowledge base `name` inside `tx`, waiting while another unit holds it.

    The lock is the index entry of a `KbUnitLock` node created in `tx`: creating a node under a
    uniqueness constraint takes an exclusive lock on that entry until the transaction ends (Neo4j's
    kernel, Operations.validateNoExistingNodeWithExactValues), so a second unit's CREATE waits.
    The node is deleted again before `tx` commits, so it is never seen; a stale committed one (from
    an older version) is removed first. The server releases the lock when `tx` ends in any way,
    also when the connection to a dead process or machine is dropped.
    """
    tx.run(f"MATCH (l:{LOCK_LABEL} {{name: $name}}) DELETE l", {"name": name}).consume()
    tx.run(f"CREATE (:{LOCK_LABEL} {{name: $name}})", {"name": name}).consume()


def release_lock(tx: Transaction, name: str) -> None:
    tx.run(f"MATCH (l:{LOCK_LABEL} {{name: $name}}) DELETE l", {"name": name}).consume()


def clear_staged(commit: Commit, unit: str | None = None) -> int:
    """Delete staged nodes (and their relationships), of one unit or of all; returns how many."""
    where = f"WHERE n.{STAGED_TAG} ENDS WITH $suffix " if unit else ""
    cypher = f"MATCH (n:{STAGED_LABEL}) {where}WITH n LIMIT {CLEAR_BATCH} DETACH DELETE n"
    deleted = 0
    while True:
        done = commit(cypher, {"suffix": f"@{unit}"} if unit else {})["nodes_deleted"]
        deleted += done
        if done < CLEAR_BATCH:
            return deleted


def _key(row: dict[str, Any], name: str) -> str:
    if row.get(KEY) is None:
        raise QueryError(f"a new {name} node has no '{KEY}'; every node of the knowledge base needs one")
    return str(row[KEY])


class Neo4jUnit(Writer):
    """The Writer of one unit; see the module docstring for what goes where."""

    reads_amid_creations = False  # a read publishes what is staged; the relationships after it are kept back

    def __init__(self, tx: Transaction, commit: Commit, address: str, unit: str):
        self._tx, self._commit, self._address, self._unit = tx, commit, address, unit
        self._staged: dict[str, set[str]] = {}  # schema label -> ids of its staged nodes
        self._kept: list[tuple[str, str, str, list[dict[str, Any]]]] = []  # (rel, start, end, rows)
        self.counters = Counters()
        self.stats = UnitStats()

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        self.publish()
        result = self._run(cypher, params)
        self.counters.add(result.counters)
        return result

    def _run(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        checked = check_values(params)
        with translated(self._address):
            cursor = self._tx.run(cypher, checked)
            keys = cursor.keys()
            records = list(cursor)
            return to_result(records, keys, cursor.consume())

    def _tag(self, name: str) -> str:
        return f"{label(name)}@{self._unit}"

    def _batch(self, cypher: str, params: dict[str, Any]) -> Counters:
        """Commit one staging batch, and touch the unit's transaction so no idle timeout ends it."""
        started = time.perf_counter()
        done = self._commit(cypher, check_values(params))
        self._run("RETURN 1")
        self.stats.staged_batches += 1
        self.stats.staging_seconds += time.perf_counter() - started
        return done

    def create_nodes(self, name: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None) -> int:
        cypher = f"UNWIND $rows AS row CREATE (n:{STAGED_LABEL}) SET n = row, n.{STAGED_TAG} = $tag"
        staged = self._staged.setdefault(name, set())
        created = 0
        for batch in chunked(rows, CREATE_BATCH):
            ids = [_key(row, name) for row in batch]
            created += self._batch(cypher, {"rows": batch, "tag": self._tag(name)})["nodes_created"]
            staged.update(ids)
            if on_batch:
                on_batch(len(batch))
        self.counters.add({"nodes_created": created})
        self.stats.staged_nodes += created
        return created

    def create_relationships(
        self, rel: str, start: str, end: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None
    ) -> int:
        starts, ends = self._staged.get(start, set()), self._staged.get(end, set())
        inner = [row for row in rows if row["start"] in starts and row["end"] in ends]
        kept = [row for row in rows if not (row["start"] in starts and row["end"] in ends)]
        created = self._stage_relationships(rel, start, end, inner, on_batch)
        if kept:
            self._require(start, [row["start"] for row in kept if row["start"] not in starts], rel)
            self._require(end, [row["end"] for row in kept if row["end"] not in ends], rel)
            self._kept.append((rel, start, end, kept))
            self.stats.kept_back_relationships += len(kept)
            if on_batch:
                on_batch(len(kept))
        return created + len(kept)

    def _stage_relationships(
        self, rel: str, start: str, end: str, rows: list[dict[str, Any]], on_batch: OnBatch | None
    ) -> int:
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{STAGED_LABEL} {{id: row.start}}) WHERE a.{STAGED_TAG} = $start "
            f"MATCH (b:{STAGED_LABEL} {{id: row.end}}) WHERE b.{STAGED_TAG} = $end "
            f"CREATE (a)-[r:{rel_type(rel)}]->(b) SET r = row.props"
        )
        created = 0
        for batch in chunked(rows, CREATE_BATCH):
            made = self._batch(cypher, {"rows": batch, "start": self._tag(start), "end": self._tag(end)})
            if made["relationships_created"] != len(batch):
                raise QueryError(
                    f"wrote {made['relationships_created']} of {len(batch)} {rel} relationships between new "
                    "nodes; the load was rolled back, run it again"
                )
            created += len(batch)
            if on_batch:
                on_batch(len(batch))
        self.counters.add({"relationships_created": created})
        self.stats.staged_relationships += created
        return created

    def _require(self, name: str, ids: list[str], rel: str) -> None:
        """Raise `missing_end` for the first of `ids` that no published `name` node has."""
        cypher = (
            f"UNWIND $ids AS id OPTIONAL MATCH (n:{label(name)} {{id: id}}) "
            "WITH id, n WHERE n IS NULL RETURN id LIMIT 1"
        )
        for batch in chunked(dict.fromkeys(ids), ID_BATCH):
            absent = self._run(cypher, {"ids": batch}).first()
            if absent:
                raise missing_end(str(absent["id"]), rel)

    def publish(self) -> None:
        """Give the staged nodes their labels and create the kept-back relationships, in `tx`."""
        if not self._staged and not self._kept:
            return
        staged, kept = self._staged, self._kept
        self._staged, self._kept = {}, []
        started = time.perf_counter()
        for name, ids in staged.items():
            cypher = (
                f"UNWIND $ids AS id MATCH (n:{STAGED_LABEL} {{id: id}}) WHERE n.{STAGED_TAG} = $tag "
                f"SET n:{label(name)} REMOVE n:{STAGED_LABEL}, n.{STAGED_TAG}"
            )
            for batch in chunked(sorted(ids), CREATE_BATCH):
                flipped = self._run(cypher, {"ids": batch, "tag": self._tag(name)}).counters["labels_added"]
                if flipped != len(batch):
                    raise QueryError(
                        f"published {flipped} of {len(batch)} new {name} nodes; the load was rolled back, run it again"
                    )
        for rel, start, end, rows in kept:
            super().create_relationships(rel, start, end, rows)
        self.stats.publish_seconds += time.perf_counter() - started
