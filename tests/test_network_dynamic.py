"""`kb export --dynamic`: every survey wave of a site in one GEXF 1.3 file for Gephi's timeline,
parsed back with networkx (the waves of tests/support/survey_waves.py; their measures are worked out by
hand in tests/test_wave_longitudinal.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from kb import engine
from kb.config import load_config
from kb.errors import UsageError
from kb.gexf import Spell, WaveTime, spells
from kb.network_export import export_site_network
from kb.store import open_store
from loaders.wave.api import load_package
from support.cli import run_kb
from support.survey_waves import CENTRE, LEAF1, LEAF2, LEAF3, LEAF4, SITE, all_waves
from support.survey_waves import first_wave as first

W1, W2, W3 = ("2014-01-01", "2014-03-31"), ("2016-01-01", "2016-03-31"), ("2018-01-01", "2018-02-28")
NS = {"g": "http://gexf.net/1.3"}


@pytest.fixture
def three_waves(store, tmp_path):
    for package in all_waves(tmp_path / "packages"):
        load_package(store, package)
    return store


def test_nodes_and_ties_carry_a_spell_per_wave_they_are_in(three_waves, tmp_path):
    out = tmp_path / "site-a.gexf"
    summary = export_site_network(three_waves, SITE, "gexf", out, dynamic=True)
    assert summary.waves == ("n03-w1", "n03-w2", "n03-w3")
    # Five people; ties: the star's 4, the path's 4 less the two it shares with the star
    # (Leaf 2 -> Centre, Centre -> Leaf 3), and the third wave's Centre -> Leaf 1.
    assert (summary.nodes, summary.edges) == (5, 4 + 2 + 1)
    graph = nx.read_gexf(out, version="1.3")
    assert graph.graph["mode"] == "dynamic"
    assert graph.nodes[CENTRE]["spells"] == [W1, W2, W3]
    assert graph.nodes[LEAF1]["spells"] == [W1, W2, W3]
    assert graph.nodes[LEAF4]["spells"] == [W1, W2]  # not named in the third wave
    assert graph.edges[LEAF1, CENTRE]["spells"] == [W1]  # the star's
    assert graph.edges[CENTRE, LEAF3]["spells"] == [W1, W2]  # the star's and the path's
    assert graph.edges[CENTRE, LEAF1]["spells"] == [W3]
    assert graph.edges[LEAF2, CENTRE]["spells"] == [W1, W2]


def test_each_waves_measures_are_dynamic_attributes(three_waves, tmp_path):
    out = tmp_path / "site-a.gexf"
    export_site_network(three_waves, SITE, "gexf", out, dynamic=True)
    centre = nx.read_gexf(out, version="1.3").nodes[CENTRE]
    # The star's centre (1.0), the path's middle (4 of 6 pairs), one of a pair (0).
    assert centre["betweenness"] == [(1.0, *W1), (pytest.approx(2 / 3), *W2), (0.0, *W3)]
    assert centre["degree"] == [(4, *W1), (2, *W2), (1, *W3)]
    assert (centre["label"], centre["kind"], centre["site"]) == ("Centre", "participant", SITE)
    # Board seats wave by wave: Leaf 2 joins the board in the second wave (and is not in the third).
    leaf2 = nx.read_gexf(out, version="1.3").nodes[LEAF2]
    assert leaf2["board_member"] == [(False, *W1), (True, *W2)]


def test_the_file_follows_the_gexf_13_schema_and_records_its_provenance(three_waves, tmp_path):
    out = tmp_path / "site-a.gexf"
    export_site_network(three_waves, SITE, "gexf", out, dynamic=True)
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("version")) == ("{http://gexf.net/1.3}gexf", "1.3")
    graph = root.find("g:graph", NS)
    assert {k: graph.get(k) for k in ("mode", "timeformat", "timerepresentation", "defaultedgetype")} == {
        "mode": "dynamic",
        "timeformat": "date",
        "timerepresentation": "interval",
        "defaultedgetype": "directed",
    }
    modes = {(a.get("class"), a.get("mode")) for a in graph.findall("g:attributes", NS)}
    assert modes == {("node", "static"), ("node", "dynamic"), ("edge", "dynamic")}
    # A tie's weight per wave (no weight was given: networkx's sum of none is 1 per tie).
    edge = graph.find(f"g:edges/g:edge[@source='{CENTRE}'][@target='{LEAF3}']", NS)
    weights = [(v.get("value"), v.get("start")) for v in edge.findall("g:attvalues/g:attvalue[@for='weight']", NS)]
    assert weights == [("1.0", W1[0]), ("1.0", W2[0])]
    provenance = json.loads((tmp_path / "site-a.gexf.provenance.json").read_text(encoding="utf-8"))
    assert provenance["parameters"] == {"site": SITE, "waves": ["n03-w1", "n03-w2", "n03-w3"], "timeformat": "date"}
    assert provenance["format"] == "gexf (dynamic)"


def test_waves_without_dates_are_numbered_in_order():
    assert spells([WaveTime("a", "2014"), WaveTime("b")]) == ("integer", [Spell("1", "1"), Spell("2", "2")])
    # Overlapping fieldwork cannot be told apart on a timeline of dates either.
    overlapping = [WaveTime("a", "2014-01", "2014-06"), WaveTime("b", "2014-05", "2014-09")]
    assert spells(overlapping)[0] == "integer"
    # A wave without an end lasts to the end of its start's year, month or day.
    assert spells([WaveTime("a", "2014"), WaveTime("b", "2015-02"), WaveTime("c", "2015-03-04")]) == (
        "date",
        [Spell("2014-01-01", "2014-12-31"), Spell("2015-02-01", "2015-02-28"), Spell("2015-03-04", "2015-03-04")],
    )


def test_a_dynamic_export_is_gexf_of_every_wave(store, tmp_path):
    load_package(store, first(tmp_path / "w1"))
    with pytest.raises(UsageError) as refused:
        export_site_network(store, SITE, "graphml", tmp_path / "a.graphml", dynamic=True)
    assert str(refused.value) == "--dynamic writes GEXF (Gephi's timeline); use --format gexf"
    with pytest.raises(UsageError) as refused:
        export_site_network(store, SITE, "gexf", tmp_path / "a.gexf", wave="n03-w1", dynamic=True)
    assert str(refused.value) == "--dynamic holds every wave with ties at the site; leave out --wave"
    assert not Path(tmp_path / "a.gexf").exists()


def test_the_command_writes_the_dynamic_file(tmp_path_factory, tmp_path):
    data_dir = tmp_path_factory.mktemp("dyncli")
    try:
        with open_store(load_config(data_dir=data_dir, env={})) as kb:
            kb.apply_schema()
            for package in all_waves(tmp_path / "packages"):
                load_package(kb, package)
        out = tmp_path / "a.gexf"
        result = run_kb("export", "--site", SITE, "--format", "gexf", "--dynamic", "--out", out, data_dir=data_dir)
        assert result.exit_code == 0, str(result)
        assert f"wrote 5 nodes and 7 ties of {SITE} (waves n03-w1, n03-w2, n03-w3) to {out}" in result.output
        assert nx.read_gexf(out, version="1.3").nodes[CENTRE]["spells"] == [W1, W2, W3]
    finally:
        engine.stop(data_dir)
