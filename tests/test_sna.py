"""Network measures against hand computation and networkx, and a Gephi-readable export."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kb.sna import (Brokerage, NetworkNode, SiteNetwork, TieRow, brokerage_roles, build_network, groups_bridged,
                    node_measures, nodes_from_rows, site_summaries, site_summary, ties_from_rows, write_gexf,
                    write_graphml)
from loaders.survey import SurveyTie

PCT_TYPE, ACUTE_TYPE, LA_TYPE = "vocab:orgtype:pct", "vocab:orgtype:acute", "vocab:orgtype:la"


def tie(respondent, alter, alter_type="participant", relation="advice", weight=None, wave=None) -> SurveyTie:
    return SurveyTie(respondent, alter, alter_type, relation, weight, wave, "test")


def board_member(node_id, role, site="A") -> NetworkNode:
    return NetworkNode(node_id, "participant", role, site, True, node_id.upper())


@pytest.fixture
def site_a():
    """Three board members (two GPs, a PCT employee) and their contacts outside the board.

    Undirected: b1-b2, b1-b3, b1-PCT, b2-PCT, b2-ACUTE, b3-LA, b3-p4 (p4: a GP not on the board).
    """
    nodes = [board_member("b1", "gp"), board_member("b2", "gp"), board_member("b3", "pct_employee"),
             NetworkNode("p4", "participant", "gp", "A", False),
             NetworkNode("pct", "organisation", PCT_TYPE), NetworkNode("acute", "organisation", ACUTE_TYPE),
             NetworkNode("la", "organisation", LA_TYPE)]
    ties = [tie("b1", "b2"), tie("b2", "b1"), tie("b1", "b3"), tie("b1", "pct", "organisation"),
            tie("b2", "pct", "organisation"), tie("b2", "acute", "organisation"), tie("b3", "la", "organisation"),
            tie("b3", "p4")]
    return build_network(ties, nodes)


def test_hand_computed_centrality(site_a):
    measures = node_measures(site_a)
    # b3 alone links LA and p4 to the other five nodes: 9 of the 15 pairs that exclude b3.
    assert measures["b3"].betweenness == pytest.approx(9 / 15)
    # b1 is on every shortest path from {b3, LA, p4} to {b2, PCT, ACUTE}: 9 of 15.
    assert measures["b1"].betweenness == pytest.approx(9 / 15)
    # b2 is on every shortest path from ACUTE to the five others: 5 of 15.
    assert measures["b2"].betweenness == pytest.approx(5 / 15)
    assert measures["pct"].betweenness == 0.0
    # b1 reaches b2, b3, PCT in one step and ACUTE, LA, p4 in two: 6 / 9.
    assert measures["b1"].closeness == pytest.approx(6 / 9)
    assert (measures["b1"].degree, measures["b1"].in_degree, measures["b1"].out_degree) == (3, 1, 3)
    assert measures["b1"].degree_centrality == pytest.approx(3 / 6)


def test_measures_equal_networkx_on_a_known_graph():
    graph = nx.karate_club_graph()
    ties = [tie(f"n{a}", f"n{b}") for a, b in graph.edges()]
    measures = node_measures(build_network(ties))
    expected_betweenness = nx.betweenness_centrality(graph)
    expected_closeness = nx.closeness_centrality(graph)
    for node in graph:
        assert measures[f"n{node}"].betweenness == pytest.approx(expected_betweenness[node])
        assert measures[f"n{node}"].closeness == pytest.approx(expected_closeness[node])
        assert measures[f"n{node}"].degree == graph.degree(node)


def test_a_stars_centre_is_the_broker():
    leaves = ["l1", "l2", "l3", "l4"]
    measures = node_measures(build_network([tie(leaf, "centre") for leaf in leaves]))
    assert measures["centre"].betweenness == 1.0
    assert measures["centre"].closeness == 1.0
    assert {measures[leaf].betweenness for leaf in leaves} == {0.0}
    assert measures["l1"].closeness == pytest.approx(4 / 7)  # 1 step to the centre, 2 to each of 3 leaves


def test_board_density_and_ties_by_group(site_a):
    summary = site_summary(site_a, "A")
    # Board pairs b1-b2, b1-b3, b2-b3: the first two are tied (b1-b2 both ways counts once).
    assert summary == SiteNetwork("A", 3, 2, pytest.approx(2 / 3),
                                  {ACUTE_TYPE: 1, LA_TYPE: 1, PCT_TYPE: 1, "gp": 1}, 4)


def test_a_complete_board_has_density_one_and_an_empty_board_zero():
    members = [board_member(f"m{i}", "gp") for i in range(4)]
    complete = build_network([tie(a.id, b.id) for a in members for b in members if a.id < b.id], members)
    assert site_summary(complete, "A").board_density == 1.0
    assert site_summary(build_network([], members), "A").board_density == 0.0
    assert site_summary(build_network([], members[:1]), "A").board_density is None


def test_summaries_cover_every_site_with_a_board(site_a):
    site_a.add_node("z1", **vars(board_member("z1", "nurse", site="B")))
    assert [s.site for s in site_summaries(site_a)] == ["A", "B"]
    assert site_summaries(site_a)[1] == SiteNetwork("B", 1, 0, None, {}, 0)


def test_gould_fernandez_roles_by_hand(site_a):
    roles = brokerage_roles(site_a)
    # b2 -> b1 -> b3: b1 shares b2's group (gp), b3 is a PCT employee: representative.
    assert roles["b1"] == Brokerage(representative=1)
    # b1 -> b2 -> ACUTE: representative; b1 -> b2 -> PCT is closed by b1 -> PCT.
    assert roles["b2"] == Brokerage(representative=1)
    # b1 (gp) -> b3 (pct_employee) -> LA: three groups; -> p4 (gp): a and c share a group b3 is not in.
    assert roles["b3"] == Brokerage(itinerant=1, liaison=1)
    assert roles["b3"].total == 2


@pytest.mark.parametrize(("groups", "role"), [
    (("gp", "gp", "gp"), "coordinator"), (("gp", "pct", "gp"), "itinerant"), (("gp", "gp", "pct"), "representative"),
    (("pct", "gp", "gp"), "gatekeeper"), (("gp", "pct", "la"), "liaison")])
def test_each_gould_fernandez_role(groups, role):
    nodes = [NetworkNode(name, "participant", group) for name, group in zip(("a", "v", "c"), groups)]
    roles = brokerage_roles(build_network([tie("a", "v"), tie("v", "c")], nodes))
    assert roles["v"] == Brokerage(**{role: 1})
    closed = brokerage_roles(build_network([tie("a", "v"), tie("v", "c"), tie("a", "c")], nodes))
    assert closed["v"].total == 0


def test_groups_bridged_counts_pairs_of_groups_among_contacts(site_a):
    bridged = groups_bridged(site_a)
    assert bridged["b1"] == 3  # gp (b2), pct_employee (b3), PCT type
    assert bridged["b3"] == 1  # gp (b1, p4), LA type
    assert bridged["la"] == 0


def test_relations_merge_and_filter():
    ties = [tie("a", "b", relation="advice", weight=2), tie("a", "b", relation="knowledge", weight=1.5),
            tie("a", "c", relation="collaboration", wave="w2")]
    graph = build_network(ties)
    assert graph.edges["a", "b"] == {"relations": ["advice", "knowledge"], "weight": 3.5}
    assert list(build_network(ties, relations=["collaboration"]).edges) == [("a", "c")]
    assert list(build_network(ties, wave="w1").edges) == [("a", "b")]


def test_nodes_from_package_rows():
    nodes = nodes_from_rows([{"id": "p1", "name": "GP 1", "role": "gp", "site": "z13:site:A", "board_member": "yes"}],
                            [{"id": "o1", "name": "PCT", "type": PCT_TYPE, "site": ""}])
    assert nodes == [NetworkNode("p1", "participant", "gp", "z13:site:A", True, "GP 1"),
                     NetworkNode("o1", "organisation", PCT_TYPE, None, False, "PCT")]


def test_ties_from_query_rows():
    rows = [{"respondent": "p1", "alter": "o1", "alter_type": "organisation", "relation": "advice", "weight": 2,
             "wave": "w1"},
            {"respondent": "p1", "alter": "p2", "alter_type": "participant", "relation": "knowledge", "weight": None}]
    assert ties_from_rows(rows) == [TieRow("p1", "o1", "organisation", "advice", 2.0, "w1"),
                                    TieRow("p1", "p2", "participant", "knowledge", None, None)]
    assert sorted(build_network(ties_from_rows(rows)).edges) == [("p1", "o1"), ("p1", "p2")]


def test_gexf_export_reads_back_with_measures(site_a, tmp_path):
    path = write_gexf(site_a, tmp_path / "site-a.gexf")
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.gexf.net/1.2draft}gexf"
    declared = {a.get("title"): a.get("type") for a in root.iter("{http://www.gexf.net/1.2draft}attribute")}
    assert declared["betweenness"] == "double" and declared["board_member"] == "boolean"
    back = nx.read_gexf(path)
    assert back.is_directed()
    assert back.nodes["b3"]["betweenness"] == pytest.approx(9 / 15)
    assert back.nodes["b1"]["label"] == "B1"
    assert back.nodes["b1"]["board_member"] is True
    assert back.nodes["b3"]["brokerage_liaison"] == 1
    assert back.edges["b1", "b2"]["relations"] == "advice"
    assert back.number_of_edges() == 8


def test_graphml_export_reads_back_with_measures(site_a, tmp_path):
    back = nx.read_graphml(write_graphml(site_a, tmp_path / "site-a.graphml"))
    assert back.nodes["b2"]["betweenness"] == pytest.approx(5 / 15)
    assert back.nodes["pct"]["group"] == PCT_TYPE
    assert back.nodes["pct"]["site"] == ""
