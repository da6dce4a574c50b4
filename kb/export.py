"""Query results as files people open in their own tools: CSV, JSON, Excel, GraphML and GEXF.

A result is `columns` (names, in order) and `rows` (dicts keyed by column) whose values are
scalars, lists, maps or graph values (plain dicts, see kb/store/base.py). Every export carries its
provenance, what was asked, with which parameters, on which engine and when: a
`<file>.provenance.json` beside CSV, JSON, GraphML and GEXF files, a "provenance" sheet in Excel.

Spreadsheet safety (CWE-1236, "CSV/formula injection"): a spreadsheet treats a cell that begins
with `=`, `+`, `-` or `@` as a formula, and a leading tab or carriage return can hide such a start
from a quick look. Text in the knowledge base comes from papers, interview codes and reference
lists that anyone may have written, so a cell like `=HYPERLINK("http://…","see source")` would
run in the manager's Excel. Every CSV and Excel cell holding text that starts with one of those
six characters is therefore written with a leading single quote, the spreadsheet convention for
"this is text". Numbers are never touched: -5 stays the number -5. JSON, GraphML and GEXF are not
spreadsheet formats and keep text exactly.

Lists in a CSV or Excel cell, and in a GraphML or GEXF attribute, are written as compact JSON
arrays (`["s17","z13"]`), so an item that itself contains a separator reads back whole.

GraphML and GEXF key nodes by the knowledge base's own ids (a node's `id` property, `z13:site:A`),
never by the engine's internal numbers, which a reload changes; both formats carry the same
attribute names (see `graph_from_rows`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, cast

import networkx as nx

from kb.errors import UsageError
from kb.store.base import is_graph_value

FORMATS = ("csv", "json", "xlsx", "graphml", "gexf")
GRAPH_FORMATS = ("graphml", "gexf")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LABEL_SEPARATOR = "; "  # between a node's labels, which never hold it (they come from the schema)
LIST_SEPARATOR = LABEL_SEPARATOR  # the name the app reads the labels attribute with
EXCEL_CELL_LIMIT = 32_767  # Excel refuses to open a workbook with a longer cell

# Characters XML 1.0 forbids (and so xlsx, GraphML and GEXF): C0 controls other than tab, line
# feed and carriage return, lone surrogates and U+FFFE/U+FFFF. They become U+FFFD.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Attribute names the networkx writers (or Gephi) give a meaning of their own. A property with
# such a name is written as `kb_<name>` so it stays data (GEXF would read a `start` property as a
# time, Gephi a GraphML "weight" as the edge's number). GraphML needs fewer of them, but both
# formats rename the same ones, so a node's attributes have the same names in either file.
_RESERVED_NODE = {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"}
_RESERVED_EDGE = {"id", "key", "type", "weight", "start", "end", "slices", "spells"}


# ---- cells ---------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading `'` when it would start a formula (CWE-1236)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _item_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return _compact_json(value)
    return str(value)


def _text(value: Any) -> str:
    """A non-numeric value as one line of text: lists, maps and graph values as compact JSON."""
    return _item_text(value)


def spreadsheet_cell(value: Any) -> str | int | float | bool | None:
    """The value of one CSV or Excel cell: numbers and booleans as they are, everything else as safe text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else neutralise(str(value))
    return neutralise(_text(value))


def _csv_cell(value: Any) -> str | int | float:
    cell = spreadsheet_cell(value)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return cell


def _excel_cell(value: Any) -> str | int | float | bool | None:
    cell = spreadsheet_cell(value)
    if not isinstance(cell, str):
        return cell
    # Line breaks inside an Excel cell are line feeds; XML would turn a bare CR into one anyway.
    cell = _XML_ILLEGAL.sub("\ufffd", cell).replace("\r\n", "\n").replace("\r", "\n")
    if len(cell) > EXCEL_CELL_LIMIT:
        note = f"… [cut: {len(cell)} characters are more than an Excel cell holds; export csv or json for all]"
        cell = cell[: EXCEL_CELL_LIMIT - len(note)] + note
    return cell


# ---- tables --------------------------------------------------------------------------------


def to_csv(columns: list[str], rows: list[dict[str, Any]], fh: IO[str]) -> None:
    """Write a header and one line per row; open files with newline="" so the csv module controls line ends."""
    writer = csv.writer(fh)
    writer.writerow([_csv_cell(column) for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])


def to_json(columns: list[str], rows: list[dict[str, Any]], fh: IO[str]) -> None:
    """Write a JSON array with one object per row, keys in column order, graph values kept as dicts."""
    records = [{column: row.get(column) for column in columns} for row in rows]
    json.dump(records, fh, ensure_ascii=False, indent=2, default=str)


