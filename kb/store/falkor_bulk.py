"""New nodes and relationships through FalkorDB's bulk-insert command, GRAPH.BULK.

Why: a wave creates hundreds of thousands of entities. As Cypher (`UNWIND $rows … CREATE`) each
batch is turned into query text by the client, parsed and planned by the engine, and every
relationship end is looked up through an index; the engine's bulk command takes the entities as
packed binary records instead, which is what FalkorDB's own bulk loader sends. It is only used
for entities that are all new, inside an atomic unit (so into the unit's staging copy of the
graph, which readers never see half-written).

The command, as FalkorDB 4.16 reads it:

    GRAPH.BULK <graph> <node count> <edge count> <label tokens> <type tokens> <token> ...

A token is a label (or relationship type) name and its property names, each NUL-terminated, with
the property count as uint32 between them, followed by one record per entity: for a
relationship the internal ids of its start and end node (uint64 each), then one value per
property: a type byte and the value (0 none, 1 bool, 2 float64, 3 NUL-terminated UTF-8, 4 int64,
5 array: int64 length and typed items). All little-endian, unaligned.

Records are packed column by column (falkor_columns.py; a national wave's ties in a fraction of a
second); `Encoder` packs the same bytes row by row and is the reference the tests hold them to.
The store sends the commands one ahead of their replies (falkor_pipe.py), so the next command is
packed while the engine ingests the last.

Three things the command does not do, measured on FalkorDB 4.16.3, and handled here:
- it does not check uniqueness constraints, so callers only pass entities they have checked are
  new (the wave loader validates ids against the graph inside the same unit);
- new nodes reuse the ids of deleted ones in no predictable order, so relationship ends are
  looked up by their `id` property after the nodes are in, never computed (and kept, `KnownIds`,
  until a statement could have deleted one);
- a string with a NUL byte cannot be sent (it would end the value early), and indexed strings
  over MAX_INDEXED_BYTES crash the engine: both are refused before anything is sent, as is text
  with no UTF-8 form (a lone surrogate).
"""

from __future__ import annotations

import math
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, Protocol

import numpy as np

from kb.errors import QueryError
from kb.store.falkor_columns import Column, encode_column, interleave, tokens

_NONE, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = (bytes([code]) for code in range(6))
_TRUE, _FALSE = _BOOL + b"\x01", _BOOL + b"\x00"
_INT64 = struct.Struct("<q")
_FLOAT64 = struct.Struct("<d")
_ENDS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")
# A command is sent when its records reach this size: large enough that the per-command cost
# vanishes, small enough that client and engine never hold more than a few copies of it.
CHUNK_BYTES = 4 * 1024 * 1024
LOOKUP_BATCH = 20_000
_KEY_SEPARATOR = " "
_JOINED_LOOKUP = (
    "UNWIND split($keys, ' ') AS key MATCH (n:{label} {{id: key}}) RETURN collect(key) AS keys, collect(id(n)) AS nodes"
)
_LIST_LOOKUP = "UNWIND $keys AS key MATCH (n:{label} {{id: key}}) RETURN key, id(n) AS node"
_EVERY_ID = "MATCH (n:{label}) RETURN collect(n.id) AS keys, collect(id(n)) AS nodes"
_LABEL_COUNT = "MATCH (n:{label}) RETURN count(n) AS count"
# Reading every node of a label costs about half what looking one up by `id` does (40,000
# participants: 0.055 s against 0.11 s), so a label is read whole when the ids wanted are at least
# a quarter of it; a national wave's relationship types then name the rest in their later chunks.
SCAN_MIN, SCAN_SHARE = 1_000, 4
CHUNK_ROWS = 20_000  # rows made and encoded at a time
# Node rows are dictionaries of every property (an evidence row's is about 1.3 KB with its text),
# made as their chunk is: 20,000 of them were about 30 MB of a national load's peak.
NODE_CHUNK_ROWS = 5_000

Run = Callable[[str, dict[str, Any]], Any]  # a writer's `read` (Cypher with parameters -> Result)
# Sends one GRAPH.BULK command with (node count, edge count, label tokens, type tokens, token) and
# returns the replies of earlier commands that have come back; `Take` waits for the rest and
# returns them. The store supplies both (falkor_pipe.BulkPipe: it knows the graph, whether to say
# BEGIN, and keeps one command in flight while the next is packed).
Send = Callable[[int, int, int, int, bytes], list[Any]]
Take = Callable[[], list[Any]]


class BulkValueError(QueryError):
    """A value the bulk command cannot carry (raised before anything is sent)."""


