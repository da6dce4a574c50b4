"""The store interface: one contract, two engines, plain-Python results.

Callers never see an engine's own types. A result is a list of rows (dicts keyed by column);
graph values inside rows are plain dicts:

    node          {"element": "node", "key": "12", "labels": ["Site"], "properties": {...}}
    relationship  {"element": "relationship", "key": "7", "type": "AT",
                   "start": "12", "end": "40", "properties": {...}}
    path          {"element": "path", "nodes": [node, ...], "relationships": [rel, ...]}

`key` is the engine's internal identity, only meaningful within one result (use the `id`
property for anything durable). Other engine values come back plain too, alike on both engines:
dates, times, datetimes and durations as ISO-8601 text ("2020-01-02", "P1M2D"), geographic points
as {"longitude", "latitude"[, "height"]} and cartesian ones as {"x", "y"[, "z"]}.

Reads go through `read`, which the engine itself refuses to let write, and which can be given a
time limit the engine enforces (`timeout`, seconds: the engine stops the query and the adapter
raises QueryTimeout) and a row cap (`max_rows`: the result keeps that many rows and says it was
truncated). Writes go through
`write` (one statement), `write_batches` (an `UNWIND $rows` statement over many rows) or
`atomic()` (a unit of many statements that becomes visible all at once, or not at all).
`snapshot()` gives reads that all see one state between units (backups).

What both adapters promise beyond that, and the contract tests check on each engine:
- Schema on open: opening a knowledge base gives it the keys and indexes of kb.schema if it lacks
  them, so the first load already has unique ids and indexed lookups; `apply_schema()` applies
  them again on request (`kb init`).
- One unit at a time: a second `atomic()` on the same knowledge base, from any process (and on
  Neo4j from any machine), waits until the first has finished.
- Read after write: a read through the same Store after `write` or a committed unit sees what
  they wrote, also on a Neo4j cluster (the adapter chains its sessions' bookmarks).
- Parameters are checked before they are sent: an integer outside the 64-bit range or a map key
  that is not text is refused with a QueryError naming the parameter, never altered on the way.
- Every failure is a kb.errors class: QueryError for a refused or failed statement (ReadOnlyViolation
  for a write on a read path, or for LOAD CSV, which would make the engine fetch a file or URL;
  QueryTimeout for a read stopped at its time limit), EngineError for an engine that cannot be reached.
- A read stopped at its time limit holds the engine no longer: other clients are answered while it
  runs, and the same Store keeps working after it.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

from kb.errors import QueryError, shorten
from kb.schema import label, rel_type

CREATE_BATCH = 5000  # rows per statement when new entities are created with Cypher
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1  # the integers both engines store
OnBatch = Callable[[int], None]
COUNTER_NAMES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "indexes_created",
)


# The parameters a store's full-text clause may use; no query of the library may declare them.
FULLTEXT_PARAMS = frozenset({"fulltext", "fulltext_labels"})


@dataclass(frozen=True)
class FullTextNodes:
    """A clause binding `n` to the nodes a full-text index returns, and its parameters."""

    clause: str
    params: dict[str, Any]


@dataclass
class Counters:
    """What a write changed, summed over statements."""

    values: dict[str, int] = field(default_factory=lambda: {k: 0 for k in COUNTER_NAMES})

    def add(self, other: Counters | dict[str, int]) -> Counters:
        items = other.values if isinstance(other, Counters) else other
        for key, value in items.items():
            self.values[key] = self.values.get(key, 0) + int(value or 0)
        return self

    def __getitem__(self, key: str) -> int:
        return self.values.get(key, 0)

    @property
    def changed(self) -> bool:
        return any(self.values.values())


@dataclass(frozen=True)
class Provenance:
    """What produced a result: the library query by name (None for Cypher given as text), the Cypher
    that ran, its bound parameters, the engine, and when it ran (None unless the caller noted it)."""

    cypher: str
    parameters: Mapping[str, Any]
    engine: str
    query: str | None = None
    ran_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The provenance as exports record it: `query` is the library query's name and `cypher` its
        text; for Cypher given as text, `query` is that text."""
        record: dict[str, Any] = {"query": self.query or self.cypher}
        if self.query is not None:
            record["cypher"] = self.cypher
        record.update(parameters=dict(self.parameters), engine=self.engine)
        if self.ran_at is not None:
            record["time"] = self.ran_at
        return record


