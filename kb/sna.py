"""Social network analysis of survey ties: centrality, board density, stakeholder ties, brokerage.

The measures follow what study 1 computed in Gephi. networkx is the graph model, the export format
and the definition of every measure; kb.sna_fast computes them with igraph and numpy (in C, the
same numbers to within rounding) because networkx's pure-Python path searches took minutes for a
national survey:

- per node: degree (distinct contacts), in/out degree (times named / names given), degree
  centrality, betweenness and closeness, all networkx defaults (normalised, unweighted), computed
  on the undirected view of the network: a tie links two people whichever of them reported it,
  so a star's centre is its broker (betweenness 1.0) whether the leaves named it or it named them.
- per site: board density (density of the undirected subgraph of the site's board members, None
  when the board has fewer than two members), and ties by stakeholder group (Table 4 style):
  distinct contacts of the board outside the board, counted per group, with their total.
- brokerage (Gould and Fernandez 1989): for every path a -> v -> c with no tie a -> c, along tie
  direction (respondent -> alter), v is a coordinator (all three in one group), itinerant (a and c
  share a group that v is not in), representative (v shares a's group, c differs), gatekeeper (v
  shares c's group, a differs) or liaison (three groups). Triads with a node of unknown group are
  not counted. Simpler and undirected: `groups_bridged`, the number of pairs of different groups
  among a node's contacts.

A node's group is a participant's role or an organisation's type id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kb.sna_fast import IndexedNetwork, brokerage, centralities, degrees, group_numbers, in_degrees, out_degrees

if TYPE_CHECKING:  # imported where a graph is built or written: a wave's load (board_summary) never needs it
    import networkx as nx

_YES = {"yes", "y", "true", "1"}


class Tie(Protocol):
    """What a tie must offer (loaders.survey.SurveyTie and TieRow do); read-only, so frozen dataclasses fit."""

    @property
    def respondent(self) -> str: ...
    @property
    def alter(self) -> str: ...
    @property
    def alter_type(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def weight(self) -> float | None: ...
    @property
    def wave(self) -> str | None: ...


@dataclass(frozen=True)
class TieRow:
    """A tie as a query returns it (respondent, alter, alter_type, relation, weight, wave)."""

    respondent: str
    alter: str
    alter_type: str
    relation: str
    weight: float | None = None
    wave: str | None = None


@dataclass(frozen=True)
class NetworkNode:
    """A person or organisation of the network, described as participants.csv / organisations.csv do."""

    id: str
    kind: str  # "participant" or "organisation"
    group: str | None = None  # participant role or organisation type id
    site: str | None = None
    board_member: bool = False
    name: str | None = None


@dataclass(frozen=True)
class NodeMeasures:
    degree: int
    in_degree: int
    out_degree: int
    degree_centrality: float
    betweenness: float
    closeness: float


@dataclass(frozen=True)
class Brokerage:
    coordinator: int = 0
    itinerant: int = 0
    representative: int = 0
    gatekeeper: int = 0
    liaison: int = 0

    @property
    def total(self) -> int:
        return self.coordinator + self.itinerant + self.representative + self.gatekeeper + self.liaison


@dataclass(frozen=True)
class SiteNetwork:
    """A site's board in numbers: size, density, and its ties to stakeholder groups."""

    site: str
    board_size: int
    board_ties: int  # undirected ties among board members
    board_density: float | None
    ties_by_group: dict[str, int]  # group -> distinct contacts outside the board
    total_ties: int


def nodes_from_rows(
    participants: Iterable[Mapping[str, Any]], organisations: Iterable[Mapping[str, Any]] = ()
) -> list[NetworkNode]:
    """Nodes from participants.csv-like rows (id, name, role, site, board_member) and
    organisations.csv-like rows (id, name, type, site), as a package or a query returns them."""
    nodes = [
        NetworkNode(
            str(r["id"]),
            "participant",
            r.get("role") or None,
            r.get("site") or None,
            str(r.get("board_member") or "").strip().lower() in _YES,
            r.get("name") or None,
        )
        for r in participants
    ]
    nodes += [
        NetworkNode(
            str(r["id"]), "organisation", r.get("type") or None, r.get("site") or None, False, r.get("name") or None
        )
        for r in organisations
    ]
    return nodes