def _utf8(value: str, name: str) -> bytes:
    # Python text may hold lone surrogates (from a file decoded with 'surrogateescape', say),
    # which have no UTF-8 form: refused with the property's name, not a codec traceback.
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BulkValueError(
            f"property '{name}' holds a character with no UTF-8 form ({value[error.start]!r} at "
            f"position {error.start}); fix the text's encoding"
        ) from None


def _value(value: Any, name: str, indexed: bool, limit: int) -> bytes:
    if value is None:
        return _NONE
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise BulkValueError(f"property '{name}': {value} does not fit in 64 bits")
        return _LONG + _INT64.pack(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BulkValueError(f"property '{name}': {value} is not a finite number")
        return _DOUBLE + _FLOAT64.pack(value)
    if isinstance(value, str):
        data = _utf8(value, name)
        if b"\x00" in data:
            raise BulkValueError(f"property '{name}' contains a NUL character, which the engine cannot store")
        if indexed and len(data) > limit:
            raise BulkValueError(
                f"property '{name}' is {len(data)} bytes of UTF-8; indexed values may have at most {limit}"
            )
        return _STRING + data + b"\x00"
    if isinstance(value, (list, tuple)):
        return _ARRAY + _INT64.pack(len(value)) + b"".join(_value(item, name, False, limit) for item in value)
    raise BulkValueError(f"property '{name}': values of type {type(value).__name__} cannot be stored")


def _header(name: str, keys: Sequence[str]) -> bytes:
    return name.encode() + b"\x00" + _COUNT.pack(len(keys)) + b"".join(key.encode() + b"\x00" for key in keys)


def property_keys(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Every property name the rows use, in first-seen order (a token declares one list for all)."""
    return list(dict.fromkeys(chain.from_iterable(rows)))  # dict.fromkeys keeps the first of each


class Encoder:
    """Packs rows of one label or relationship type into tokens of at most CHUNK_BYTES, row by row:
    the reference the column-wise packing (column_tokens) is checked against."""

    def __init__(self, name: str, keys: Sequence[str], indexed: frozenset[str], limit: int):
        self.header = _header(name, keys)
        self.fields = tuple((key, key in indexed) for key in keys)
        self.limit = limit

    def record(self, props: dict[str, Any]) -> bytes:
        # Text is most of what a wave holds, so it takes the short way; the rest goes through _value.
        parts: list[bytes] = []
        get, limit = props.get, self.limit
        for key, flag in self.fields:
            value = get(key)
            if value.__class__ is str:
                data = _utf8(value, key)
                if b"\x00" in data or (flag and len(data) > limit):
                    _value(value, key, flag, limit)  # raises, naming the property
                parts += (_STRING, data, b"\x00")
            else:
                parts.append(_value(value, key, flag, limit))
        return b"".join(parts)

    def tokens(self, records: Iterable[bytes]) -> Iterable[tuple[bytes, int]]:
        """(token, entities in it) for the packed records, cut at CHUNK_BYTES."""
        parts, size, count = [self.header], len(self.header), 0
        for data in records:
            parts.append(data)
            size, count = size + len(data), count + 1
            if size >= CHUNK_BYTES:
                yield b"".join(parts), count
                parts, size, count = [self.header], len(self.header), 0
        if count:
            yield b"".join(parts), count


def column_tokens(
    name: str, props: list[dict[str, Any]], ends: np.ndarray | None, indexed: frozenset[str], limit: int
) -> Iterable[tuple[bytes, int]]:
    """(token, entities in it) for a chunk of rows of one label or type, packed column by column
    (falkor_columns.py): the bytes Encoder packs row by row. `ends`: for relationships, each row's
    start and end internal ids (uint64 pairs)."""
    keys = property_keys(props)
    columns: list[Column] = [] if ends is None else [(np.full(len(props), 16, np.int64), ends.view(np.uint8).ravel())]
    columns += [encode_column([row.get(key) for row in props], key, key in indexed, limit, _value) for key in keys]
    records, sizes = interleave(columns, len(props))
    return tokens(_header(name, keys), records, sizes, CHUNK_BYTES)


def _created(reply: Any) -> tuple[int, int]:
    # "3 nodes created, 1 edges created"
    text = reply.decode() if isinstance(reply, bytes) else str(reply)
    nodes, edges = (int(part.strip().split(" ", 1)[0]) for part in text.split(",")[:2])
    return nodes, edges


def _chunks(rows: Iterable[dict[str, Any]], size: int | None = None) -> Iterator[list[dict[str, Any]]]:
    # Rows may be made on demand (loaders.wave.plan.Rows): each is made once, a chunk at a time.
    size = size or CHUNK_ROWS
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_nodes(
    send: Send,
    take: Take,
    label: str,
    rows: Iterable[dict[str, Any]],
    indexed: frozenset[str],
    limit: int,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Create one node of `label` per row (its properties); returns the nodes created."""
    created = 0
    for keys, values in _node_chunks(rows):
        for token, count in _node_tokens(label, keys, values, indexed, limit):
            created += _count(send(count, 0, 1, 0, token), 0, on_batch)
    return created + _count(take(), 0, on_batch)


class NodeChunks(Protocol):
    """Node rows that can also be had as columns, a chunk at a time (loaders.wave.plan.Rows)."""

    def node_chunks(self, size: int) -> Iterator[tuple[list[str], dict[str, list[Any]]] | list[dict[str, Any]]]: ...


def _node_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[list[str], Any]]:
    """(property names, the chunk's columns or its rows) per chunk of NODE_CHUNK_ROWS rows: the
    rows' own columns when they offer them, else their dictionaries."""
    if hasattr(rows, "node_chunks"):
        offered: NodeChunks = rows  # type: ignore[assignment]  # it has node_chunks
        for chunk in offered.node_chunks(NODE_CHUNK_ROWS):
            yield chunk if isinstance(chunk, tuple) else (property_keys(chunk), chunk)
        return
    for chunk in _chunks(rows, NODE_CHUNK_ROWS):
        yield property_keys(chunk), chunk


def _node_tokens(
    label: str, keys: list[str], values: Any, indexed: frozenset[str], limit: int
) -> Iterable[tuple[bytes, int]]:
    if isinstance(values, dict):  # columns already
        count = len(values[keys[0]]) if keys else 0
        columns = [encode_column(values[key], key, key in indexed, limit, _value) for key in keys]
        records, sizes = interleave(columns, count)
        return tokens(_header(label, keys), records, sizes, CHUNK_BYTES)
    return column_tokens(label, values, None, indexed, limit)


def _count(replies: list[Any], place: int, on_batch: Callable[[int], None] | None) -> int:
    """The nodes (`place` 0) or relationships (1) the replies say were created, each reported."""
    created = 0
    for reply in replies:
        made = _created(reply)[place]
        created += made
        if on_batch:
            on_batch(made)
    return created


def node_ids(read: Run, label: str, keys: Iterable[str]) -> dict[str, int]:
    """The engine's internal id of the `label` node with each `id` property in `keys` (found ones only)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        if all(key and _KEY_SEPARATOR not in key for key in batch):
            # One text parameter, split by the engine (ids hold no spaces: values.ID_PATTERN): chosen
            # when the client wrote a list parameter value by value, slower than the lookup; written
            # whole by falkor_params, a list now measures the same (20,000 ids: 36 ms against 37).
            row = read(_JOINED_LOOKUP.format(label=label), {"keys": _KEY_SEPARATOR.join(batch)}).rows[0]
            found.update(zip(_interned(row["keys"]), row["nodes"], strict=True))
            continue
        for row in read(_LIST_LOOKUP.format(label=label), {"keys": batch}).rows:
            found[sys.intern(row["key"])] = row["node"]
    return found


def _interned(keys: list[str]) -> Iterator[str]:
    """The ids a reply gives, as the interned strings the loader's records already hold (it interns
    every id it reads), so that the ids kept here are no second copy: 100,000 of a label's ids read
    whole were 10 MB of a national load's peak."""
    return map(sys.intern, keys)


