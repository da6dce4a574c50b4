"""Work resolution: which citations, across all reference lists, are one work. Pure; no database.

Citations with the same key (DOI, else PMID, else title/year/first author) are one node. Nodes are
joined, strongest evidence first, by: reviewers' merge decisions; the same DOI or PMID; scores at
or above MERGE_THRESHOLD when years are within one. A reviewer's split decision keeps two nodes
apart whatever the scores say. Pairs left apart with a score in the review band (or a high score
that the year rule blocked) become POSSIBLY_SAME pairs for a person to decide.

Everything is computed from the set of citations, never their order: candidate pairs are
scored by content, joined in a fixed order (score, then ids), and ties broken by content, so
shuffling the input gives the same partition and the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from loaders.citations.match import MERGE_THRESHOLD, REVIEW_THRESHOLD, Comparison, Prepared, compare, could_reach_review
from loaders.citations.model import Citation
from loaders.citations.normalise import citation_key, work_id
from loaders.citations.works import Authorship, CitationEdge, CitedRef, Work, WorkAuthor, build_works, choose_work_id

MERGE, SPLIT = "merge", "split"
BLOCK_LIMIT = 100


@dataclass(frozen=True, order=True)
class Decision:
    """A reviewer's ruling on two works, by their ids: `merge` (one work) or `split` (two works)."""

    action: str
    a: str
    b: str

    @classmethod
    def of(cls, action: str, a: str, b: str) -> Decision:
        first, second = sorted((a, b))
        return cls(action, first, second)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)


@dataclass(frozen=True)
class PossiblySame:
    """Two works that may be one: their ids (a < b), the best score between their citations, and those citations."""

    a: str
    b: str
    score: float
    reason: str
    evidence: tuple[CitedRef, CitedRef]


@dataclass(frozen=True)
class Resolution:
    """Everything resolution decided, ready for the writer; `conflicts` lists decisions that could not all hold."""

    works: tuple[Work, ...]
    authors: tuple[WorkAuthor, ...]
    citations: tuple[CitationEdge, ...]
    authored_by: tuple[Authorship, ...]
    possibly_same: tuple[PossiblySame, ...]
    decisions: tuple[Decision, ...] = ()
    conflicts: tuple[str, ...] = field(default=())

    def work_of(self, source: str, line: int) -> str:
        """The id of the work the citation at `source`:`line` resolved to."""
        return next(
            edge.work
            for edge in self.citations
            if edge.ref.citation.source == source and edge.ref.citation.line == line
        )


def record(decisions: Iterable[Decision], new: Decision) -> tuple[Decision, ...]:
    """The decisions with `new` added; a later ruling on the same pair replaces the earlier one."""
    kept = {d.pair: d for d in decisions}
    kept[new.pair] = new
    return tuple(sorted(kept.values()))


def node_id(citation: Citation) -> str:
    return work_id(citation_key(citation))


def resolve(refs: Iterable[CitedRef], decisions: Iterable[Decision] = ()) -> Resolution:
    """Group citations into works, apply reviewers' decisions, and list pairs left for review."""
    nodes = _nodes(refs)
    decisions = tuple(sorted({d.pair: d for d in decisions}.values()))
    comparisons = _compare_nodes(nodes)
    clusters = _Clusters(nodes)
    for decision in decisions:
        if decision.action == SPLIT:
            clusters.keep_apart(decision.a, decision.b)
    for decision in decisions:
        if decision.action == MERGE:
            clusters.join(decision.a, decision.b, forced=True)
    for (a, b), (comparison, _) in sorted(comparisons.items(), key=lambda item: (-item[1][0].score, item[0])):
        if comparison.mergeable and comparison.score >= MERGE_THRESHOLD:
            clusters.join(a, b)
    groups = clusters.groups()
    works, authors, edges, authored = build_works(groups, nodes)
    return Resolution(
        works=works,
        authors=authors,
        citations=edges,
        authored_by=authored,
        possibly_same=_possibly_same(comparisons, clusters),
        decisions=decisions,
        conflicts=tuple(clusters.conflicts(decisions)),
    )


def _nodes(refs: Iterable[CitedRef]) -> dict[str, list[CitedRef]]:
    nodes: dict[str, list[CitedRef]] = defaultdict(list)
    for ref in refs:
        nodes[node_id(ref.citation)].append(ref)
    return dict(nodes)


_Best = tuple[Comparison, tuple[CitedRef, CitedRef]]  # a pair's best comparison and the citations that gave it


def _compare_nodes(nodes: dict[str, list[CitedRef]]) -> dict[tuple[str, str], _Best]:
    """The best comparison of every candidate pair of nodes, with the two citations that gave it."""
    prepared = {
        node: sorted({ref.citation: Prepared.of(ref.citation) for ref in refs}.items(), key=lambda kv: _order(kv[0]))
        for node, refs in nodes.items()
    }
    # the first ref (in content order) that carries each citation, as evidence for review
    first_ref = {
        node: {ref.citation: ref for ref in sorted(refs, key=_ref_order, reverse=True)} for node, refs in nodes.items()
    }
    best: dict[tuple[str, str], _Best] = {}
    for a, b in _candidate_pairs(prepared):
        for ca, pa in prepared[a]:
            for cb, pb in prepared[b]:
                if _different_dois(ca, cb) or not could_reach_review(pa, pb):
                    continue
                comparison = compare(pa, pb)
                if (a, b) not in best or comparison.score > best[(a, b)][0].score:
                    best[(a, b)] = (comparison, (first_ref[a][ca], first_ref[b][cb]))
    return best


