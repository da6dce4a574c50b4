"""The embedded adapter: FalkorDB over a Unix socket, started by `kb.engine` on first use.

FalkorDB runs one query atomically but has no multi-statement transactions. An atomic unit is
therefore built from Redis' own primitives: copy the live graph to a staging key, write into the
copy, then RENAME it over the live key (atomic in Redis). Readers keep reading the live graph the
whole time and see the unit at once or not at all. A unit whose writer was killed leaves only a
staging key, which the next unit deletes before it starts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import uuid4

import redis
from dateutil.relativedelta import relativedelta
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.exceptions import SchemaVersionMismatchException
from falkordb.node import Node
from falkordb.path import Path as FPath
from falkordb.query_result import QueryResult
from redis.backoff import NoBackoff
from redis.retry import Retry

from kb import dialect, engine, faults, schema
from kb.config import Config
from kb.errors import EngineError, QueryError, QueryTimeout, ReadOnlyViolation
from kb.schema import label, rel_type
from kb.store import falkor_bulk as bulk
from kb.store import falkor_params
from kb.store.base import (
    Counters,
    FullTextNodes,
    OnBatch,
    Reads,
    Result,
    Store,
    Writer,
    capped,
    check_limits,
    node_value,
    path_value,
    relationship_value,
)
from kb.store.falkor_params import INDEXED as _INDEXED
from kb.store.falkor_params import MAX_INDEXED_BYTES
from kb.store.falkor_pipe import BulkPipe
from kb.store.falkor_reply import collector_paused, reply_rows
from kb.store.readonly_wording import LOAD_CSV, not_run

STAGING_SUFFIX = ":staging"
SNAPSHOT_INFIX = ":snapshot:"  # <graph>:snapshot:<pid>-<random>, a copy a backup reads
# Compact the append-only file when it has grown past both of these since the last rewrite.
COMPACT_MIN_BYTES = 64 * 1024 * 1024
COMPACT_GROWTH = 2.0
_RO_REFUSAL = "is to be executed only on read-only queries"
_TIMED_OUT = "Query timed out"  # the engine's reply when it stops a query at its time limit
_LOAD_CSV_OPERATION = "Load CSV"  # the operation GRAPH.EXPLAIN names for a LOAD CSV clause
LOST_ENGINE = "lost the connection to the embedded engine"
_INDEX_STATUS = "CALL db.indexes() YIELD label, status RETURN label, status"
_COUNTER_ATTRS = {
    "nodes_created": "nodes_created",
    "nodes_deleted": "nodes_deleted",
    "relationships_created": "relationships_created",
    "relationships_deleted": "relationships_deleted",
    "properties_set": "properties_set",
    "labels_added": "labels_added",
    "indexes_created": "indices_created",
}


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return node_value(value.id, value.labels or [], _plain(value.properties))
    if isinstance(value, Edge):
        return relationship_value(value.id, value.relation, value.src_node, value.dest_node, _plain(value.properties))
    if isinstance(value, FPath):
        return path_value([_plain(n) for n in value.nodes()], [_plain(e) for e in value.edges()])
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):  # maps, and points ({latitude, longitude}, as the contract has them)
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, relativedelta):
        return iso_duration(value)
    return value


def iso_duration(span: relativedelta) -> str:
    """`span` as an ISO-8601 duration ("P1Y2M3DT4H5M6.5S"); "PT0S" when it is empty."""
    seconds = span.seconds + span.microseconds / 1_000_000
    date = "".join(f"{int(n)}{unit}" for n, unit in ((span.years, "Y"), (span.months, "M"), (span.days, "D")) if n)
    time_part = "".join(f"{n:g}{unit}" for n, unit in ((span.hours, "H"), (span.minutes, "M"), (seconds, "S")) if n)
    if not date and not time_part:
        return "PT0S"
    return "P" + date + ("T" + time_part if time_part else "")


def _result(raw: Any) -> Result:
    columns = [h[1] if isinstance(h, (list, tuple)) else h for h in (raw.header or [])]
    columns = [c.decode() if isinstance(c, bytes) else c for c in columns]
    rows = [dict(zip(columns, (_plain(v) for v in record), strict=True)) for record in raw.result_set]
    counters = Counters({name: int(getattr(raw, attr, 0) or 0) for name, attr in _COUNTER_ATTRS.items()})
    return Result(columns, rows, counters)


class _FalkorWriter(Writer):
    """Writes into the unit's staging graph; new entities go through the engine's bulk command."""

    keeps_counts = True  # a lone count of a label or type is read from the engine's own (kb.status)

    def __init__(self, db: FalkorDB, graph_name: str):
        self._db, self._name = db, graph_name
        self._graph = db.select_graph(graph_name)
        self.counters = Counters()
        # Relationship ends' internal ids, kept from one relationship type to the next while only
        # bulk commands are sent; any statement could delete a node and free its id.
        self._known = bulk.KnownIds(self._look_up)
        self._pipe = BulkPipe(db.connection, graph_name)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        self.settle()
        self._known.forget()
        result = _run(self._graph, cypher, params, read_only=False)
        self.counters.add(result.counters)
        return result

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        # A read-only statement deletes nothing, so the ids known stay right; its reply is also
        # parsed the read path's faster way.
        self.settle()
        return _run(self._graph, cypher, params, read_only=True)

    def _look_up(self, cypher: str, params: dict[str, Any]) -> Result:
        return self.read(cypher, params)

    def _bulk(self, *counts_and_token: Any) -> list[Any]:
        with _engine_calls():
            return self._pipe.send(*counts_and_token)

    def _take(self) -> list[Any]:
        with _engine_calls():
            return self._pipe.take()

    def settle(self) -> None:
        """Wait for the bulk commands in flight; before any other command, and before the unit ends."""
        with _engine_calls():
            self._pipe.settle()

    def abandon(self) -> None:
        """The unit is being discarded: wait for the bulk commands in flight, forgetting their replies."""
        self._pipe.abandon()

    def create_nodes(self, name: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None) -> int:
        created = bulk.bulk_nodes(self._bulk, self._take, label(name), rows, _INDEXED, MAX_INDEXED_BYTES, on_batch)
        self.counters.add({"nodes_created": created})
        return created

    def create_relationships(
        self, rel: str, start: str, end: str, rows: Sequence[dict[str, Any]], on_batch: OnBatch | None = None
    ) -> int:
        created = bulk.bulk_relationships(
            self._bulk,
            self._take,
            self._look_up,
            rel_type(rel),
            label(start),
            label(end),
            rows,
            _INDEXED,
            MAX_INDEXED_BYTES,
            on_batch,
            self._known,
        )
        self.counters.add({"relationships_created": created})
        return created


@contextmanager
def _engine_calls() -> Iterator[None]:
    """Turn a lost engine during the unit's own commands into the same one-line error queries give."""
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        raise QueryError(f"{LOST_ENGINE} ({exc}); run `kb engine status`") from None


