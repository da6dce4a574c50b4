"""Read replies of FalkorDB's compact result format straight into the contract's plain values.

The client library first builds its own Node and Edge objects, which the adapter then turned into
plain values; for a result of whole nodes that was most of a read's time (a site's network, 500
rows of two nodes and a tie: about 60 ms of Python against 8 ms in the engine). This reader makes
the plain values in one pass, and decodes each node or relationship once per reply however often
the rows repeat it (a respondent appears in every row of its ties); each row still gets its own
copies, so changing one row's value changes no other row. Values of the rarer kinds (points,
vectors, temporal values) go through the client's own parser, so they come out as before.

A reply is read and decoded with the cycle collector paused (`collector_paused`): a result of
thousands of rows makes tens of thousands of short-lived lists, whose allocation set off full
collections of the whole process (about 30 ms each, a fifth of a 4,000-row read on average and most
of its slowest runs). None of them can form a cycle, and the rows that stay are plain dicts of
plain values, which the collector does not track.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from falkordb.query_result import parse_scalar

from kb.store.base import node_value, relationship_value

_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _EDGE, _NODE, _PATH, _MAP = range(1, 11)


def _text(raw: Any) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw if isinstance(raw, str) else str(raw)


def _copied(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: _fresh(v) if type(v) is list else v for k, v in properties.items()}


def _fresh(value: Any) -> Any:
    """A copy of a decoded property value, so that rows share no list."""
    return [_fresh(item) for item in value] if isinstance(value, list) else value


class ReplyReader:
    """Decodes the cells of one reply; `other` makes a plain value of a kind it does not read itself."""

    def __init__(self, graph: Any, other: Callable[[Any], Any]):
        self._schema = graph.schema
        self._graph = graph
        self._other = other
        self._nodes: dict[int, tuple[list[str], dict[str, Any]]] = {}
        self._edges: dict[int, tuple[str, int, int, dict[str, Any]]] = {}
        self._names: dict[int, str] = {}  # property key ids of the engine's schema, as read

    def value(self, cell: list[Any]) -> Any:
        return self._scalar(int(cell[0]), cell[1], cell)

    def record(self, columns: list[str], record: list[Any]) -> dict[str, Any]:
        """One row. Strings, integers, nulls and doubles, most of any result's cells, are read
        inline: a call per cell was most of the time a result of 40,000 such cells took."""
        scalar = self._scalar
        values = [
            raw
            if (kind == _STRING and type(raw) is str) or (kind == _INTEGER and type(raw) is int)
            else None
            if kind == _NULL
            else float(raw)
            if kind == _DOUBLE
            else scalar(int(kind), raw, [kind, raw])
            for kind, raw in record
        ]
        return dict(zip(columns, values, strict=True))

    def _scalar(self, kind: int, raw: Any, cell: list[Any]) -> Any:
        if kind == _STRING:
            return _text(raw)
        if kind == _INTEGER:
            return int(raw)
        if kind == _NULL:
            return None
        if kind == _DOUBLE:
            return float(raw)
        if kind == _BOOLEAN:
            return (raw.decode() if isinstance(raw, bytes) else raw) == "true"
        if kind == _ARRAY:
            return [self.value(item) for item in raw]
        if kind == _NODE:
            return self._node(raw)
        if kind == _EDGE:
            return self._edge(raw)
        if kind == _MAP:
            return {_text(raw[i]): self.value(raw[i + 1]) for i in range(0, len(raw), 2)}
        if kind == _PATH:
            nodes, edges = self.value(raw[0]), self.value(raw[1])
            return {"element": "path", "nodes": nodes, "relationships": edges}
        return self._other(parse_scalar(cell, self._graph))

    def _properties(self, raw: list[Any]) -> dict[str, Any]:
        names = self._names
        properties = {}
        for key, kind, value in raw:
            name = names.get(key)
            if name is None:
                name = names[key] = str(self._schema.get_property(key))
            properties[name] = self._scalar(int(kind), value, [kind, value])
        return properties

    def _node(self, raw: list[Any]) -> dict[str, Any]:
        key = int(raw[0])
        known = self._nodes.get(key)
        if known is None:
            known = [self._schema.get_label(i) for i in raw[1]], self._properties(raw[2])
            self._nodes[key] = known
        labels, properties = known
        return node_value(key, labels, _copied(properties))

    def _edge(self, raw: list[Any]) -> dict[str, Any]:
        key = int(raw[0])
        known = self._edges.get(key)
        if known is None:
            known = self._schema.get_relation(raw[1]), int(raw[2]), int(raw[3]), self._properties(raw[4])
            self._edges[key] = known
        rel, start, end, properties = known
        return relationship_value(key, rel, start, end, _copied(properties))


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block, and on again after it if it was on before (another
    thread's block may have turned it off meanwhile: it is then left as that block will leave it)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def reply_rows(graph: Any, reply: list[Any], other: Callable[[Any], Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The column names and rows of a reply that carries a result set (header, records, statistics)."""
    columns = [h[1] if isinstance(h, (list, tuple)) else h for h in reply[0]]
    columns = [_text(c) for c in columns]
    if not columns:
        return [], []
    reader = ReplyReader(graph, other)
    record = reader.record
    rows = [record(columns, cells) for cells in reply[1]]
    return columns, rows
