"""A network over several waves as one dynamic GEXF 1.3 file, for Gephi's timeline.

Each wave is a spell of time: its fieldwork dates when every wave has a start date and the waves
follow one another without overlapping (timeformat `date`: a start of 2015-01 runs from
2015-01-01, an end of 2015-03 to 2015-03-31, a wave without an end lasts to the end of its start's
year, month or day), otherwise its position in the study's order (timeformat `integer`: wave 1 is
the spell [1, 1], wave 2 [2, 2]). A node or edge carries one spell per wave it is in; each wave's
measures are dynamic attribute values (`attvalue` with that wave's start and end), so Gephi shows
a broker's betweenness change as the timeline moves. The file follows the GEXF 1.3 schema
(gexf.net/1.3: `mode="dynamic"`, `timerepresentation="interval"`, `spells`, attributes of mode
`dynamic`), written with the standard library's ElementTree.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx

NAMESPACE = "http://gexf.net/1.3"
SCHEMA = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
STATIC_NODE = ("kind", "site")
Values = dict[str, Any]  # what does not change from wave to wave
_TYPES = ((bool, "boolean"), (int, "integer"), (float, "double"), (str, "string"))


@dataclass(frozen=True)
class Spell:
    """A wave's time: start and end as GEXF writes them (ISO dates, or whole numbers as text)."""

    start: str
    end: str


@dataclass(frozen=True)
class WaveTime:
    """What the timeline needs of a wave: its id and, when published, its fieldwork dates."""

    id: str
    started: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    ended: str | None = None


def _first_day(text: str) -> str:
    parts = text.split("-")
    return "-".join([parts[0], *(parts[1:] or ["01"]), *(["01"] if len(parts) < 3 else [])])[:10]


def _last_day(text: str) -> str:
    parts = [int(part) for part in text.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-{day:02d}"


def spells(waves: Sequence[WaveTime]) -> tuple[str, list[Spell]]:
    """The timeformat and each wave's spell, in the order given (see the module docstring)."""
    if all(wave.started for wave in waves):
        dated = [Spell(_first_day(w.started or ""), _last_day(w.ended or w.started or "")) for w in waves]
        if all(a.end < b.start for a, b in zip(dated, dated[1:], strict=False)) and all(
            s.start <= s.end for s in dated
        ):
            return "date", dated
    return "integer", [Spell(str(i), str(i)) for i in range(1, len(waves) + 1)]


def _type_of(value: Any) -> str:
    return next(name for kind, name in _TYPES if isinstance(value, kind))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _declare(graph: ElementTree.Element, cls: str, mode: str, types: Mapping[str, str]) -> None:
    if not types:
        return
    attributes = ElementTree.SubElement(graph, "attributes", {"class": cls, "mode": mode})
    for name, kind in types.items():
        ElementTree.SubElement(attributes, "attribute", {"id": name, "title": name, "type": kind})


def _types(items: Iterable[Mapping[str, Any]], skip: Iterable[str] = ()) -> dict[str, str]:
    """Attribute name -> GEXF type of every value given (a name keeps the type it first has)."""
    found: dict[str, str] = {}
    for data in items:
        for name, value in data.items():
            if name not in skip and value is not None and name not in found:
                found[name] = _type_of(value)
    return dict(sorted(found.items()))


def _timed(element: ElementTree.Element, static: Mapping[str, Any], timed: list[tuple[Spell, Values]]) -> None:
    """attvalues (static ones, then each wave's) and one spell per wave, in the order the schema wants."""
    values = ElementTree.SubElement(element, "attvalues")
    for name, value in static.items():
        ElementTree.SubElement(values, "attvalue", {"for": name, "value": _text(value)})
    for spell, data in timed:
        for name, value in sorted(data.items()):
            if value is not None:
                attrs = {"for": name, "value": _text(value), "start": spell.start, "end": spell.end}
                ElementTree.SubElement(values, "attvalue", attrs)
    spell_list = ElementTree.SubElement(element, "spells")
    for spell, _ in timed:
        ElementTree.SubElement(spell_list, "spell", {"start": spell.start, "end": spell.end})


def dynamic_gexf(snapshots: Sequence[tuple[Spell, nx.DiGraph[str]]], timeformat: str, description: str) -> bytes:
    """The GEXF 1.3 document of the `snapshots`: each wave's spell with its graph, whose nodes and
    edges carry that wave's attributes (a node's `label` names it; `kind` and `site` are static)."""
    root = ElementTree.Element(
        "gexf", {"xmlns": NAMESPACE, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA, "version": "1.3"}
    )
    meta = ElementTree.SubElement(root, "meta", {"lastmodifieddate": datetime.now(UTC).date().isoformat()})
    ElementTree.SubElement(meta, "creator").text = "ccg-kb"
    ElementTree.SubElement(meta, "description").text = description
    graph = ElementTree.SubElement(
        root,
        "graph",
        {"mode": "dynamic", "defaultedgetype": "directed", "timeformat": timeformat, "timerepresentation": "interval"},
    )
    node_data = [data for _, g in snapshots for _, data in g.nodes(data=True)]
    edge_data = [data for _, g in snapshots for _, _, data in g.edges(data=True)]
    _declare(graph, "node", "static", _types({k: d.get(k) for k in STATIC_NODE} for d in node_data))
    _declare(graph, "node", "dynamic", _types(node_data, skip=("label", *STATIC_NODE)))
    _declare(graph, "edge", "dynamic", _types(edge_data))
    nodes = ElementTree.SubElement(graph, "nodes")
    present: dict[str, list[tuple[Spell, Values]]] = {}
    labels: dict[str, tuple[str, Values]] = {}
    for spell, g in snapshots:
        for node, data in g.nodes(data=True):
            present.setdefault(node, []).append((spell, {k: v for k, v in data.items() if k not in STATIC_NODE}))
            labels.setdefault(node, (str(data.get("label") or node), {k: data.get(k) for k in STATIC_NODE}))
    for node in sorted(present):
        label, static = labels[node]
        element = ElementTree.SubElement(nodes, "node", {"id": node, "label": label})
        timed = [(spell, {k: v for k, v in data.items() if k != "label"}) for spell, data in present[node]]
        _timed(element, {k: v for k, v in static.items() if v is not None}, timed)
    edges = ElementTree.SubElement(graph, "edges")
    ties: dict[tuple[str, str], list[tuple[Spell, Values]]] = {}
    for spell, g in snapshots:
        for start, end, data in g.edges(data=True):
            ties.setdefault((start, end), []).append((spell, dict(data)))
    for number, ((start, end), timed) in enumerate(sorted(ties.items())):
        _timed(ElementTree.SubElement(edges, "edge", {"id": str(number), "source": start, "target": end}), {}, timed)
    ElementTree.indent(root)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def write_dynamic_gexf(
    path: str | Path, snapshots: Sequence[tuple[Spell, nx.DiGraph[str]]], timeformat: str, description: str
) -> Path:
    """Write `dynamic_gexf(...)` to `path`."""
    Path(path).write_bytes(dynamic_gexf(snapshots, timeformat, description))
    return Path(path)
