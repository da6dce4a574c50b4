"""Network measures against hand computation and networkx, and a Gephi-readable export."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.sna import (
    Brokerage,
    NetworkNode,
    NodeMeasures,
    SiteNetwork,
    TieRow,
    brokerage_roles,
    build_network,
    groups_bridged,
    node_measures,
    nodes_from_rows,
    site_summaries,
    site_summary,
    ties_from_rows,
    write_gexf,
    write_graphml,
)
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
    nodes = [
        board_member("b1", "gp"),
        board_member("b2", "gp"),
        board_member("b3", "pct_employee"),
        NetworkNode("p4", "participant", "gp", "A", False),
        NetworkNode("pct", "organisation", PCT_TYPE),
        NetworkNode("acute", "organisation", ACUTE_TYPE),
        NetworkNode("la", "organisation", LA_TYPE),
    ]
    ties = [
        tie("b1", "b2"),
        tie("b2", "b1"),
        tie("b1", "b3"),
        tie("b1", "pct", "organisation"),
        tie("b2", "pct", "organisation"),
        tie("b2", "acute", "organisation"),
        tie("b3", "la", "organisation"),
        tie("b3", "p4"),
    ]
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
    assert summary == SiteNetwork("A", 3, 2, pytest.approx(2 / 3), {ACUTE_TYPE: 1, LA_TYPE: 1, PCT_TYPE: 1, "gp": 1}, 4)


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


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (("gp", "gp", "gp"), "coordinator"),
        (("gp", "pct", "gp"), "itinerant"),
        (("gp", "gp", "pct"), "representative"),
        (("pct", "gp", "gp"), "gatekeeper"),
        (("gp", "pct", "la"), "liaison"),
    ],
)
def test_each_gould_fernandez_role(groups, role):
    nodes = [NetworkNode(name, "participant", group) for name, group in zip(("a", "v", "c"), groups, strict=True)]
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
    ties = [
        tie("a", "b", relation="advice", weight=2),
        tie("a", "b", relation="knowledge", weight=1.5),
        tie("a", "c", relation="collaboration", wave="w2"),
    ]
    graph = build_network(ties)
    assert graph.edges["a", "b"] == {"relations": ["advice", "knowledge"], "weight": 3.5}
    assert list(build_network(ties, relations=["collaboration"]).edges) == [("a", "c")]
    assert list(build_network(ties, wave="w1").edges) == [("a", "b")]


def test_nodes_from_package_rows():
    nodes = nodes_from_rows(
        [{"id": "p1", "name": "GP 1", "role": "gp", "site": "z13:site:A", "board_member": "yes"}],
        [{"id": "o1", "name": "PCT", "type": PCT_TYPE, "site": ""}],
    )
    assert nodes == [
        NetworkNode("p1", "participant", "gp", "z13:site:A", True, "GP 1"),
        NetworkNode("o1", "organisation", PCT_TYPE, None, False, "PCT"),
    ]


def test_ties_from_query_rows():
    rows = [
        {
            "respondent": "p1",
            "alter": "o1",
            "alter_type": "organisation",
            "relation": "advice",
            "weight": 2,
            "wave": "w1",
        },
        {"respondent": "p1", "alter": "p2", "alter_type": "participant", "relation": "knowledge", "weight": None},
    ]
    assert ties_from_rows(rows) == [
        TieRow("p1", "o1", "organisation", "advice", 2.0, "w1"),
        TieRow("p1", "p2", "participant", "knowledge", None, None),
    ]
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


# --- edge cases and the igraph-backed measures against networkx's own ----------------------------


def test_a_graph_of_one_or_two_nodes():
    lone = node_measures(build_network([], [NetworkNode("a", "participant", "gp")]))
    # networkx: degree centrality 1 for a graph of one node; nothing to reach, nothing to broker.
    assert lone == {"a": NodeMeasures(0, 0, 0, 1.0, 0.0, 0.0)}
    pair = node_measures(build_network([tie("a", "b")]))
    # Two nodes: no pair has anyone in between; each reaches the other in one step.
    assert pair["a"] == NodeMeasures(1, 0, 1, 1.0, 0.0, 1.0)
    assert pair["b"] == NodeMeasures(1, 1, 0, 1.0, 0.0, 1.0)
    assert node_measures(build_network([])) == {}


def test_isolated_nodes_and_components():
    # A path a - b - c, an isolated d, and a separate pair e - f: n = 6.
    nodes = [NetworkNode("d", "participant", "gp")]
    measures = node_measures(build_network([tie("a", "b"), tie("c", "b"), tie("e", "f")], nodes))
    # b lies on a-c and c-a: 2 of the (6-1)(6-2) = 20 ordered pairs.
    assert measures["b"].betweenness == pytest.approx(2 / 20)
    # a reaches 2 nodes at distances 1 and 2: (2 / 3) * (2 / 5); b: (2 / 2) * (2 / 5); e: (1 / 1) * (1 / 5).
    assert measures["a"].closeness == pytest.approx(4 / 15)
    assert measures["b"].closeness == pytest.approx(2 / 5)
    assert measures["e"].closeness == pytest.approx(1 / 5)
    assert (measures["d"].degree, measures["d"].betweenness, measures["d"].closeness) == (0, 0.0, 0.0)


def test_a_self_loop_counts_twice_in_degree_and_never_in_paths():
    graph = build_network(
        [tie("a", "a"), tie("a", "b"), tie("b", "c")], [NetworkNode(name, "participant", "gp") for name in "abc"]
    )
    measures, roles = node_measures(graph), brokerage_roles(graph)
    assert (measures["a"].degree, measures["a"].in_degree, measures["a"].out_degree) == (3, 1, 2)  # as networkx
    assert measures["b"].betweenness == pytest.approx(1.0)  # the centre of a - b - c
    assert measures["a"].closeness == pytest.approx(2 / 3)  # 1 step to b, 2 to c
    assert roles["a"].total == 0 and roles["b"] == Brokerage(coordinator=1)


def test_leaves_of_leaves_and_a_lone_pair():
    # A chain a - b - c - d - e: b and d have one leaf each, c none; plus a lone pair x - y.
    graph = build_network([tie("a", "b"), tie("b", "c"), tie("c", "d"), tie("d", "e"), tie("x", "y")])
    measures = node_measures(graph)
    # c splits {a, b} from {d, e}: 4 unordered pairs, 8 ordered of (7-1)(7-2) = 30. b: a with c, d, e: 6.
    assert measures["c"].betweenness == pytest.approx(8 / 30)
    assert measures["b"].betweenness == pytest.approx(6 / 30)
    # a reaches 4 nodes at 1 + 2 + 3 + 4 = 10: (4 / 10) * (4 / 6); x reaches y: (1 / 1) * (1 / 6).
    assert measures["a"].closeness == pytest.approx(4 / 15)
    assert measures["x"].closeness == pytest.approx(1 / 6)


GROUPS = ("gp", "nurse", "pct", None)


@st.composite
def random_networks(draw) -> nx.DiGraph:
    """Directed networks of several components (blocks tied only inside), with isolated nodes,
    self-loops, repeated ties and nodes of unknown group."""
    nodes, ties = [], []
    for block in range(draw(st.integers(1, 4))):
        names = [f"b{block}n{i}" for i in range(draw(st.integers(1, 9)))]
        nodes += [
            NetworkNode(name, "participant", draw(st.sampled_from(GROUPS)), "A", draw(st.booleans())) for name in names
        ]
        pairs = st.tuples(st.sampled_from(names), st.sampled_from(names))
        ties += [tie(a, b) for a, b in draw(st.lists(pairs, max_size=3 * len(names)))]
    return build_network(ties, nodes)


def reference_brokerage(graph: nx.DiGraph) -> dict[str, Brokerage]:
    """Gould-Fernandez as the module docstring states it, one triad at a time."""
    group = {node: data.get("group") for node, data in graph.nodes(data=True)}
    result = {}
    for v in graph:
        counts = dict.fromkeys(("coordinator", "itinerant", "representative", "gatekeeper", "liaison"), 0)
        for a in graph.predecessors(v):
            for c in graph.successors(v):
                if a == c or graph.has_edge(a, c) or None in (group[a], group[v], group[c]):
                    continue
                ga, gv, gc = group[a], group[v], group[c]
                role = (
                    "coordinator"
                    if ga == gv == gc
                    else "itinerant"
                    if ga == gc
                    else "representative"
                    if ga == gv
                    else "gatekeeper"
                    if gv == gc
                    else "liaison"
                )
                counts[role] += 1
        result[v] = Brokerage(**counts)
    return result


def reference_summary(graph: nx.DiGraph, site: str) -> SiteNetwork:
    """The board summary with networkx's own subgraph, density and neighbours."""
    board = [n for n, d in graph.nodes(data=True) if d.get("board_member") and d.get("site") == site]
    among = graph.subgraph(board).to_undirected()
    undirected = graph.to_undirected()
    contacts = {alter for member in board for alter in undirected.neighbors(member)} - set(board)
    by_group: dict[str, int] = {}
    for alter in contacts:
        group = graph.nodes[alter].get("group") or "unknown"
        by_group[group] = by_group.get(group, 0) + 1
    return SiteNetwork(
        site,
        len(board),
        among.number_of_edges(),
        nx.density(among) if len(board) >= 2 else None,
        dict(sorted(by_group.items())),
        len(contacts),
    )


@settings(max_examples=300, deadline=None)
@given(graph=random_networks())
def test_measures_equal_networkx_on_random_networks(graph):
    undirected = graph.to_undirected()
    betweenness, closeness = nx.betweenness_centrality(undirected), nx.closeness_centrality(undirected)
    centrality = nx.degree_centrality(undirected)
    measures = node_measures(graph)
    assert list(measures) == list(graph)
    for node, m in measures.items():
        assert (m.degree, m.in_degree, m.out_degree) == (
            undirected.degree(node),
            graph.in_degree(node),
            graph.out_degree(node),
        )
        assert m.betweenness == pytest.approx(betweenness[node], abs=1e-9)
        assert m.closeness == pytest.approx(closeness[node], abs=1e-9)
        assert m.degree_centrality == pytest.approx(centrality[node], abs=1e-9)
    assert brokerage_roles(graph) == reference_brokerage(graph)
    assert site_summary(graph, "A") == reference_summary(graph, "A")