def _run(
    graph: Any, cypher: str, params: dict[str, Any] | None, read_only: bool, timeout: float | None = None
) -> Result:
    params, header = falkor_params.header(graph, params)
    limit_ms = None if timeout is None else max(1, math.ceil(timeout * 1000))
    try:
        if read_only:
            _refuse_load_csv(graph, cypher, params)
            return _read(graph, header + cypher, limit_ms)
        else:
            raw = _write(graph, header + cypher)
    except redis.exceptions.ResponseError as exc:
        message = str(exc)
        if read_only and _RO_REFUSAL in message:
            raise ReadOnlyViolation(
                "the engine refused this query on a read-only path because it would write; "
                "run it with --write if you mean to change the knowledge base"
            ) from None
        if timeout is not None and message.startswith(_TIMED_OUT):
            raise QueryTimeout(timeout) from None
        raise QueryError(f"the engine refused the query: {message}{dialect.hint(cypher)}") from None
    except redis.exceptions.ConnectionError as exc:
        raise QueryError(f"{LOST_ENGINE} ({exc}); run `kb engine status`") from None
    return _result(raw)


# The statistics lines of a reply ("Nodes created: 3") that the counters count.
_STAT_LINES = {
    "nodes_created": "Nodes created",
    "nodes_deleted": "Nodes deleted",
    "relationships_created": "Relationships created",
    "relationships_deleted": "Relationships deleted",
    "properties_set": "Properties set",
    "labels_added": "Labels added",
    "indexes_created": "Indices created",
}


def _stat_counters(lines: Sequence[Any]) -> Counters:
    found = dict.fromkeys(_STAT_LINES, 0)
    for name, line_start in _STAT_LINES.items():
        for line in lines:
            if isinstance(line, str) and line.startswith(line_start + ":"):
                found[name] = int(float(line.split(": ")[1].split(" ")[0]))
    return Counters(found)


def _write(graph: Any, query: str) -> QueryResult:
    """`query` (its parameter header in front) sent as the client's `graph.query` sends it, its
    reply parsed by the client: the header is `falkor_params`', the same text, made faster."""
    try:
        return QueryResult(graph, graph.execute_command("GRAPH.QUERY", graph.name, query, "--compact"))
    except SchemaVersionMismatchException as exc:
        # As the client does: its view of the graph's schema is stale, so it is read again.
        graph.schema.refresh(exc.version)
        raise