def ties_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[TieRow]:
    """Ties from rows with the columns respondent, alter, alter_type, relation and optional weight, wave."""
    return [
        TieRow(
            str(r["respondent"]),
            str(r["alter"]),
            str(r["alter_type"]),
            str(r["relation"]),
            None if r.get("weight") in (None, "") else float(r["weight"]),
            r.get("wave") or None,
        )
        for r in rows
    ]


def build_network(
    ties: Iterable[Tie],
    nodes: Iterable[NetworkNode] = (),
    relations: Iterable[str] | None = None,
    wave: str | None = None,
) -> nx.DiGraph[str]:
    """A directed graph respondent -> alter; several ties between one pair merge into one edge
    whose `relations` lists them and whose `weight` sums them (an empty weight counts 1)."""
    import networkx as nx

    wanted = set(relations) if relations is not None else None
    graph: nx.DiGraph[str] = nx.DiGraph()
    for node in nodes:
        graph.add_node(node.id, **asdict(node))
    for tie in ties:
        if (wanted is not None and tie.relation not in wanted) or (wave is not None and tie.wave not in (None, wave)):
            continue
        for node_id, kind in ((tie.respondent, "participant"), (tie.alter, tie.alter_type)):
            if node_id not in graph:
                graph.add_node(node_id, **asdict(NetworkNode(node_id, kind)))
        weight = 1.0 if tie.weight is None else tie.weight
        if graph.has_edge(tie.respondent, tie.alter):
            edge = graph.edges[tie.respondent, tie.alter]
            edge["relations"] = sorted(set(edge["relations"]) | {tie.relation})
            edge["weight"] += weight
        else:
            graph.add_edge(tie.respondent, tie.alter, relations=[tie.relation], weight=weight)
    return graph


def indexed(graph: nx.DiGraph[str]) -> tuple[list[str], IndexedNetwork]:
    """The graph's nodes, in its order, and its edges as an IndexedNetwork of their positions."""
    nodes = list(graph)
    position = {node: i for i, node in enumerate(nodes)}
    return nodes, IndexedNetwork.from_edges(len(nodes), ((position[a], position[b]) for a, b in graph.edges()))


def node_measures(graph: nx.DiGraph[str]) -> dict[str, NodeMeasures]:
    """Degree, in/out degree, and (on the undirected view) degree centrality, betweenness, closeness,
    equal to networkx's (computed by kb.sna_fast)."""
    nodes, network = indexed(graph)
    degree, betweenness, closeness = degrees(network).tolist(), *(m.tolist() for m in centralities(network))
    in_degree, out_degree = in_degrees(network).tolist(), out_degrees(network).tolist()
    # nx.degree_centrality: degree / (n - 1), and 1 for a graph of one node.
    scale = 1.0 / (len(nodes) - 1.0) if len(nodes) > 1 else None
    return {
        node: NodeMeasures(
            degree[i],
            in_degree[i],
            out_degree[i],
            1.0 if scale is None else degree[i] * scale,
            betweenness[i],
            closeness[i],
        )
        for i, node in enumerate(nodes)
    }


def _board(graph: nx.DiGraph[str], site: str) -> list[str]:
    return [
        n
        for n, data in graph.nodes(data=True)
        if data.get("kind") == "participant" and data.get("board_member") and data.get("site") == site
    ]


