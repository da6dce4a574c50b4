"""Exports: safe spreadsheets, faithful JSON, graph files Gephi can open, provenance beside each.

Rows are built by hand in the shapes kb/store/base.py documents, so these tests need no engine.
Expected values follow from the export rules (kb/export.py docstring), not from running the code.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import export
from kb.errors import UsageError
from kb.store.base import node_value, path_value, relationship_value

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
GEXF_NS = {"g": "http://www.gexf.net/1.2draft"}
GRAPHML_NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
UNICODE_TEXT = "Ærø naïve — 東京 ✓ \U0001f600 Ωμέγα"
META = {"query": "initiatives-at-site", "parameters": {"site": "z13:site:A"}, "engine": "falkordb"}

SITE = node_value(1, ["Site"], {"id": "z13:site:A", "name": "Site A", "wave": ["2011", "2014"], "note": None})
HUB = node_value(2, ["Initiative"], {"id": "z13:ini:hub", "name": "Wellbeing Hub", "start": "2012"})
PCT = node_value(3, ["Organisation"], {"id": "z13:org:pct", "name": "PCT"})
AT = relationship_value(10, "AT", 2, 1, {"wave": "2011"})
INVOLVES = relationship_value(11, "INVOLVES", 2, 3, {"type": "lead partner", "weight": 2})
GRAPH_ROWS = [
    {"hub": HUB, "route": path_value([HUB, SITE], [AT]), "partners": [PCT], "ties": {"rel": INVOLVES}},
    {"hub": HUB, "route": None, "partners": [], "ties": {}},
]
GRAPH_COLUMNS = ["hub", "route", "partners", "ties"]


def _write(tmp_path: Path, fmt: str, columns, rows, meta=META) -> Path:
    out = tmp_path / f"result.{fmt}"
    export.write_export(fmt, columns, rows, out, meta)
    return out


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _sheet_rows(path: Path, sheet: str = "results") -> list[list]:
    workbook = openpyxl.load_workbook(path)
    return [[cell.value for cell in row] for row in workbook[sheet].iter_rows()]


# ---- spreadsheet safety ----------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_csv_neutralises_text_that_a_spreadsheet_would_run(tmp_path, trigger):
    text = f'{trigger}HYPERLINK("http://example.org","see")'
    out = _write(tmp_path, "csv", ["note"], [{"note": text}])
    assert _csv_rows(out) == [["note"], ["'" + text]]


@pytest.mark.parametrize("trigger", TRIGGERS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_xlsx_neutralises_text_that_a_spreadsheet_would_run(tmp_path, trigger):
    text = f"{trigger}1+1"
    out = _write(tmp_path, "xlsx", ["note"], [{"note": text}])
    cell = openpyxl.load_workbook(out)["results"]["A2"]
    # Excel breaks lines in a cell with a line feed, so a carriage return is written as one.
    assert (cell.value, cell.data_type) == ("'" + text.replace("\r", "\n"), "s")


def test_numbers_stay_numbers(tmp_path):
    rows = [{"count": -5, "share": -2.5, "text": "-5", "flag": False}]
    columns = ["count", "share", "text", "flag"]
    assert _csv_rows(_write(tmp_path, "csv", columns, rows)) == [columns, ["-5", "-2.5", "'-5", "false"]]
    sheet = openpyxl.load_workbook(_write(tmp_path, "xlsx", columns, rows))["results"]
    assert [(cell.value, cell.data_type) for cell in sheet[2]] == [(-5, "n"), (-2.5, "n"), ("'-5", "s"), (False, "b")]


def test_a_list_cell_never_starts_a_formula(tmp_path):
    # A list is a JSON array, which starts with "[" whatever its first item is.
    out = _write(tmp_path, "csv", ["l"], [{"l": ["-x", "y"]}])
    assert _csv_rows(out)[1] == ['["-x","y"]']


def test_column_names_are_neutralised_too(tmp_path):
    out = _write(tmp_path, "csv", ["=total"], [{"=total": 3}])
    assert _csv_rows(out) == [["'=total"], ["3"]]


def test_text_without_a_trigger_is_written_as_is():
    assert export.neutralise("Site A - east") == "Site A - east"
    assert export.neutralise(" =not first") == " =not first"
    assert export.neutralise("") == ""


# ---- CSV and JSON cells ----------------------------------------------------------------------


def test_csv_writes_lists_and_maps_as_json_and_none_as_empty(tmp_path):
    rows = [{"names": ["Site A", "Site B"], "counts": [1, 2], "map": {"a": 1, "b": [True, None]}, "none": None}]
    out = _write(tmp_path, "csv", ["names", "counts", "map", "none"], rows)
    assert _csv_rows(out)[1] == ['["Site A","Site B"]', "[1,2]", '{"a":1,"b":[true,null]}', ""]


def test_a_list_item_holding_the_old_separator_reads_back_whole(tmp_path):
    items = ["Tables 2; 3", "Box 1"]
    out = _write(tmp_path, "csv", ["l"], [{"l": items}])
    assert json.loads(_csv_rows(out)[1][0]) == items
    assert _sheet_rows(_write(tmp_path, "xlsx", ["l"], [{"l": items}]))[1] == ['["Tables 2; 3","Box 1"]']


def test_csv_writes_graph_values_as_compact_json(tmp_path):
    out = _write(tmp_path, "csv", ["hub"], [{"hub": HUB}])
    assert json.loads(_csv_rows(out)[1][0]) == HUB
    assert ", " not in _csv_rows(out)[1][0]


def test_json_is_one_object_per_row_in_column_order_with_graph_values_as_dicts(tmp_path):
    out = _write(tmp_path, "json", GRAPH_COLUMNS, GRAPH_ROWS)
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records == GRAPH_ROWS
    assert list(records[0]) == GRAPH_COLUMNS


def test_json_fills_a_missing_column_with_null():
    buffer = io.StringIO()
    export.to_json(["a", "b"], [{"a": 1}], buffer)
    assert json.loads(buffer.getvalue()) == [{"a": 1, "b": None}]


# ---- unicode round trips ---------------------------------------------------------------------

_any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_xml_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from("\t\n"),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(_any_text, min_size=1, max_size=4))
def test_csv_round_trips_any_text(values):
    columns = [f"c{i}" for i in range(len(values))]
    buffer = io.StringIO(newline="")
    export.to_csv(columns, [dict(zip(columns, values, strict=True))], buffer)
    buffer.seek(0)
    assert list(csv.reader(buffer))[1] == [export.neutralise(value) for value in values]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_any_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(value=_json_values)
def test_json_round_trips_values(value):
    buffer = io.StringIO()
    export.to_json(["v"], [{"v": value}], buffer)
    assert json.loads(buffer.getvalue()) == [{"v": value}]


@settings(max_examples=30, deadline=None)
@given(text=_xml_text)
def test_xlsx_round_trips_text(text):
    buffer = io.BytesIO()
    export.to_xlsx(["v"], [{"v": text}], buffer, {"query": "q"})
    buffer.seek(0)
    value = openpyxl.load_workbook(buffer)["results"]["A2"].value
    assert (value or "") == export.neutralise(text)


def test_unicode_survives_every_format(tmp_path):
    node = node_value(5, ["Site"], {"id": "s17:case:C", "name": UNICODE_TEXT})
    rows = [{"site": node, "text": UNICODE_TEXT}]
    assert _csv_rows(_write(tmp_path, "csv", ["site", "text"], rows))[1][1] == UNICODE_TEXT
    assert json.loads(_write(tmp_path, "json", ["site", "text"], rows).read_text(encoding="utf-8")) == rows
    assert _sheet_rows(_write(tmp_path, "xlsx", ["site", "text"], rows))[1][1] == UNICODE_TEXT
    assert nx.read_graphml(_write(tmp_path, "graphml", ["site"], rows)).nodes["s17:case:C"]["name"] == UNICODE_TEXT
    assert nx.read_gexf(_write(tmp_path, "gexf", ["site"], rows)).nodes["s17:case:C"]["label"] == UNICODE_TEXT


def test_characters_xml_cannot_hold_are_replaced_in_xlsx(tmp_path):
    out = _write(tmp_path, "xlsx", ["t"], [{"t": "bell\x07here"}])
    assert _sheet_rows(out)[1] == ["bell\ufffdhere"]


# ---- graphs ----------------------------------------------------------------------------------


SITE_ID, HUB_ID, PCT_ID = "z13:site:A", "z13:ini:hub", "z13:org:pct"
AT_KEY, INVOLVES_KEY = f"{HUB_ID}-AT->{SITE_ID}", f"{HUB_ID}-INVOLVES->{PCT_ID}"


def test_graph_from_rows_collects_nodes_and_relationships_from_paths_lists_and_maps():
    graph = export.graph_from_rows(GRAPH_ROWS)
    assert sorted(graph.nodes) == [HUB_ID, PCT_ID, SITE_ID]  # kb ids, never the engine's 1, 2, 3
    assert sorted(graph.edges(keys=True)) == [(HUB_ID, PCT_ID, INVOLVES_KEY), (HUB_ID, SITE_ID, AT_KEY)]
    assert graph.nodes[SITE_ID] == {
        "labels": "Site",
        "label": "Site A",
        "id": "z13:site:A",
        "name": "Site A",
        "wave": '["2011","2014"]',
    }
    assert graph.edges[HUB_ID, PCT_ID, INVOLVES_KEY] == {
        "type": "INVOLVES",
        "property_type": "lead partner",
        "weight": 2,
    }


def test_graph_from_rows_keeps_several_labels_and_keys_a_node_without_an_id_by_the_engine():
    node = node_value(9, ["Participant", "Author"], {"role": "GP"})
    assert export.graph_from_rows([{"n": node}]).nodes["engine:9"] == {
        "labels": "Participant; Author",
        "label": "Participant:Author 9",
        "role": "GP",
    }


def test_parallel_relationships_of_one_type_get_numbered_keys():
    first = relationship_value(20, "HAS_TIES", 1, 3, {"wave": "2011"})
    second = relationship_value(21, "HAS_TIES", 1, 3, {"wave": "2014"})
    graph = export.graph_from_rows([{"s": SITE, "o": PCT, "r": [first, second]}])
    base = f"{SITE_ID}-HAS_TIES->{PCT_ID}"
    assert [(k, d["wave"]) for *_, k, d in graph.edges(keys=True, data=True)] == [(base, "2011"), (base + "#2", "2014")]


def test_an_end_node_outside_the_rows_is_keyed_by_the_engine():
    graph = export.graph_from_rows([{"r": AT}])
    assert sorted(graph.nodes) == ["engine:1", "engine:2"]


@pytest.mark.parametrize("element", ["node", "edge"])
def test_graphml_and_gexf_carry_the_same_attribute_names(tmp_path, element):
    graphml = nx.read_graphml(_write(tmp_path, "graphml", GRAPH_COLUMNS, GRAPH_ROWS), force_multigraph=True)
    gexf = nx.read_gexf(_write(tmp_path, "gexf", GRAPH_COLUMNS, GRAPH_ROWS))
    assert sorted(graphml.nodes) == sorted(gexf.nodes) == [HUB_ID, PCT_ID, SITE_ID]
    if element == "node":
        for node in graphml:
            assert graphml.nodes[node] == gexf.nodes[node]
    else:
        gexf_edges = {data["id"]: {k: v for k, v in data.items() if k != "id"} for *_, data in gexf.edges(data=True)}
        graphml_edges = {key: data for *_, key, data in graphml.edges(keys=True, data=True)}
        assert graphml_edges == gexf_edges
        assert graphml_edges[INVOLVES_KEY] == {
            "kb_type": "INVOLVES",
            "label": "INVOLVES",
            "property_type": "lead partner",
            "weight": 2,
        }


def test_graphml_reads_back_with_networkx(tmp_path):
    graph = nx.read_graphml(_write(tmp_path, "graphml", GRAPH_COLUMNS, GRAPH_ROWS))
    assert sorted(graph.nodes) == [HUB_ID, PCT_ID, SITE_ID]
    # `id` and `start` are written as kb_* in GraphML as in GEXF, so one name means one thing in both.
    assert graph.nodes[HUB_ID] == {
        "labels": "Initiative",
        "label": "Wellbeing Hub",
        "kb_id": "z13:ini:hub",
        "name": "Wellbeing Hub",
        "kb_start": "2012",
    }
    assert sorted((u, v, data["kb_type"]) for u, v, data in graph.edges(data=True)) == [
        (HUB_ID, PCT_ID, "INVOLVES"),
        (HUB_ID, SITE_ID, "AT"),
    ]


def test_graphml_xml_declares_typed_attributes_and_keeps_relationship_keys(tmp_path):
    root = ET.parse(_write(tmp_path, "graphml", GRAPH_COLUMNS, GRAPH_ROWS)).getroot()
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iterfind("g:key", GRAPHML_NS)}
    assert keys[("node", "name")] == "string"
    assert keys[("edge", "kb_type")] == "string"
    assert keys[("edge", "weight")] == "long"
    edges = {e.get("id"): (e.get("source"), e.get("target")) for e in root.iterfind("g:graph/g:edge", GRAPHML_NS)}
    assert edges == {AT_KEY: (HUB_ID, SITE_ID), INVOLVES_KEY: (HUB_ID, PCT_ID)}


def test_gexf_reads_back_with_networkx(tmp_path):
    graph = nx.read_gexf(_write(tmp_path, "gexf", GRAPH_COLUMNS, GRAPH_ROWS))
    assert sorted(graph.nodes) == [HUB_ID, PCT_ID, SITE_ID]
    # GEXF gives `id` and `start` meanings of its own, so those properties come back as kb_*.
    assert graph.nodes[HUB_ID] == {
        "label": "Wellbeing Hub",
        "labels": "Initiative",
        "kb_id": "z13:ini:hub",
        "name": "Wellbeing Hub",
        "kb_start": "2012",
    }
    involves = graph.edges[HUB_ID, PCT_ID]  # without parallel edges networkx reads GEXF as a DiGraph
    assert (involves["id"], involves["label"], involves["kb_type"]) == (INVOLVES_KEY, "INVOLVES", "INVOLVES")
    assert (involves["property_type"], involves["weight"]) == ("lead partner", 2)


def test_gexf_xml_is_what_gephi_expects(tmp_path):
    root = ET.parse(_write(tmp_path, "gexf", GRAPH_COLUMNS, GRAPH_ROWS)).getroot()
    graph = root.find("g:graph", GEXF_NS)
    assert graph.get("defaultedgetype") == "directed"
    nodes = {n.get("id"): n.get("label") for n in graph.iterfind("g:nodes/g:node", GEXF_NS)}
    assert nodes == {SITE_ID: "Site A", HUB_ID: "Wellbeing Hub", PCT_ID: "PCT"}
    edges = {
        e.get("id"): (e.get("source"), e.get("target"), e.get("label"), e.get("type"))
        for e in graph.iterfind("g:edges/g:edge", GEXF_NS)
    }
    # GEXF's own `type` attribute means directed/undirected: it must not carry "AT".
    assert edges == {AT_KEY: (HUB_ID, SITE_ID, "AT", None), INVOLVES_KEY: (HUB_ID, PCT_ID, "INVOLVES", None)}
    allowed = {"string", "long", "integer", "double", "float", "boolean"}
    assert {a.get("type") for a in graph.iterfind("g:attributes/g:attribute", GEXF_NS)} <= allowed


def test_an_attribute_of_mixed_types_is_written_as_text(tmp_path):
    rows = [{"a": node_value(1, ["Wave"], {"year": 2014}), "b": node_value(2, ["Wave"], {"year": "2016a"})}]
    graph = nx.read_graphml(_write(tmp_path, "graphml", ["a", "b"], rows))
    assert (graph.nodes["engine:1"]["year"], graph.nodes["engine:2"]["year"]) == ("2014", "2016a")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_graph_format_needs_graph_values(tmp_path, fmt):
    with pytest.raises(UsageError) as caught:
        _write(tmp_path, fmt, ["name"], [{"name": "Site A"}])
    assert str(caught.value) == (
        f"cannot write {fmt}: the result has no nodes, relationships or paths; use csv, json or xlsx"
    )
    assert list(tmp_path.iterdir()) == []


# ---- provenance and files --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "graphml", "gexf"])
def test_a_provenance_file_sits_beside_the_export(tmp_path, fmt):
    before = datetime.now(UTC).replace(microsecond=0)
    out = _write(tmp_path, fmt, GRAPH_COLUMNS, GRAPH_ROWS)
    record = json.loads((tmp_path / f"result.{fmt}.provenance.json").read_text(encoding="utf-8"))
    assert {k: record[k] for k in ("query", "parameters", "engine", "row_count", "format")} == {
        "query": "initiatives-at-site",
        "parameters": {"site": "z13:site:A"},
        "engine": "falkordb",
        "row_count": 2,
        "format": fmt,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["exported_at"])
    exported = datetime.strptime(record["exported_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= exported <= before + timedelta(minutes=1)
    assert out.exists()


def test_xlsx_carries_provenance_on_its_own_sheet(tmp_path):
    out = _write(tmp_path, "xlsx", ["n"], [{"n": 1}, {"n": 2}], {**META, "parameters": {"site": "=cmd"}})
    fields = {row[0]: row[1] for row in _sheet_rows(out, "provenance")[1:]}
    assert fields["query"] == "initiatives-at-site"
    assert fields["parameters"] == '{"site":"=cmd"}'
    assert (fields["engine"], fields["row_count"], fields["format"]) == ("falkordb", 2, "xlsx")
    assert not (tmp_path / "result.xlsx.provenance.json").exists()


def test_provenance_keeps_the_cypher_text_of_a_named_query():
    record = json.loads(export.provenance_sidecar({"name": "q1", "query": "MATCH (n) RETURN n", "engine": "neo4j"}))
    assert (record["query"], record["cypher"], record["parameters"]) == ("q1", "MATCH (n) RETURN n", {})


def test_an_unknown_format_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as caught:
        _write(tmp_path, "pdf", ["n"], [{"n": 1}])
    assert str(caught.value) == "unknown export format 'pdf'; use one of csv, json, xlsx, graphml, gexf"


def test_a_missing_folder_is_a_usage_error(tmp_path):
    out = tmp_path / "nowhere" / "result.csv"
    with pytest.raises(UsageError) as caught:
        export.write_export("csv", ["n"], [{"n": 1}], out, META)
    assert str(caught.value) == (
        f"cannot write {out}: folder {out.parent} does not exist; create it or choose another --out"
    )


class _Unprintable:
    def __str__(self) -> str:
        raise ValueError("this value cannot be written")


def test_a_failed_export_leaves_the_previous_file_untouched(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError, match="this value cannot be written"):
        export.write_export("json", ["n"], [{"n": 1}, {"n": _Unprintable()}], out, META)
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_text_longer_than_an_excel_cell_is_cut_with_a_note(tmp_path):
    out = _write(tmp_path, "xlsx", ["t"], [{"t": "x" * 40_000}])
    value = _sheet_rows(out)[1][0]
    assert len(value) == 32_767
    assert value.endswith("… [cut: 40000 characters are more than an Excel cell holds; export csv or json for all]")