class KnownIds:
    """Internal ids of nodes looked up by `id` property, per label, kept while a unit sends only
    bulk commands: a national wave's relationship types name the same 100,000 ends again and again
    (its 40,000 participants by five types), and each is then looked up once. A node's internal id
    only changes hands when the node is deleted, which takes a Cypher statement: the writer forgets
    every id on its next one (`forget`)."""

    def __init__(self, read: Run):
        self.read = read
        self.by_label: dict[str, dict[str, int]] = {}

    def of(self, label: str) -> dict[str, int]:
        return self.by_label.setdefault(label, {})

    def need(self, label: str, keys: Iterable[str]) -> dict[str, int]:
        """The known ids of `label`, after looking up those of `keys` not known yet (or reading the
        ids of every node of the label, when those are at least a quarter of it)."""
        ids = self.of(label)
        missing = list(set(keys).difference(ids))
        if len(missing) >= SCAN_MIN and self._count(label) <= SCAN_SHARE * len(missing):
            row = self.read(_EVERY_ID.format(label=label), {}).rows[0]
            ids.update(zip(_interned(row["keys"]), row["nodes"], strict=True))
        elif missing:
            ids.update(node_ids(self.read, label, missing))
        return ids

    def _count(self, label: str) -> int:
        count: int = self.read(_LABEL_COUNT.format(label=label), {}).rows[0]["count"]
        return count

    def forget(self) -> None:
        self.by_label.clear()