@dataclass
class Result:
    """Rows of one statement as plain dicts, in column order, plus what it changed and, for the
    query paths (kb.queries.run_named, `kb query`, the app), what produced it."""

    columns: list[str]
    rows: list[dict[str, Any]]
    counters: Counters = field(default_factory=Counters)
    provenance: Provenance | None = None
    truncated: bool = False  # the query had more rows than the read's `max_rows`; these are the first

    def truncation_note(self) -> str | None:
        """What a reader must be told about rows left out, or None when the result is whole."""
        if not self.truncated:
            return None
        return (
            f"the result was truncated at {len(self.rows)} rows; raise the cap with --max-rows ROWS "
            "or KB_MAX_ROWS (0 for none), or narrow the query"
        )

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def first(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None

    def single_value(self) -> Any:
        """The one value of a one-row, one-column result (None when there is no row)."""
        if not self.rows:
            return None
        if len(self.columns) != 1 or len(self.rows) != 1:
            raise ValueError(f"expected one row and one column, got {len(self.rows)} rows of {self.columns}")
        return self.rows[0][self.columns[0]]

    def values(self, column: str) -> list[Any]:
        return [row[column] for row in self.rows]


class Reads(Protocol):
    """Anything that answers read statements: a Store, a Writer inside its unit, a snapshot."""

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result: ...


class Writer(abc.ABC):
    """Runs write statements inside one atomic unit (see `Store.atomic`)."""

    counters: Counters
    # Whether a read between two creations costs only the read. Not where the unit stages new
    # entities until its next statement (kb/store/neo4j_unit.py): a read publishes them early.
    reads_amid_creations = True

    @abc.abstractmethod
    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result: ...

    def run_batches(
        self,
        cypher: str,
        rows: Iterable[Any],
        batch_size: int = 2000,
        on_batch: OnBatch | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Counters:
        """Run an `UNWIND $rows AS row …` statement over `rows` in batches; `params`: the statement's
        other parameters, the same for every batch."""
        total = Counters()
        for batch in chunked(rows, batch_size):
            total.add(self.run(cypher, {**(params or {}), "rows": batch}).counters)
            if on_batch:
                on_batch(len(batch))
        return total

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        """Read inside the unit, seeing its own uncommitted writes."""
        return self.run(cypher, params)

    def create_nodes(self, name: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None) -> int:
        """Create one node labelled `name` (a kb.schema label) per row of properties and return how
        many were created. Every row must be a new entity: the caller has checked its `id` is unused."""
        cypher = f"UNWIND $rows AS row CREATE (n:{label(name)}) SET n = row"
        return self.run_batches(cypher, rows, CREATE_BATCH, on_batch)["nodes_created"]

    def create_relationships(
        self, rel: str, start: str, end: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None
    ) -> int:
        """Create a `rel` relationship per {start, end, props} row, from the `start`-labelled node with
        the row's start id to the `end`-labelled node with its end id; returns how many were created.

        An end that does not exist raises QueryError (`missing_end`), failing the unit."""
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{label(start)} {{id: row.start}}) MATCH (b:{label(end)} {{id: row.end}}) "
            f"CREATE (a)-[r:{rel_type(rel)}]->(b) SET r = row.props"
        )
        created = 0
        for batch in chunked(rows, CREATE_BATCH):
            made = self.run(cypher, {"rows": batch}).counters["relationships_created"]
            if made < len(batch):
                absent = self.first_absent(start, [row["start"] for row in batch])
                absent = absent or self.first_absent(end, [row["end"] for row in batch])
                raise missing_end(absent or "?", rel)
            created += made
            if on_batch:
                on_batch(len(batch))
        return created

    def first_absent(self, name: str, ids: Sequence[str]) -> str | None:
        """The first of `ids` that no `name`-labelled node has, as the unit sees the graph."""
        found = set(
            self.read(
                f"UNWIND $ids AS id MATCH (n:{label(name)} {{id: id}}) RETURN n.id AS id", {"ids": list(ids)}
            ).values("id")
        )
        return next((node_id for node_id in ids if node_id not in found), None)