def board_summary(
    site: str, board: Iterable[str], ties: Iterable[tuple[str, str]], groups: Mapping[str, str | None]
) -> SiteNetwork:
    """Board density and ties by group of the board members `board`, given the network's ties
    (respondent, alter) in either direction and every tied node's group."""
    members = set(board)
    among: set[frozenset[str]] = set()
    contacts: set[str] = set()
    for start, end in ties:
        if start in members and end in members:
            among.add(frozenset((start, end)))
        elif start in members:
            contacts.add(end)
        elif end in members:
            contacts.add(start)
    size, tied = len(members), len(among)
    # nx.density of the undirected board: tied pairs / possible pairs (a self-loop counts as a pair).
    density = (tied / (size * (size - 1)) * 2 if tied else 0.0) if size >= 2 else None
    by_group: dict[str, int] = {}
    for contact in contacts:
        group = groups.get(contact) or "unknown"
        by_group[group] = by_group.get(group, 0) + 1
    return SiteNetwork(site, size, tied, density, dict(sorted(by_group.items())), len(contacts))


def site_summary(graph: nx.DiGraph[str], site: str) -> SiteNetwork:
    """Board density and ties by stakeholder group of one site (a tie counts whoever reported it)."""
    groups = {node: data.get("group") for node, data in graph.nodes(data=True)}
    return board_summary(site, _board(graph, site), graph.edges(), groups)


def site_summaries(graph: nx.DiGraph[str]) -> list[SiteNetwork]:
    """`site_summary` of every site that has board members in the network, by site id."""
    sites = {
        data["site"]
        for _, data in graph.nodes(data=True)
        if data.get("kind") == "participant" and data.get("board_member") and data.get("site")
    }
    return [site_summary(graph, site) for site in sorted(sites)]


def brokerage_roles(graph: nx.DiGraph[str]) -> dict[str, Brokerage]:
    """Gould-Fernandez brokerage counts of every node (see the module docstring)."""
    nodes, network = indexed(graph)
    counts = brokerage(network, group_numbers(graph.nodes[node].get("group") for node in nodes)).tolist()
    return {node: Brokerage(*counts[i]) for i, node in enumerate(nodes)}


def groups_bridged(graph: nx.DiGraph[str]) -> dict[str, int]:
    """For every node, how many pairs of different (known) groups its contacts belong to."""
    undirected = graph.to_undirected(as_view=True)
    groups = {node: data.get("group") for node, data in graph.nodes(data=True)}
    result = {}
    for node in graph:
        distinct = len({groups[n] for n in undirected.neighbors(node) if groups[n]})
        result[node] = distinct * (distinct - 1) // 2
    return result


def annotated(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A copy with every measure as a node attribute and lists flattened, ready for Gephi.

    Nodes get label, kind, group, site, board_member, the NodeMeasures fields, brokerage_<role>,
    brokerage_total and groups_bridged; edges get `relations` as `a;b` text and `weight`.
    Missing text becomes "" so that every node has every attribute, with one type per attribute.
    """
    import networkx as nx

    measures, brokerage, bridged = node_measures(graph), brokerage_roles(graph), groups_bridged(graph)
    out: nx.DiGraph[str] = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        attributes = {
            "label": data.get("name") or node,
            "kind": data.get("kind") or "",
            "group": data.get("group") or "",
            "site": data.get("site") or "",
            "board_member": bool(data.get("board_member")),
        }
        attributes.update(asdict(measures[node]))
        attributes.update({f"brokerage_{role}": count for role, count in asdict(brokerage[node]).items()})
        attributes.update(brokerage_total=brokerage[node].total, groups_bridged=bridged[node])
        out.add_node(node, **attributes)
    for start, end, data in graph.edges(data=True):
        out.add_edge(start, end, relations=";".join(data.get("relations", [])), weight=float(data.get("weight", 1.0)))
    return out


def write_gexf(graph: nx.DiGraph[str], path: str | Path) -> Path:
    """Write the network with its measures as GEXF 1.2, which Gephi opens directly."""
    import networkx as nx

    nx.write_gexf(annotated(graph), path, version="1.2draft")
    return Path(path)


def write_graphml(graph: nx.DiGraph[str], path: str | Path) -> Path:
    """Write the network with its measures as GraphML (Gephi, yEd, igraph, R)."""
    import networkx as nx

    nx.write_graphml(annotated(graph), path)
    return Path(path)