def _candidate_pairs(prepared: dict[str, list[tuple[Citation, Prepared]]]) -> list[tuple[str, str]]:
    """Pairs of nodes that share an identifier, their whole title, or an uncommon title word.

    A word of four letters or more counts when at most BLOCK_LIMIT nodes (or the square root of
    the node count, if larger) use it: words that common ("health", "commissioning" in a large
    bibliography) would make nearly every pair a candidate and tell little about identity.
    """
    keys_of = {node: _block_keys(items) for node, items in prepared.items()}
    frequency: dict[str, int] = defaultdict(int)
    for keys in keys_of.values():
        for key in keys:
            frequency[key] += 1
    limit = max(BLOCK_LIMIT, int(len(prepared) ** 0.5))
    index: dict[str, list[str]] = defaultdict(list)
    for node, keys in keys_of.items():
        for key in keys:
            if not key.startswith("w:") or frequency[key] <= limit:
                index[key].append(node)
    pairs: set[tuple[str, str]] = set()
    for members in index.values():
        pairs.update(combinations(sorted(members), 2))
    return sorted(pairs)


def _block_keys(items: list[tuple[Citation, Prepared]]) -> set[str]:
    keys: set[str] = set()
    for citation, prep in items:
        keys.add("t:" + prep.compact)
        keys.update("w:" + word for word in prep.content if len(word) >= 4)
        keys.update("id:" + value for value in (citation.doi, citation.pmid) if value)
    return keys


def _different_dois(a: Citation, b: Citation) -> bool:
    """Two DOIs that differ settle the pair: never one work, nothing to review."""
    return bool(a.doi and b.doi and a.doi != b.doi)


def _order(citation: Citation) -> tuple[str, int, str, str]:
    return (citation.source, citation.line, citation.raw, citation.title)


def _ref_order(ref: CitedRef) -> tuple[tuple[str, int, str, str], str]:
    return (_order(ref.citation), ref.publication)


def _possibly_same(comparisons: dict[tuple[str, str], _Best], clusters: _Clusters) -> tuple[PossiblySame, ...]:
    """Review pairs between works: the best-scoring pair of citations for each pair of works."""
    best: dict[tuple[str, str], PossiblySame] = {}
    for (a, b), (comparison, evidence) in sorted(comparisons.items()):
        if comparison.score < REVIEW_THRESHOLD:
            continue
        wa, wb = clusters.work_of(a), clusters.work_of(b)
        if wa == wb or clusters.decided_apart(wa, wb):
            continue
        key = (wa, wb) if wa < wb else (wb, wa)
        if wa > wb:
            evidence = (evidence[1], evidence[0])
        if key not in best or comparison.score > best[key].score:
            best[key] = PossiblySame(key[0], key[1], comparison.score, comparison.reason, evidence)
    return tuple(best[key] for key in sorted(best))


class _Clusters:
    """Union-find over node ids with cannot-link constraints from split decisions."""

    def __init__(self, nodes: dict[str, list[CitedRef]]):
        self._parent = {node: node for node in nodes}
        self._members = {node: {node} for node in nodes}
        self._apart: dict[str, set[str]] = {node: set() for node in nodes}
        self._nodes = nodes
        self._work_ids: dict[str, str] = {}

    def _root(self, node: str) -> str:
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    def keep_apart(self, a: str, b: str) -> None:
        if a in self._parent and b in self._parent:
            self._apart[a].add(b)
            self._apart[b].add(a)

    def join(self, a: str, b: str, forced: bool = False) -> None:
        if a not in self._parent or b not in self._parent:
            return
        ra, rb = self._root(a), self._root(b)
        if ra == rb:
            return
        if not forced and self._blocked(ra, rb):
            return
        keep, gone = sorted((ra, rb))
        self._parent[gone] = keep
        self._members[keep] |= self._members.pop(gone)

    def _blocked(self, ra: str, rb: str) -> bool:
        return any(self._apart[node] & self._members[rb] for node in self._members[ra])

    def groups(self) -> list[list[str]]:
        return sorted(sorted(members) for members in self._members.values())

    def work_of(self, node: str) -> str:
        """The work id of a node's cluster; remembered, so call it only once all joins are done."""
        root = self._root(node)
        if root not in self._work_ids:
            self._work_ids[root] = choose_work_id(sorted(self._members[root]), self._nodes)
        return self._work_ids[root]

    def decided_apart(self, work_a: str, work_b: str) -> bool:
        # A work id is always the node id of one of its members, so it finds its cluster.
        return self._blocked(self._root(work_a), self._root(work_b))

    def conflicts(self, decisions: tuple[Decision, ...]) -> list[str]:
        """Split decisions that merge decisions override (a chain of merges joins the two works)."""
        return [
            f"split {d.a} {d.b} cannot hold: merge decisions join these works; remove one of those merges"
            for d in decisions
            if d.action == SPLIT and d.a in self._parent and d.b in self._parent and self._root(d.a) == self._root(d.b)
        ]