class Store(abc.ABC):
    """A knowledge base on one engine."""

    kind: str  # "falkordb" or "neo4j"

    @abc.abstractmethod
    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        """Run a query the engine guarantees cannot write; raise ReadOnlyViolation otherwise.

        `timeout` is a limit in seconds the engine enforces (QueryTimeout when it is reached; None:
        the engine's own default, which is none unless its administrator set one). `max_rows` keeps
        the first that many rows and marks the result `truncated` when there were more (None: all)."""

    @abc.abstractmethod
    def write(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        """Run one statement that may write; it is atomic on both engines."""

    def write_between_units(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        """Run one statement that may write, never while an atomic unit is running: it waits for a
        running unit and holds the next back until it is done, so the unit neither misses it nor
        overwrites it. For a small write that must not cost a unit (a reload noted in a wave's
        history). Where the engine isolates units by itself (Neo4j's transactions), a plain `write`."""
        return self.write(cypher, params)

    def write_batches(self, cypher: str, rows: Iterable[dict[str, Any]], batch_size: int = 2000) -> Counters:
        """Run an `UNWIND $rows AS row …` statement over `rows` in batches, each its own transaction."""
        total = Counters()
        for batch in chunked(rows, batch_size):
            total.add(self.write(cypher, {"rows": batch}).counters)
        return total

    def fulltext_nodes(self, text: str) -> FullTextNodes | None:
        """A clause binding `n` to the nodes whose searched properties (kb.schema.fulltext_index) may
        hold `text`, through the engine's full-text index: a superset the caller narrows with its
        own filter. None when the index cannot narrow it (no word to look for, or no index), and
        the caller scans instead."""
        return None

    @abc.abstractmethod
    def atomic(self) -> AbstractContextManager[Writer]:
        """A unit of many write statements, visible to readers all at once on success, never in part.

        Leaving the block by an exception discards the unit. Only one atomic unit runs at a time per
        knowledge base, across processes; a second waits for the first. A unit whose writer died
        leaves nothing visible, and the next unit removes what it left.
        """

    @contextmanager
    def snapshot(self) -> Iterator[Reads]:
        """Reads that all see one state of the knowledge base, taken between atomic units: never
        part of a unit, however many statements the block runs (a backup reads every label).

        This default reads inside a unit that writes nothing, so it holds the unit lock for as long
        as the block runs: loads wait, readers do not. An adapter may copy the state instead.
        """
        with self.atomic() as unit:
            yield unit

    @abc.abstractmethod
    def apply_schema(self) -> int:
        """Give the knowledge base the keys and indexes kb.schema declares, idempotently; return how
        many of them were created now."""

    @abc.abstractmethod
    def drop(self) -> None:
        """Delete everything the knowledge base holds (tests, `kb reset`, `kb bench`)."""

    @abc.abstractmethod
    def info(self) -> dict[str, Any]:
        """Engine kind, version and a secret-free address."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def check_limits(timeout: float | None, max_rows: int | None) -> None:
    """Refuse a limit no engine could honour: a time limit or row cap that is not positive."""
    if timeout is not None and not timeout > 0:
        raise QueryError(f"a time limit must be a positive number of seconds or none, got {shorten(timeout)}")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1):
        raise QueryError(f"a row cap must be a positive whole number or none, got {shorten(max_rows)}")


def capped(result: Result, max_rows: int | None) -> Result:
    """`result` with at most `max_rows` rows, marked truncated when some were left out."""
    if max_rows is None or len(result.rows) <= max_rows:
        return result
    result.rows = result.rows[:max_rows]
    result.truncated = True
    return result


def chunked(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def node_value(key: Any, labels: Iterable[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"element": "node", "key": str(key), "labels": list(labels), "properties": dict(properties)}


def relationship_value(key: Any, rel_type: str, start: Any, end: Any, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "element": "relationship",
        "key": str(key),
        "type": rel_type,
        "start": str(start),
        "end": str(end),
        "properties": dict(properties),
    }


def path_value(nodes: list[dict[str, Any]], relationships: list[dict[str, Any]]) -> dict[str, Any]:
    return {"element": "path", "nodes": nodes, "relationships": relationships}


def is_graph_value(value: Any) -> bool:
    return isinstance(value, dict) and value.get("element") in ("node", "relationship", "path")


def missing_end(node_id: str, rel: str) -> QueryError:
    """The error for a relationship row whose end node does not exist (the unit is rolled back)."""
    return QueryError(
        f"no node with id '{shorten(node_id)}' for a {rel} relationship; the load was rolled back, run it again"
    )


def check_values(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """`params`, refused with a QueryError if a value cannot reach either engine unchanged: an integer
    outside the 64-bit range (FalkorDB would clamp it, Neo4j's driver cannot pack it) or a map key that
    is not text (FalkorDB would turn it into text, Neo4j's driver refuses it)."""

    def walk(value: Any, name: str) -> None:
        if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
            return
        if isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                raise QueryError(
                    f"parameter '{name}' holds {shorten(value)}, outside the 64-bit integers the engines store; "
                    "pass it as text"
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise QueryError(f"parameter '{name}' has a map key {shorten(repr(key))} that is not text")
                walk(item, name)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, name)

    checked = dict(params or {})
    for name, value in checked.items():
        walk(value, name)
    return checked
