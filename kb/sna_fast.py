"""The kb.sna measures of one network in C (igraph) and numpy, equal to networkx's defaults.

kb.sna documents the measures and keeps networkx as the graph model and the reference; this
module computes them for a network given as node indexes 0..size-1 and directed edges, so that
kb.sna (on a networkx graph) and the wave loader (on rows read in bulk for a whole wave) share one
implementation. networkx's pure-Python path algorithms took minutes for a national survey; igraph
runs the same Brandes and breadth-first searches in C (and skips the searches from leaves, see
UndirectedPaths). What differs is how each library scales its results, so each function states the
networkx definition it reproduces:

- betweenness: networkx counts shortest paths of ordered pairs on the undirected view and, with
  normalized=True, divides by (n-1)(n-2); igraph counts unordered pairs, so twice igraph's count
  is networkx's. Graphs of two nodes or fewer have 0 everywhere.
- closeness: networkx's wf_improved form, ((r-1) / d) * ((r-1) / (n-1)), where r counts the
  nodes a node reaches (itself included) and d is the sum of their distances; 0 for a node that
  reaches nothing. igraph gives 1/d over reachable nodes only, r comes from the components.
- degree: networkx's undirected degree, distinct neighbours plus 2 for a self-loop.
- brokerage: Gould-Fernandez counts along tie direction (see kb.sna), over every two-path
  a -> v -> c at once, with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import igraph
import numpy as np

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
UNKNOWN_GROUP = -1


@dataclass(frozen=True)
class IndexedNetwork:
    """A directed network: nodes 0..size-1 and its distinct edges sources[i] -> targets[i], sorted
    by source then target (build it with `from_edges` or `from_arrays`)."""

    size: int
    sources: np.ndarray
    targets: np.ndarray

    @classmethod
    def from_arrays(cls, size: int, sources: np.ndarray, targets: np.ndarray) -> IndexedNetwork:
        """The network of `size` nodes and edges sources[i] -> targets[i]; repeated edges count once."""
        if size == 0 or len(sources) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(size, empty, empty)
        keys = np.unique(np.asarray(sources, dtype=np.int64) * size + np.asarray(targets, dtype=np.int64))
        return cls(size, keys // size, keys % size)

    @classmethod
    def from_edges(cls, size: int, edges: Iterable[tuple[int, int]]) -> IndexedNetwork:
        """The network of `size` nodes and `edges` (index pairs); repeated edges count once."""
        pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
        return cls.from_arrays(size, pairs[:, 0], pairs[:, 1])

    def undirected_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct unordered pairs (low, high) of linked nodes, self-loops left out."""
        low, high = np.minimum(self.sources, self.targets), np.maximum(self.sources, self.targets)
        keys = np.unique((low * self.size + high)[low != high])
        return keys // max(self.size, 1), keys % max(self.size, 1)

    def self_loops(self) -> np.ndarray:
        """The nodes tied to themselves."""
        loops: np.ndarray = self.sources[self.sources == self.targets]
        return loops


@dataclass(frozen=True)
class UndirectedPaths:
    """The undirected view in igraph, with what both path measures need (build it with `of`).

    A leaf, a node whose one neighbour (its anchor) has others, costs no path search: every
    shortest path from a leaf is its anchor's, one step longer. So the searches start from the
    other nodes only, each counted once for itself and once per leaf it anchors. In a survey
    network many people are named once: this saves a third of the work.
    """

    graph: igraph.Graph
    reached: np.ndarray  # nodes in each node's component, itself included
    leaves: np.ndarray
    anchors: np.ndarray  # anchors[i] is the one neighbour of leaves[i]
    searched: np.ndarray  # the nodes whose paths are searched: all but the leaves

    @classmethod
    def of(cls, network: IndexedNetwork) -> UndirectedPaths:
        """The undirected view of `network`, its components and its leaves."""
        low, high = network.undirected_pairs()
        graph = igraph.Graph(n=network.size, edges=np.column_stack((low, high)).tolist())
        membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
        degree = np.bincount(low, minlength=network.size) + np.bincount(high, minlength=network.size)
        anchor = np.full(network.size, -1)
        anchor[low[degree[low] == 1]] = high[degree[low] == 1]
        anchor[high[degree[high] == 1]] = low[degree[high] == 1]
        is_leaf = anchor >= 0
        is_leaf[is_leaf] = degree[anchor[is_leaf]] > 1  # a lone pair has no leaf: both search
        leaves = np.flatnonzero(is_leaf)
        return cls(graph, np.bincount(membership)[membership], leaves, anchor[leaves], np.flatnonzero(~is_leaf))


def degrees(network: IndexedNetwork) -> np.ndarray:
    """networkx's degree on the undirected view: distinct neighbours, and 2 for a self-loop."""
    low, high = network.undirected_pairs()
    counts = np.bincount(low, minlength=network.size) + np.bincount(high, minlength=network.size)
    return counts + 2 * np.bincount(network.self_loops(), minlength=network.size)


def in_degrees(network: IndexedNetwork) -> np.ndarray:
    return np.bincount(network.targets, minlength=network.size)


