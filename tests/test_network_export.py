"""`kb export`: a site's survey network from the knowledge base as GEXF / GraphML, parsed back.

Uses the n01-survey fixture (see tests/test_network_measures.py for its shape): Site A's network is
the star Centre - Leaf 1, Leaf 2, Leaf 3, PCT, with 4 directed ties.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kb import engine
from kb.config import load_config
from kb.errors import NotFound, UsageError
from kb.network_export import export_site_network
from kb.store import open_store
from loaders.wave.api import load_package
from support.cli import run_kb
from support.paths import WAVE_FIXTURES

FIXTURE = WAVE_FIXTURES / "n01-survey"
SITE_A = "n01:site:a"
CENTRE, LEAF1, LEAF2, LEAF3, PCT = (
    "n01:person:centre",
    "n01:person:leaf1",
    "n01:person:leaf2",
    "n01:person:leaf3",
    "n01:org:pct",
)
GEXF_NS = {"g": "http://www.gexf.net/1.2draft"}


@pytest.fixture
def loaded(store):
    load_package(store, FIXTURE)
    return store


def test_gexf_has_the_star_with_its_measures(loaded, tmp_path):
    out = tmp_path / "site-a.gexf"
    summary = export_site_network(loaded, SITE_A, "gexf", out)
    assert (summary.nodes, summary.edges) == (5, 4)
    graph = nx.read_gexf(out)
    assert set(graph.nodes) == {CENTRE, LEAF1, LEAF2, LEAF3, PCT}  # Quiet member has no tie; B's tie is B's
    assert set(graph.edges) == {(LEAF1, CENTRE), (LEAF2, CENTRE), (CENTRE, LEAF3), (CENTRE, PCT)}
    centre = graph.nodes[CENTRE]
    assert (centre["label"], centre["kind"], centre["group"], centre["site"]) == ("Centre", "participant", "gp", SITE_A)
    assert (centre["degree"], centre["betweenness"], centre["closeness"], centre["brokerage_total"]) == (4, 1.0, 1.0, 4)
    assert (centre["in_degree"], centre["out_degree"], centre["board_member"]) == (2, 2, True)
    assert graph.nodes[PCT]["kind"] == "organisation" and graph.nodes[PCT]["group"] == "n01:orgtype:pct"
    assert graph.nodes[LEAF3]["closeness"] == pytest.approx(4 / 7)
    assert graph.edges[CENTRE, PCT]["relations"] == "knowledge" and graph.edges[CENTRE, PCT]["weight"] == 0.5


def test_graphml_and_gexf_key_nodes_by_kb_id_with_the_same_attributes(loaded, tmp_path):
    export_site_network(loaded, SITE_A, "gexf", tmp_path / "a.gexf")
    export_site_network(loaded, SITE_A, "graphml", tmp_path / "a.graphml")
    gexf, graphml = nx.read_gexf(tmp_path / "a.gexf"), nx.read_graphml(tmp_path / "a.graphml")
    assert set(gexf.nodes) == set(graphml.nodes) == {CENTRE, LEAF1, LEAF2, LEAF3, PCT}
    for node in graphml:
        assert gexf.nodes[node] == graphml.nodes[node]
    for start, end in graphml.edges:
        # GEXF readers add the edge's own id; the attributes it was written with are GraphML's.
        assert {k: v for k, v in gexf.edges[start, end].items() if k != "id"} == graphml.edges[start, end]


def test_gexf_is_plain_gexf_12_with_declared_attributes(loaded, tmp_path):
    out = tmp_path / "site-a.gexf"
    export_site_network(loaded, SITE_A, "gexf", out)
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.gexf.net/1.2draft}gexf"
    declared = {
        a.get("title"): a.get("type") for a in root.findall("g:graph/g:attributes[@class='node']/g:attribute", GEXF_NS)
    }
    assert {
        "betweenness": "double",
        "closeness": "double",
        "degree": "long",
        "board_member": "boolean",
    }.items() <= declared.items()
    ids = sorted(node.get("id") for node in root.findall("g:graph/g:nodes/g:node", GEXF_NS))
    assert ids == sorted([CENTRE, LEAF1, LEAF2, LEAF3, PCT])
    assert root.find("g:graph", GEXF_NS).get("defaultedgetype") == "directed"
    provenance = json.loads((tmp_path / "site-a.gexf.provenance.json").read_text(encoding="utf-8"))
    assert (provenance["query"], provenance["parameters"], provenance["format"]) == (
        "network export",
        {"site": SITE_A, "wave": "n01-w1"},  # the latest wave with ties at the site
        "gexf",
    )


def test_graphml_of_one_wave(loaded, tmp_path):
    out = tmp_path / "site-a.graphml"
    export_site_network(loaded, SITE_A, "graphml", out, wave="n01-w1")
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 4
    assert graph.nodes[LEAF1]["betweenness"] == 0.0 and graph.nodes[CENTRE]["brokerage_total"] == 4


@pytest.mark.parametrize(
    "site, wave, fmt, error, message",
    [
        (
            "n01:site:x",
            None,
            "gexf",
            NotFound,
            "site 'n01:site:x' is not in the knowledge base; give a site id such as z13:site:A "
            "(`kb query compare_sites` lists them)",
        ),
        (
            SITE_A,
            "n01-w9",
            "gexf",
            NotFound,
            "wave 'n01-w9' has no survey network for n01:site:a; its survey waves are n01-w1",
        ),
        ("n01:site:a", None, "csv", UsageError, "unknown network format 'csv'; use one of gexf, graphml"),
    ],
)
def test_bad_requests_are_refused_with_one_line(loaded, tmp_path, site, wave, fmt, error, message):
    with pytest.raises(error) as caught:
        export_site_network(loaded, site, fmt, tmp_path / "out.gexf", wave=wave)
    assert str(caught.value) == message
    assert not (tmp_path / "out.gexf").exists()


def test_a_site_without_ties_is_not_exported(store, tmp_path):
    store.write("CREATE (s:Site {id: 'n01:site:c', name: 'Site C'})")
    with pytest.raises(NotFound) as caught:
        export_site_network(store, "n01:site:c", "gexf", tmp_path / "out.gexf")
    assert str(caught.value) == "no survey network is loaded for n01:site:c; load a wave with advice_ties.csv"


def test_a_missing_folder_is_a_usage_error(loaded, tmp_path):
    with pytest.raises(UsageError) as caught:
        export_site_network(loaded, SITE_A, "gexf", tmp_path / "nowhere" / "out.gexf")
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'nowhere' / 'out.gexf'}: folder {tmp_path / 'nowhere'} "
        "does not exist; create it or choose another --out"
    )


@pytest.fixture
def cli_data_dir(tmp_path_factory):
    """A data directory whose default knowledge base holds the fixture, as `kb export` opens it."""
    path = tmp_path_factory.mktemp("netcli")
    kb = open_store(load_config(data_dir=path, env={}))
    kb.apply_schema()
    load_package(kb, FIXTURE)
    kb.close()
    yield path
    engine.stop(path)


def test_the_command_writes_the_file(cli_data_dir, tmp_path):
    out = tmp_path / "a.graphml"
    result = run_kb("export", "--site", SITE_A, "--format", "graphml", "--out", out, data_dir=cli_data_dir)
    assert result.exit_code == 0, str(result)
    assert f"wrote 5 nodes and 4 ties of {SITE_A} (wave n01-w1) to {out}" in result.output
    assert nx.read_graphml(out).nodes[CENTRE]["betweenness"] == 1.0
    missing = run_kb("export", "--site", "n01:site:x", "--out", out, data_dir=cli_data_dir)
    assert (missing.exit_code, missing.stdout) == (NotFound.exit_code, "")
    assert missing.error_lines == [
        "error: site 'n01:site:x' is not in the knowledge base; give a site id such as z13:site:A "
        "(`kb query compare_sites` lists them)"
    ]