def to_xlsx(columns: list[str], rows: list[dict[str, Any]], path_or_fh: Any, provenance: dict[str, Any]) -> None:
    """Write a workbook: the rows on a "results" sheet, the provenance record on a "provenance" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    results = cast(Worksheet, workbook.active)  # a new workbook opens on one worksheet; the stubs allow None
    results.title = "results"
    results.append([_excel_cell(column) for column in columns])
    for row in rows:
        results.append([_excel_cell(row.get(column)) for column in columns])
    results.freeze_panes = "A2"
    sheet = workbook.create_sheet("provenance")
    sheet.append(["field", "value"])
    for field, value in provenance.items():
        shown = _compact_json(value) if isinstance(value, (dict, list, tuple)) else value
        sheet.append([_excel_cell(field), _excel_cell(shown)])
    for header in (*results[1], *sheet[1]):
        header.font = Font(bold=True)
    workbook.save(path_or_fh)


# ---- graphs --------------------------------------------------------------------------------


def _graph_values(value: Any) -> Iterator[dict[str, Any]]:
    """Every node, relationship and path inside a value, however deeply it sits in lists and maps."""
    if is_graph_value(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _graph_values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _graph_values(item)


def _flat_value(value: Any) -> str | int | float | bool:
    if isinstance(value, (str, bool, int, float)):
        return value
    return _text(value)


def _flat_properties(properties: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """`own` attributes, then the properties: None dropped, lists as JSON, a clashing name as `property_<name>`."""
    attributes = dict(own)
    for name, value in properties.items():
        if value is not None:
            attributes[f"property_{name}" if name in own else name] = _flat_value(value)
    return attributes


def _display_label(node: dict[str, Any]) -> str:
    properties = node.get("properties") or {}
    for name in ("name", "title", "id"):
        if properties.get(name) not in (None, ""):
            return _text(properties[name])
    return ":".join(node.get("labels") or []) + f" {node['key']}"


def _node_id(node: dict[str, Any]) -> str:
    """The knowledge base's id of a node; `engine:<n>` only for a node without one (not a kb entity)."""
    kb_id = (node.get("properties") or {}).get("id")
    return kb_id if isinstance(kb_id, str) and kb_id else f"engine:{node['key']}"


def graph_from_rows(rows: Iterable[dict[str, Any]]) -> nx.MultiDiGraph[str]:
    """Collect every node, relationship and path in the rows into one graph, keyed by kb ids.

    A node's key is its `id` property (`z13:site:A`). Node attributes: `labels` (joined with '; '),
    `label` (name, title or id, for display) and the properties; edge attributes: `type` and the
    properties. An edge's key is `<start>-<TYPE>-><end>`, with `#2`, `#3`… for further edges of one
    type between the same two nodes, in the order of the rows. A relationship whose end node is not
    itself in the rows still brings it in, without attributes, keyed `engine:<n>` since its kb id
    is unknown; return the node too to have it keyed by its id.
    """
    nodes: dict[str, dict[str, Any]] = {}
    rels: dict[str, dict[str, Any]] = {}
    for row in rows:
        for value in _graph_values(list(row.values())):
            if value["element"] == "node":
                nodes.setdefault(value["key"], value)
            elif value["element"] == "relationship":
                rels.setdefault(value["key"], value)
            else:
                for node in value.get("nodes") or []:
                    nodes.setdefault(node["key"], node)
                for rel in value.get("relationships") or []:
                    rels.setdefault(rel["key"], rel)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    ids = {key: _node_id(node) for key, node in nodes.items()}
    for node in nodes.values():
        own = {"labels": LABEL_SEPARATOR.join(node.get("labels") or []), "label": _display_label(node)}
        graph.add_node(ids[node["key"]], **_flat_properties(node.get("properties") or {}, own))
    for rel in rels.values():
        start, end = (ids.get(rel[side], f"engine:{rel[side]}") for side in ("start", "end"))
        base = f"{start}-{rel['type']}->{end}"
        key, n = base, 1
        while graph.has_edge(start, end, key):
            n += 1
            key = f"{base}#{n}"
        graph.add_edge(start, end, key=key, **_flat_properties(rel.get("properties") or {}, {"type": rel["type"]}))
    return graph


def _kind(value: Any) -> type:
    return bool if isinstance(value, bool) else type(value)


def _unify(items: list[dict[str, Any]]) -> None:
    """Give each attribute one type across all items, as GraphML and GEXF declare a type per attribute."""
    kinds: dict[str, set[type]] = {}
    for attributes in items:
        for name, value in attributes.items():
            kinds.setdefault(name, set()).add(_kind(value))
    for attributes in items:
        for name, value in attributes.items():
            if kinds[name] == {int, float}:
                attributes[name] = float(value)
            elif len(kinds[name]) > 1:
                attributes[name] = _item_text(value)


def _writable(attributes: dict[str, Any], reserved: set[str]) -> dict[str, Any]:
    out = {}
    for name, value in attributes.items():
        keep_weight = name == "weight" and _kind(value) in (int, float)
        key = name if keep_weight or name not in reserved else f"kb_{name}"
        out[key] = _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value
    return out