def out_degrees(network: IndexedNetwork) -> np.ndarray:
    return np.bincount(network.sources, minlength=network.size)


def betweenness(network: IndexedNetwork, undirected: UndirectedPaths | None = None) -> np.ndarray:
    """nx.betweenness_centrality of the undirected view (normalised, endpoints excluded)."""
    n = network.size
    if n <= 2:
        return np.zeros(n)
    undirected = UndirectedPaths.of(network) if undirected is None else undirected
    anchored = np.bincount(undirected.anchors, minlength=n)  # leaves per node
    # From a leaf, every path runs through its anchor: the anchor gains r - 2 for each of its leaves.
    ordered = anchored * (undirected.reached - 2.0)
    # Past the anchor, a leaf's paths are the anchor's: weigh each searched node by 1 + its leaves.
    weight = 1 + anchored
    for times in np.unique(weight[undirected.searched]):
        sources = undirected.searched[weight[undirected.searched] == times]
        # igraph counts unordered pairs: half of the dependencies on the paths from `sources`.
        half = np.asarray(undirected.graph.betweenness(directed=False, sources=sources.tolist()), dtype=float)
        ordered += (2.0 * times) * half
    return ordered * (1 / ((n - 1) * (n - 2)))


def closeness(network: IndexedNetwork, undirected: UndirectedPaths | None = None) -> np.ndarray:
    """nx.closeness_centrality of the undirected view (wf_improved scaling; 0 for an isolated node)."""
    n = network.size
    result = np.zeros(n)
    if n <= 1:
        return result
    undirected = UndirectedPaths.of(network) if undirected is None else undirected
    reached = undirected.reached.astype(float)
    searched = undirected.searched[reached[undirected.searched] > 1]
    distances = np.zeros(n)
    # igraph gives 1/d; d is a whole number, so rounding its inverse recovers it exactly, and the
    # arithmetic below is networkx's, operation for operation.
    inverse = np.asarray(undirected.graph.closeness(vertices=searched.tolist(), normalized=False), dtype=float)
    distances[searched] = np.rint(1.0 / inverse)
    # A leaf is one step further than its anchor from everyone but itself, and one from the anchor.
    leaves = undirected.leaves
    distances[leaves] = distances[undirected.anchors] + reached[leaves] - 2
    linked = reached > 1
    result[linked] = (reached[linked] - 1.0) / distances[linked] * ((reached[linked] - 1.0) / (n - 1))
    return result


def centralities(network: IndexedNetwork) -> tuple[np.ndarray, np.ndarray]:
    """(betweenness, closeness), sharing one undirected igraph graph."""
    undirected = UndirectedPaths.of(network) if network.size > 1 else None
    return betweenness(network, undirected), closeness(network, undirected)


def _two_paths(network: IndexedNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every path a -> v -> c with a != c and no edge a -> c, as arrays (a, v, c)."""
    proper = network.sources != network.targets  # a self-loop never makes a brokerage path
    sources, targets = network.sources[proper], network.targets[proper]  # still sorted by source
    out_start = np.searchsorted(sources, np.arange(network.size))
    per_in_edge = np.bincount(sources, minlength=network.size)[targets]  # edges v -> c after each a -> v
    first = np.repeat(out_start[targets], per_in_edge)
    offset = np.arange(per_in_edge.sum()) - np.repeat(np.cumsum(per_in_edge) - per_in_edge, per_in_edge)
    a, v, c = np.repeat(sources, per_in_edge), np.repeat(targets, per_in_edge), targets[first + offset]
    keys, wanted = sources * network.size + targets, a * network.size + c  # keys are sorted
    found = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    closed = keys[found] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    keep = (a != c) & ~closed
    return a[keep], v[keep], c[keep]


def brokerage(network: IndexedNetwork, groups: np.ndarray) -> np.ndarray:
    """Gould-Fernandez counts per node, columns in ROLES order. `groups` holds a group number
    per node, UNKNOWN_GROUP when the group is not known (triads with such a node do not count)."""
    groups = np.asarray(groups, dtype=np.int64)
    a, v, c = _two_paths(network)
    ga, gv, gc = groups[a], groups[v], groups[c]
    known = (ga != UNKNOWN_GROUP) & (gv != UNKNOWN_GROUP) & (gc != UNKNOWN_GROUP)
    ga, gv, gc, v = ga[known], gv[known], gc[known], v[known]
    # The first condition that holds names the role, as in kb.sna's definition.
    role = np.select([(ga == gv) & (gv == gc), ga == gc, ga == gv, gv == gc], [0, 1, 2, 3], default=4)
    counts = np.bincount(v * len(ROLES) + role, minlength=network.size * len(ROLES))
    return counts.reshape(network.size, len(ROLES))


def group_numbers(groups: Iterable[object]) -> np.ndarray:
    """A number per distinct group, UNKNOWN_GROUP for None, in the order given."""
    numbers: dict[object, int] = {}
    return np.array(
        [UNKNOWN_GROUP if group is None else numbers.setdefault(group, len(numbers)) for group in groups],
        dtype=np.int64,
    )
