"""The app's building blocks that need no running app: downloads, graph elements, table cells, password."""

from __future__ import annotations

import io
import json
import os

import networkx as nx
import pytest
from openpyxl import load_workbook

from kb import schema
from kb.store.base import node_value, path_value, relationship_value
from ui import auth, data, downloads, graph, results, tables

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
    # Ids are the names people read; "<" and ">" become look-alikes the side panel cannot take as HTML.
    assert set(nodes) == {"Site A", "The PCT", "Pathway ‹groups›"}
    assert nodes["Site A"]["label"] == "Site"
    edges = {(e["data"]["source"], e["data"]["label"], e["data"]["target"]) for e in elements["edges"]}
    assert edges == {("The PCT", "in the network of", "Site A"), ("Pathway ‹groups›", "at", "Site A")}


def test_node_details_are_plain_words_without_ids_and_escaped():
    evidence = node_value(
        5,
        ["Evidence"],
        {"id": "z13:ev:005", "text": "We <b>met</b> weekly with the practices in our locality", "locator": "p. 12"},
    )
    (node,) = graph.elements_from_rows([{"e": evidence}])["nodes"]
    data = node["data"]
    assert data["label"] == "Piece of evidence"
    assert data["id"] == "We ‹b›met‹/b› weekly with the practices…"  # its first 39 characters
    assert data["Source"] == "p. 12"
    assert data["Text"].startswith("We &lt;b&gt;met")
    assert "z13:ev:005" not in json.dumps(data)
    assert not any(key.startswith("p_") or key in ("caption", "key") for key in data)


def test_two_nodes_with_one_name_get_distinct_ids():
    twins = [node_value(1, ["Participant"], {"name": "GP"}), node_value(2, ["Participant"], {"name": "GP"})]
    ids = [n["data"]["id"] for n in graph.elements_from_rows([{"a": twins[0], "b": twins[1]}])["nodes"]]
    assert ids == ["GP", "GP (2)"]


def test_the_same_selection_is_always_laid_out_the_same_and_another_gets_a_new_drawing():
    first, again = graph.elements_from_rows(graph_rows()), graph.elements_from_rows(graph_rows())
    assert [n["position"] for n in first["nodes"]] == [n["position"] for n in again["nodes"]]
    # Every node has its own place (no pile-up at one point), and the layout is one the canvas fits.
    places = {(n["position"]["x"], n["position"]["y"]) for n in first["nodes"]}
    assert len(places) == len(first["nodes"])
    assert graph.LAYOUT["name"] == "preset" and graph.LAYOUT["fit"] is True
    other = graph.elements_from_rows(graph_rows()[:1])
    assert graph.fingerprint(first) == graph.fingerprint(again) != graph.fingerprint(other)


def test_every_label_of_the_schema_has_its_own_colour():
    colours = [graph.label_colour(name) for name in schema.label_names()]
    assert len(set(colours)) == len(colours)
    assert graph.FALLBACK_COLOUR not in colours


def test_legend_escapes_what_it_shows():
    assert "&lt;b&gt;" in graph.legend_html(["<b>"])
    assert graph.kind_colour("Person") == graph.label_colour("Participant")


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


def test_table_frame_keeps_numbers_with_unknowns_as_numbers():
    rows = [{"total": 16, "share": 0.5}, {"total": None, "share": None}, {"total": 9, "share": 2}]
    frame = results.table_frame(["total", "share"], rows)
    # Whole numbers stay integers (not 16.0), fractions floats; the unknown is missing, not 0 or "".
    assert frame["total"].dtype == "Int64" and frame["share"].dtype == "Float64"
    assert frame["total"].isna().tolist() == [False, True, False]
    assert frame["total"].sort_values().dropna().tolist() == [9, 16]  # sorted as numbers: "16" < "9" as text
    assert frame["total"].sum() == 25 and frame["share"].sum() == 2.5


def test_password_matches_only_the_exact_password():
    assert auth.password_matches("s3cret ünïcode", "s3cret ünïcode")
    assert not auth.password_matches("s3cret", "s3cret ")
    assert not auth.password_matches("", "s3cret")


def test_the_column_naming_the_rows_comes_first_and_stays_pinned():
    columns = ["study", "site", "wave", "name", "gps", "total"]
    rows = [{"study": "z13", "site": "z13:site:B", "wave": "z13-2011", "name": "Site B", "gps": 6, "total": 16}]
    shown = results.shown_columns(columns, rows)
    assert shown[0] == "name" and "site" not in shown  # the site's id column is hidden, its name leads
    config = tables.column_config(columns)
    assert [c for c in columns if config[c].get("pinned")] == ["name"]
    assert tables.row_name(["work", "title", "year"]) == "title"
    assert tables.row_name(["gps", "total"]) is None


def test_the_apps_config_follows_its_environment_and_config_file(tmp_path, monkeypatch):
    from ui import data

    for variable in ("KB_CONFIG", "KB_URI", "NEO4J_URI", "KB_MAX_ROWS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "one"))
    assert data.app_config().data_dir == (tmp_path / "one").resolve()
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "two"))
    assert data.app_config().data_dir == (tmp_path / "two").resolve()
    # A relative data directory is resolved in the working directory of the run.
    monkeypatch.setenv("KB_DATA_DIR", "kb")
    monkeypatch.chdir(tmp_path)
    assert data.app_config().data_dir == (tmp_path / "kb").resolve()
    # An edited config file is read again (its modification time changed).
    config_file = tmp_path / "kb.toml"
    config_file.write_text("[kb]\nmax_rows = 10\n")
    os.utime(config_file, (1_000_000, 1_000_000))
    monkeypatch.setenv("KB_CONFIG", str(config_file))
    assert data.app_config().max_rows == 10
    config_file.write_text("[kb]\nmax_rows = 20\n")
    os.utime(config_file, (2_000_000, 2_000_000))
    assert data.app_config().max_rows == 20


def test_sites_of_one_study_are_named_alone():
    # One study's sites need no study to tell them apart; a site without a name shows its id.
    sites = [("z13:site:A", "Site A", "z13"), ("z13:site:B", None, "z13"), ("z13:site:C", float("nan"), "z13")]
    assert data.site_labels(sites) == {"z13:site:A": "Site A", "z13:site:B": "z13:site:B", "z13:site:C": "z13:site:C"}
