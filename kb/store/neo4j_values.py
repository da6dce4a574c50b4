"""Neo4j's values as the store contract has them: plain Python, never the driver's own types.

The driver hands back its graph types (Node, Relationship, Path), its temporal types
(neo4j.time.Date, DateTime, Time, Duration) and its spatial points (neo4j.spatial, tuples with an
SRID). Each becomes what the embedded engine gives for the same query: graph values as the plain
dicts of kb.store.base, temporal values as ISO-8601 text, points as {longitude, latitude[, height]}
or {x, y[, z]}.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from neo4j import Record, ResultSummary
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import CartesianPoint, Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from kb.store.base import Counters, Result, node_value, path_value, relationship_value

# The store's counter names and the driver's SummaryCounters attributes they come from.
COUNTERS = {
    "nodes_created": "nodes_created",
    "nodes_deleted": "nodes_deleted",
    "relationships_created": "relationships_created",
    "relationships_deleted": "relationships_deleted",
    "properties_set": "properties_set",
    "labels_added": "labels_added",
    "indexes_created": "indexes_added",
    "constraints_created": "constraints_added",
}
_TEMPORAL = (Date, DateTime, Time, Duration)


def plain(value: Any) -> Any:
    """`value`, as the driver returned it, turned into plain Python (see the module docstring)."""
    if isinstance(value, Node):
        return node_value(value.element_id, sorted(value.labels), plain(dict(value)))
    if isinstance(value, Relationship):
        start, end = value.start_node, value.end_node
        return relationship_value(
            value.element_id,
            value.type,
            start.element_id if start is not None else None,
            end.element_id if end is not None else None,
            plain(dict(value)),
        )
    if isinstance(value, Path):
        return path_value([plain(n) for n in value.nodes], [plain(r) for r in value.relationships])
    # Before lists: a point is a tuple of coordinates, a Duration a tuple of its parts.
    if isinstance(value, Point):
        return point_value(value)
    if isinstance(value, _TEMPORAL):
        return value.iso_format()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def point_value(point: Point) -> dict[str, Any]:
    """A geographic point as {longitude, latitude[, height]}, a cartesian one as {x, y[, z]}."""
    if isinstance(point, WGS84Point):
        names: tuple[str, ...] = ("longitude", "latitude", "height")
    elif isinstance(point, CartesianPoint):
        names = ("x", "y", "z")
    else:  # a reference system the driver has no class for: say which it is
        return {"srid": point.srid, "coordinates": list(point)}
    return dict(zip(names, point, strict=False))


def counters(summary: ResultSummary | None) -> Counters:
    if summary is None:
        return Counters()
    found = summary.counters
    return Counters({name: int(getattr(found, attr, 0)) for name, attr in COUNTERS.items()})


def to_result(records: Iterable[Record], keys: Iterable[str], summary: ResultSummary | None) -> Result:
    columns = list(keys)
    rows = [{k: plain(record[k]) for k in columns} for record in records]
    return Result(columns, rows, counters(summary))