def _read(graph: Any, query: str, limit_ms: int | None) -> Result:
    """A read (its parameter header in front) sent as the client sends it (the compact format), its
    reply read by `falkor_reply` rather than the client's parser (a whole-node result is read
    several times faster; the same values)."""
    command: list[Any] = ["GRAPH.RO_QUERY", graph.name, query, "--compact"]
    if limit_ms is not None:
        command += ["timeout", limit_ms]
    with collector_paused():
        # The reply's lists are garbage before the collector runs again, so it never scans them.
        return _decoded(graph, graph.execute_command(*command))


def _decoded(graph: Any, reply: list[Any]) -> Result:
    for part in (reply[0], reply[-1]):
        if isinstance(part, redis.exceptions.ResponseError):
            raise part
    if len(reply) == 1:
        return Result([], [], _stat_counters(reply[0]))
    columns, rows = reply_rows(graph, reply, _plain)
    return Result(columns, rows, _stat_counters(reply[-1]))


def _refuse_load_csv(graph: Any, cypher: str, params: dict[str, Any]) -> None:
    """Refuse a read whose plan loads a CSV file: the engine would fetch any file or URL it names
    (FalkorDB counts LOAD CSV as a read). The plan decides; the text only spares the plan of a query
    that has no LOAD keyword, which cannot hold the clause (an EXPLAIN costs about half a read)."""
    if "load" not in cypher.lower() or cypher in _PLANNED_WITHOUT_LOAD_CSV:
        return
    if _LOAD_CSV_OPERATION in graph.explain(cypher, params).operations:
        raise ReadOnlyViolation(not_run(LOAD_CSV))
    # Whether a plan loads a CSV file is a matter of the text's clauses, which no parameter value
    # or graph changes: a text's plan is asked for once (a library query whose comments say "load"
    # paid an EXPLAIN on every run).
    with _PLANS_LOCK:  # the app reads from several threads
        if len(_PLANNED_WITHOUT_LOAD_CSV) >= _PLANS_KEPT:
            del _PLANNED_WITHOUT_LOAD_CSV[next(iter(_PLANNED_WITHOUT_LOAD_CSV))]
        _PLANNED_WITHOUT_LOAD_CSV[cypher] = None


_PLANS_KEPT = 256
_PLANNED_WITHOUT_LOAD_CSV: dict[str, None] = {}  # texts whose plan has no LOAD CSV, oldest first
_PLANS_LOCK = threading.Lock()


class _SnapshotReader:
    """Read-only statements on a snapshot's copy of the graph."""

    keeps_counts = True

    def __init__(self, graph: Any):
        self._graph = graph

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        return _run(self._graph, cypher, params, read_only=True)