def bulk_relationships(
    send: Send,
    take: Take,
    read: Run,
    rel_type: str,
    start: str,
    end: str,
    rows: Iterable[dict[str, Any]],
    indexed: frozenset[str],
    limit: int,
    on_batch: Callable[[int], None] | None = None,
    known: KnownIds | None = None,
) -> int:
    """Create one `rel_type` relationship per {start, end, props} row, from the `start`-labelled node
    whose `id` is the row's start to the `end`-labelled one; returns the relationships created.
    `known`: ids already looked up in the unit (only nodes not in it are looked up, and added)."""
    known = KnownIds(read) if known is None else known
    created = 0
    for chunk in _column_chunks(rows):
        start_ids = known.need(start, chunk[0])
        pairs = _end_ids(chunk[0], chunk[1], start_ids, known.need(end, chunk[1]), rel_type)
        for token, count in _tokens(rel_type, chunk[2], chunk[3], pairs, indexed, limit):
            created += _count(send(0, count, 0, 1, token), 1, on_batch)
    return created + _count(take(), 1, on_batch)


class ColumnRows(Protocol):
    """Relationship rows that can also be had as columns (loaders.wave.plan.Rows)."""

    def __len__(self) -> int: ...

    def relationship_columns(
        self, start: int, stop: int
    ) -> tuple[list[str], list[str], list[str], dict[str, list[Any]]] | None: ...


def _column_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[list[str], list[str], list[str], Any]]:
    """(start ids, end ids, property names, property values) per chunk of CHUNK_ROWS rows: the
    rows' own columns when they offer them, else the columns of their dictionaries."""
    if hasattr(rows, "relationship_columns") and hasattr(rows, "__len__"):
        offered: ColumnRows = rows  # type: ignore[assignment]  # it has both
        for first in range(0, len(offered), CHUNK_ROWS):
            columns = offered.relationship_columns(first, first + CHUNK_ROWS)
            if columns is None:
                break
            yield columns
        else:
            return
        rows = islice(rows, first, None)  # the rest as dictionaries, from where the columns stopped
    for chunk in _chunks(rows):
        props = [row["props"] for row in chunk]
        yield [row["start"] for row in chunk], [row["end"] for row in chunk], property_keys(props), props


def _tokens(
    rel_type: str, keys: list[str], values: Any, pairs: np.ndarray, indexed: frozenset[str], limit: int
) -> Iterable[tuple[bytes, int]]:
    if isinstance(values, dict):  # columns already
        columns: list[Column] = [(np.full(len(pairs), 16, np.int64), pairs.view(np.uint8).ravel())]
        columns += [encode_column(values[key], key, key in indexed, limit, _value) for key in keys]
        records, sizes = interleave(columns, len(pairs))
        return tokens(_header(rel_type, keys), records, sizes, CHUNK_BYTES)
    return column_tokens(rel_type, values, pairs, indexed, limit)


def _end_ids(
    start_keys: list[str], end_keys: list[str], starts: dict[str, int], ends: dict[str, int], rel_type: str
) -> np.ndarray:
    """Each row's start and end internal ids, as little-endian uint64 pairs."""
    pairs = np.empty((len(start_keys), 2), dtype="<u8")
    try:
        # One column at a time from the ids' own lookups: a tuple per row took three times as long.
        pairs[:, 0] = np.fromiter(map(starts.__getitem__, start_keys), np.uint64, len(start_keys))
        pairs[:, 1] = np.fromiter(map(ends.__getitem__, end_keys), np.uint64, len(end_keys))
        return pairs
    except KeyError as exc:
        raise QueryError(
            f"no node with id '{exc.args[0]}' for a {rel_type} relationship; the load was rolled back, run it again"
        ) from None


def edge_records(
    encoder: Encoder, chunk: list[dict[str, Any]], starts: dict[str, int], ends: dict[str, int], rel_type: str
) -> Iterator[bytes]:
    """The relationship records of `chunk`, row by row (the reference for column_tokens)."""
    for row in chunk:
        try:
            packed = _ENDS.pack(starts[row["start"]], ends[row["end"]])
        except KeyError as exc:
            raise QueryError(
                f"no node with id '{exc.args[0]}' for a {rel_type} relationship; the load was rolled back, run it again"
            ) from None
        yield packed + encoder.record(row["props"])