def _writable_graph(
    graph: nx.MultiDiGraph[str], node_reserved: set[str], edge_reserved: set[str]
) -> nx.MultiDiGraph[str]:
    """A copy whose attributes are only str/int/float/bool of one type each, with reserved names renamed."""
    copy: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    nodes = [(node, _writable(data, node_reserved)) for node, data in graph.nodes(data=True)]
    edges = [(u, v, k, _writable(data, edge_reserved)) for u, v, k, data in graph.edges(keys=True, data=True)]
    _unify([data for _, data in nodes])
    _unify([data for *_, data in edges])
    copy.add_nodes_from(nodes)
    copy.add_edges_from(edges)  # type: ignore[arg-type]  # (u, v, key, data): the stubs type only Graph's tuples
    return copy


def to_graphml(graph: nx.MultiDiGraph[str], fh: IO[bytes]) -> None:
    """Write GraphML (binary file or path), with the attribute names GEXF has; the edge id is its key.

    XML turns a carriage return inside text into a line feed.
    """
    writable = _writable_graph(graph, _RESERVED_NODE, _RESERVED_EDGE)
    for *_, data in writable.edges(keys=True, data=True):
        data.setdefault("label", data.get("kb_type"))
    nx.write_graphml(writable, fh)


def to_gexf(graph: nx.MultiDiGraph[str], fh: IO[bytes]) -> None:
    """Write GEXF for Gephi (binary file or path).

    GEXF's own edge `type` means directed or undirected, so a relationship's type is written as
    the edge label (what Gephi shows) and as the attribute `kb_type`; the edge id is the
    relationship's key, as in GraphML.
    """
    writable = _writable_graph(graph, _RESERVED_NODE, _RESERVED_EDGE)
    for *_, key, data in writable.edges(keys=True, data=True):
        data["id"] = key
        data.setdefault("label", data.get("kb_type"))
    nx.write_gexf(writable, fh)


# ---- provenance ----------------------------------------------------------------------------


def _tool_version() -> str:
    try:
        return f"ccg-kb {metadata.version('ccg-kb')}"
    except metadata.PackageNotFoundError:
        return "ccg-kb"


def provenance_record(meta: dict[str, Any]) -> dict[str, Any]:
    """What an export came from, in a fixed order, then any further keys of `meta` unchanged.

    `meta` keys: `name` (a library query) and/or `query` (its name or the Cypher text),
    `parameters`, `engine`, `row_count`, and optionally `exported_at` (else now, in UTC).
    """
    query = meta.get("name") if meta.get("name") is not None else meta.get("query")
    record = {
        "query": query,
        "parameters": meta.get("parameters") or {},
        "engine": meta.get("engine"),
        "exported_at": meta.get("exported_at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "row_count": meta.get("row_count"),
        "tool": _tool_version(),
    }
    if meta.get("query") not in (None, query) and "cypher" not in meta:
        record["cypher"] = meta["query"]
    record.update({key: value for key, value in meta.items() if key not in record and key not in ("name", "query")})
    return record


def provenance_sidecar(meta: dict[str, Any]) -> str:
    """The provenance record as the JSON text of a `<file>.provenance.json` side file."""
    return json.dumps(provenance_record(meta), ensure_ascii=False, indent=2, default=str) + "\n"


# ---- files ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _replacing(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path` and move it into place only when writing succeeded.

    The temporary file is opened normally (not with tempfile.mkstemp) so it gets the user's usual
    permissions rather than owner-only ones.
    """
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it or choose another --out")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "xb") if binary else open(temporary, "x", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_export(
    fmt: str, columns: list[str], rows: list[dict[str, Any]], out_path: str | Path, meta: dict[str, Any]
) -> None:
    """Write `rows` to `out_path` as `fmt` (csv, json, xlsx, graphml, gexf), with its provenance."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    out = Path(out_path)
    record = provenance_record({**meta, "row_count": len(rows), "format": fmt})
    graph = graph_from_rows(rows) if fmt in GRAPH_FORMATS else None
    if graph is not None and graph.number_of_nodes() == 0:
        raise UsageError(f"cannot write {fmt}: the result has no nodes, relationships or paths; use csv, json or xlsx")
    with _replacing(out, binary=fmt in ("xlsx", *GRAPH_FORMATS)) as fh:
        if fmt == "csv":
            to_csv(columns, rows, fh)
        elif fmt == "json":
            to_json(columns, rows, fh)
            fh.write("\n")
        elif fmt == "xlsx":
            to_xlsx(columns, rows, fh, record)
        elif graph is not None:  # graphml or gexf
            (to_graphml if fmt == "graphml" else to_gexf)(graph, fh)
    if fmt != "xlsx":
        with _replacing(out.with_name(out.name + ".provenance.json"), binary=False) as fh:
            fh.write(provenance_sidecar(record))