class FalkorStore(Store):
    kind = "falkordb"
    keeps_counts = True

    def __init__(self, config: Config, graph: str = "kb"):
        self._data_dir = Path(config.data_dir)
        state = engine.start(self._data_dir)
        self._socket = state.socket
        self._version = state.version
        # No silent retries: a command re-sent after a lost reply could run twice inside a unit
        # (duplicated relationships); a lost engine must surface as one clear error instead.
        self._db = FalkorDB(unix_socket_path=state.socket, retry=Retry(NoBackoff(), 0))
        self._conn = self._db.connection
        self.graph_name = graph
        self._graph = self._db.select_graph(graph)
        self._fulltext_ready: bool | None = None  # None: not known yet (asked once it is needed)
        if not self._conn.exists(graph):
            # A graph key is born with its first write; give a new knowledge base its schema so
            # that reads of an empty one answer instead of failing on a missing key.
            self.apply_schema()

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        check_limits(timeout, max_rows)
        with self._faults_named():
            return capped(_run(self._graph, cypher, params, read_only=True, timeout=timeout), max_rows)

    def write(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        with self._faults_named():
            return _run(self._graph, cypher, params, read_only=False)

    @contextmanager
    def _faults_named(self) -> Iterator[None]:
        """A lost engine becomes the fault that stopped it (a full disk…), when its log or the disk names one."""
        try:
            yield
        except QueryError as exc:
            named = faults.explain(self._data_dir) if str(exc).startswith(LOST_ENGINE) else None
            if named is None:
                raise
            raise EngineError(named.message) from None

    def write_between_units(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        # A unit renames its staging copy over the live graph when it finishes, which would drop a
        # write made to the live graph meanwhile: the statement takes the units' lock.
        with self._unit_lock():
            return self.write(cypher, params)

    @contextmanager
    def _unit_lock(self) -> Iterator[None]:
        # One atomic unit at a time per graph; the OS releases the lock if the holder dies.
        path = self._data_dir / f"unit-{self.graph_name}.lock"
        with open(path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def atomic(self) -> Iterator[Writer]:
        staging = self.graph_name + STAGING_SUFFIX
        with self._faults_named(), self._unit_lock():
            with _engine_calls():
                self._conn.delete(staging)  # a unit whose writer died
                self._wait_for_children()
                if self._conn.exists(self.graph_name):
                    self._conn.execute_command("GRAPH.COPY", self.graph_name, staging)
            writer = _FalkorWriter(self._db, staging)
            try:
                yield writer
                writer.settle()
            except BaseException:
                writer.abandon()  # nothing may still be writing into the copy as it is deleted
                with suppress(redis.exceptions.ConnectionError, OSError):
                    self._conn.delete(staging)
                raise
            with _engine_calls():
                if self._conn.exists(staging):
                    self._conn.rename(staging, self.graph_name)
                self._compact()

    @contextmanager
    def snapshot(self) -> Iterator[Reads]:
        """A copy of the graph taken while holding the unit lock, so it lies between units; the lock
        is released at once, and loads go on while the copy is read. The copy is deleted after."""
        prefix = self.graph_name + SNAPSHOT_INFIX
        copy = f"{prefix}{os.getpid()}-{uuid4().hex[:12]}"
        with self._faults_named(), self._unit_lock():
            with _engine_calls():
                self._delete_orphan_snapshots(prefix)
                self._wait_for_children()
                self._conn.execute_command("GRAPH.COPY", self.graph_name, copy)
        try:
            yield _SnapshotReader(self._db.select_graph(copy))
        finally:
            with suppress(redis.exceptions.ConnectionError, OSError):
                self._conn.delete(copy)

    def _delete_orphan_snapshots(self, prefix: str) -> None:
        """Copies left by a backup whose process died (its pid is gone) would hold memory forever."""
        for key in self._conn.scan_iter(match=prefix + "*"):
            name = key.decode() if isinstance(key, bytes) else str(key)
            pid = name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and not engine.pid_alive(int(pid)):
                self._conn.delete(name)

    def _wait_for_children(self, timeout: float = 600.0) -> None:
        """Wait until no append-only-file rewrite runs, so that GRAPH.COPY can fork."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self._conn.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("module_fork_in_progress"):
                return
            time.sleep(0.05)
        raise QueryError("the embedded engine has been rewriting its append-only file for 10 minutes; see engine.log")

    def _compact(self) -> None:
        """Start rewriting the append-only file when it has grown a lot, while no unit can start a copy.

        The rewrite runs in the engine's own child process and is not waited for here (at national
        scale that was 0.3 s of every large load): every command that forks (GRAPH.COPY, at the
        start of a unit and of a snapshot) waits for it first, and until it is done the engine
        keeps writing the old file, so a kill meanwhile loses nothing."""
        info = self._conn.info("persistence")
        size, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
        if size > COMPACT_MIN_BYTES and size > COMPACT_GROWTH * max(base, 1):
            self._conn.bgrewriteaof()

    def apply_schema(self) -> int:
        """Create the schema's exact-match indexes and unique keys that the graph lacks, label by label
        (a key's index, its constraint, then the label's other indexes), and wait until every unique
        key is enforced.

        FalkorDB has no IF NOT EXISTS: existing ones are listed first and skipped. A unique key is a
        GRAPH.CONSTRAINT, which needs an exact-match index on its property first and is built in the
        background; returning only once each is OPERATIONAL means a unit that follows (GRAPH.COPY,
        RENAME) never races the engine's constraint builder.
        """
        existing_idx = self._existing_indexes()
        existing_uniq = self._existing_constraints()
        changed = 0
        for key in schema.unique_keys():
            for index in (key, *(i for i in schema.indexes() if i.label == key.label)):
                if (index.label, index.prop) not in existing_idx:
                    self.write(f"CREATE INDEX FOR (n:{label(index.label)}) ON (n.{index.prop})")
                    existing_idx.add((index.label, index.prop))
                    changed += 1
                if index is key and (key.label, key.prop) not in existing_uniq:
                    with _engine_calls():
                        self._conn.execute_command(
                            "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label(key.label),
                            "PROPERTIES", "1", key.prop,
                        )  # fmt: skip
                    changed += 1
        changed += self._apply_fulltext()
        if changed:
            self._await_constraints()
            self._await_indexes()
        return changed

    def _apply_fulltext(self) -> int:
        """Give every label the full-text index of the searched properties it lacks (one index per
        label is how the engine has them; they follow GRAPH.COPY and index GRAPH.BULK's nodes)."""
        index = schema.fulltext_index()
        have = self._existing_fulltext()
        changed = 0
        for name in index.labels:
            missing = [prop for prop in index.props if (name, prop) not in have]
            if missing:
                # No stop words: every word of a text can be looked for ("the", "not" too).
                fields = ", ".join(f"'{prop}'" for prop in missing)
                self.write(f"CALL db.idx.fulltext.createNodeIndex({{label: '{label(name)}', stopwords: []}}, {fields})")
                changed += 1
        self._fulltext_ready = True
        return changed

    def fulltext_nodes(self, text: str) -> FullTextNodes | None:
        """The nodes holding every word of `text` as a whole word, an English form of it ('broker'
        finds 'brokers') or its plural in s ('GP' finds 'GPs'; the stemmer leaves acronyms alone),
        from the index of each label. Words with letters beyond ASCII are not looked up (the
        engine's tokenizer folds only ASCII case), which only widens what the index returns. None
        when no word is left, or the knowledge base has no full-text index yet (made before it
        existed: `kb init` adds it)."""
        words = [w for w in re.findall(r"\w+", text.lower()) if w.isascii()]  # the tokenizer keeps "_"
        if not words or not self._has_fulltext():
            return None
        index = schema.fulltext_index()
        return FullTextNodes(
            "UNWIND $fulltext_labels AS searched "
            "CALL db.idx.fulltext.queryNodes(searched, $fulltext) YIELD node WITH node AS n",
            {"fulltext": " ".join(f"({w}|{w}s)" for w in words), "fulltext_labels": list(index.labels)},
        )

    def _has_fulltext(self) -> bool:
        if not self._fulltext_ready:  # asked until it is there; an index is never dropped but with the graph
            index = schema.fulltext_index()
            have = self._existing_fulltext()
            self._fulltext_ready = all((name, prop) in have for name in index.labels for prop in index.props)
        return bool(self._fulltext_ready)

    def _await_indexes(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while any(row["status"] != "OPERATIONAL" for row in self.read(_INDEX_STATUS).rows):
            if time.monotonic() > deadline:
                raise QueryError("the embedded engine is still building indexes after 2 minutes; see engine.log")
            time.sleep(0.02)

    def _await_constraints(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.read(
                "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status"
            ).rows
            failed = [row for row in rows if row["status"] == "FAILED"]
            if failed:
                what = ", ".join(f"{row['label']}.{'/'.join(row['properties'])}" for row in failed)
                raise QueryError(
                    f"the embedded engine could not enforce the unique key {what}: some nodes share it; "
                    "find them with `kb query` and remove the duplicates"
                )
            if all(row["status"] == "OPERATIONAL" for row in rows):
                return
            if time.monotonic() > deadline:
                raise QueryError("the embedded engine is still building unique keys after 2 minutes; see engine.log")
            time.sleep(0.02)

    def _existing_indexes(self, kind: str = "RANGE") -> set[tuple[str, str]]:
        """(label, property) of every index of the kind (RANGE: exact-match; FULLTEXT) the graph has."""
        if not self._graph_exists():
            return set()
        rows = self.read("CALL db.indexes() YIELD label, types RETURN label, types").rows
        return {(row["label"], prop) for row in rows for prop, kinds in row["types"].items() if kind in kinds}

    def _graph_exists(self) -> bool:
        # Asked on the way to a read (search asks for its index first): an engine lost here is the
        # read's one-line error, not the client's exception.
        with _engine_calls():
            return bool(self._conn.exists(self.graph_name))

    def _existing_fulltext(self) -> set[tuple[str, str]]:
        return self._existing_indexes("FULLTEXT")

    def _existing_constraints(self) -> set[tuple[str, str]]:
        if not self._graph_exists():
            return set()
        rows = self.read("CALL db.constraints() YIELD type, label, properties RETURN type, label, properties").rows
        return {(row["label"], prop) for row in rows if row["type"] == "UNIQUE" for prop in row["properties"]}

    def info(self) -> dict[str, Any]:
        return {
            "engine": "falkordb",
            "version": self._version,
            "address": f"unix:{self._socket}",
            "graph": self.graph_name,
            "data_dir": str(self._data_dir),
        }

    def drop(self) -> None:
        """Delete the whole graph (used by tests and `kb reset`)."""
        self._fulltext_ready = None
        for key in (self.graph_name, self.graph_name + STAGING_SUFFIX):
            self._conn.delete(key)

    def close(self) -> None:
        self._conn.close()
