"""The app's building blocks that need no running app: downloads, graph elements, table cells, password."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from openpyxl import load_workbook

from kb import schema
from kb.store.base import node_value, path_value, relationship_value
from ui import auth, downloads, graph, results

SITE = node_value(1, ["Site"], {"id": "z13:site:A", "name": "Site A"})
ORG = node_value(2, ["Organisation"], {"id": "z13:org:pct", "name": "The PCT"})
INITIATIVE = node_value(3, ["Initiative"], {"id": "z13:init:x", "name": "Pathway <groups>"})
IN_NETWORK = relationship_value(10, "IN_NETWORK", 2, 1, {"wave": "z13-2011"})
AT = relationship_value(11, "AT", 3, 1, {})
DANGLING = relationship_value(12, "INVOLVES", 3, 99, {})  # node 99 is not in the result
LIBRARY_META = {
    "query": "neighbourhood",
    "cypher": "MATCH ...",
    "parameters": {"id": "z13:site:A"},
    "engine": "falkordb",
}


def graph_rows():
    return [
        {"path": path_value([ORG, SITE], [IN_NETWORK]), "hops": 1},
        {"path": path_value([INITIATIVE, SITE], [AT]), "hops": 1},
        {"path": DANGLING, "hops": 1},
    ]


def test_csv_download_neutralises_formulas_and_keeps_numbers():
    rows = [{"name": '=HYPERLINK("http://x")', "count": -5}, {"name": "@SUM(A1)", "count": 3}]
    text = downloads.export_bytes("csv", ["name", "count"], rows, LIBRARY_META).decode("utf-8")
    assert text.splitlines() == ["name,count", '"\'=HYPERLINK(""http://x"")",-5', "'@SUM(A1),3"]


def test_excel_download_carries_its_provenance_on_a_sheet():
    data = downloads.export_bytes("xlsx", ["name"], [{"name": "+1 and more"}], LIBRARY_META)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["results", "provenance"]
    assert book["results"]["A2"].value == "'+1 and more"
    provenance = {row[0].value: row[1].value for row in book["provenance"].iter_rows(min_row=2)}
    assert provenance["query"] == "neighbourhood"
    assert json.loads(provenance["parameters"]) == {"id": "z13:site:A"}
    assert provenance["row_count"] == 1


def test_json_download_keeps_text_exactly():
    rows = [{"name": "=not a formula here"}]
    assert json.loads(downloads.export_bytes("json", ["name"], rows, LIBRARY_META)) == rows


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_downloads_hold_every_node_and_relationship(fmt, reader):
    data = downloads.export_bytes(fmt, ["path", "hops"], graph_rows(), LIBRARY_META)
    read = reader(io.BytesIO(data))
    # Three nodes returned, plus node 99 that the dangling relationship brings in without attributes.
    assert read.number_of_nodes() == 4
    assert read.number_of_edges() == 3


def test_provenance_side_file_names_query_parameters_and_engine():
    record = json.loads(downloads.provenance_bytes(LIBRARY_META, [{"a": 1}, {"a": 2}]))
    assert (record["query"], record["parameters"], record["engine"], record["row_count"]) == (
        "neighbourhood",
        {"id": "z13:site:A"},
        "falkordb",
        2,
    )
    assert record["cypher"] == "MATCH ..."


def test_file_names_come_from_the_query_name_or_say_cypher():
    assert downloads.file_stem(LIBRARY_META) == "neighbourhood"
    assert downloads.file_stem({"query": "MATCH (n) RETURN n", "parameters": {}}) == "cypher"


def test_graph_elements_draw_each_node_once_and_only_relationships_between_drawn_nodes():
    elements = graph.elements_from_rows(graph_rows())
    nodes = {n["data"]["id"]: n["data"] for n in elements["nodes"]}
    # Nodes are keyed by their kb ids (kb.export.graph_from_rows), which the element ids carry.
    site, org, initiative = "nz13:site:A", "n" + ORG["properties"]["id"], "nz13:init:x"
    assert set(nodes) == {site, org, initiative}
    assert (nodes[site]["label"], nodes[site]["caption"]) == ("Site", "Site A")
    edges = {(e["data"]["source"], e["data"]["label"], e["data"]["target"]) for e in elements["edges"]}
    assert edges == {(org, "IN_NETWORK", site), (initiative, "AT", site)}


def test_every_label_of_the_schema_has_its_own_colour():
    colours = [graph.label_colour(name) for name in schema.label_names()]
    assert len(set(colours)) == len(colours)
    assert graph.FALLBACK_COLOUR not in colours


def test_legend_escapes_what_it_shows():
    assert "&lt;b&gt;" in graph.legend_html(["<b>"])


def test_rows_without_graph_values_draw_nothing():
    assert not graph.has_graph_values([{"name": "Site A", "count": 3}])
    assert graph.has_graph_values(graph_rows())


def test_table_cells_show_graph_values_as_short_text():
    assert results.cell_text(SITE) == "(Site Site A)"
    assert results.cell_text(AT) == "[:AT]"
    assert results.cell_text(path_value([ORG, SITE], [IN_NETWORK])) == "(Organisation The PCT) → (Site Site A)"
    assert results.cell_text(["gp", "nurse"]) == "gp; nurse"
    assert results.cell_text({"a": 1}) == '{"a": 1}'
    assert results.cell_text(7) == 7


def test_table_frame_turns_a_column_of_mixed_types_into_text():
    frame = results.table_frame(["value"], [{"value": 1}, {"value": "strong"}, {"value": None}])
    assert list(frame["value"]) == ["1", "strong", ""]


def test_password_matches_only_the_exact_password():
    assert auth.password_matches("s3cret ünïcode", "s3cret ünïcode")
    assert not auth.password_matches("s3cret", "s3cret ")
    assert not auth.password_matches("", "s3cret")
