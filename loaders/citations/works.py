"""Turn clusters of citations into works, authors, citation edges and authorship, deterministically."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.citations.model import Citation, Name
from loaders.citations.normalise import author_id, citation_key, title_key, work_id

# Which source to trust for a work's title, year and authors: typed records first, then the
# journals' own lists, and a search engine's export last (it gets authors wrong).
_FORMAT_TRUST = {"bibtex": 0, "ris": 0, "csl-json": 0, "pmc": 1, "vancouver": 1, "search-export": 2}
_KEY_RANK = {"doi": 0, "pmid": 1, "title": 2}


@dataclass(frozen=True)
class CitedRef:
    """A citation as one publication's reference list gives it (and the wave that loaded it)."""

    publication: str
    citation: Citation
    wave: str | None = None


@dataclass(frozen=True)
class Work:
    id: str
    key: str
    title: str
    title_key: str
    year: int | None
    venue: str | None
    doi: str | None
    pmid: str | None
    url: str | None
    kind: str
    authors: tuple[Name, ...]
    members: tuple[str, ...]  # the node ids (one per distinct citation key) joined into this work
    representative: CitedRef
    waves: tuple[str, ...]


@dataclass(frozen=True)
class WorkAuthor:
    id: str
    name: str
    family: str
    initials: str


@dataclass(frozen=True)
class CitationEdge:
    publication: str
    work: str
    ref: CitedRef


@dataclass(frozen=True)
class Authorship:
    work: str
    author: str
    pos: int
    ref: CitedRef  # the citation whose author list the work took


def node_key(refs: list[CitedRef]) -> str:
    return citation_key(refs[0].citation)


def choose_work_id(members: list[str], nodes: dict[str, list[CitedRef]]) -> str:
    """The id from the cluster's DOI when it has one, else its PMID, else its smallest title key."""
    keys = [node_key(nodes[member]) for member in members]
    return work_id(min(keys, key=lambda key: (_KEY_RANK[key.split(":", 1)[0]], key)))


def representative(refs: list[CitedRef]) -> CitedRef:
    """The citation a work takes its title, year and authors from (most trusted source, fullest author list)."""
    return min(
        refs,
        key=lambda ref: (
            _FORMAT_TRUST.get(ref.citation.fmt, 3),
            ref.citation.authors_truncated,
            -len(ref.citation.authors),
            ref.citation.source,
            ref.citation.line,
            ref.citation.raw,
            ref.publication,
        ),
    )


def build_works(
    groups: list[list[str]], nodes: dict[str, list[CitedRef]]
) -> tuple[tuple[Work, ...], tuple[WorkAuthor, ...], tuple[CitationEdge, ...], tuple[Authorship, ...]]:
    """(works, authors, citation edges, authorship) for clusters of node ids."""
    works: list[Work] = []
    edges: list[CitationEdge] = []
    authored: list[Authorship] = []
    authors: dict[str, WorkAuthor] = {}
    for members in groups:
        refs = [ref for member in members for ref in nodes[member]]
        work = _work(members, refs, nodes)
        works.append(work)
        edges.extend(CitationEdge(ref.publication, work.id, ref) for ref in refs)
        for pos, name in enumerate(work.authors, start=1):
            author = WorkAuthor(author_id(name), str(name), name.family, name.initials)
            if author.id not in authors or author.name < authors[author.id].name:
                authors[author.id] = author
            authored.append(Authorship(work.id, author.id, pos, work.representative))
    edges.sort(key=lambda e: (e.publication, e.ref.citation.source, e.ref.citation.line, e.work))
    authored.sort(key=lambda a: (a.work, a.pos, a.author))
    return (
        tuple(sorted(works, key=lambda w: w.id)),
        tuple(sorted(authors.values(), key=lambda a: a.id)),
        tuple(edges),
        tuple(authored),
    )


def _work(members: list[str], refs: list[CitedRef], nodes: dict[str, list[CitedRef]]) -> Work:
    rep = representative(refs)
    identity = choose_work_id(members, nodes)
    key = next(node_key(nodes[m]) for m in members if work_id(node_key(nodes[m])) == identity)
    dois = sorted({ref.citation.doi for ref in refs if ref.citation.doi})
    pmids = sorted({ref.citation.pmid for ref in refs if ref.citation.pmid})
    urls = sorted({ref.citation.url for ref in refs if ref.citation.url})
    return Work(
        id=identity,
        key=key,
        title=rep.citation.title,
        title_key=title_key(rep.citation.title),
        year=rep.citation.year,
        venue=rep.citation.venue,
        doi=dois[0] if dois else None,
        pmid=pmids[0] if pmids else None,
        url=rep.citation.url or (urls[0] if urls else None),
        kind=rep.citation.kind,
        authors=_unique(rep.citation.authors),
        members=tuple(sorted(members)),
        representative=rep,
        waves=tuple(sorted({ref.wave for ref in refs if ref.wave})),
    )


def _unique(names: tuple[Name, ...]) -> tuple[Name, ...]:
    """Authors in order, each once (a list naming one person twice would give two positions)."""
    seen: set[str] = set()
    kept = []
    for name in names:
        if author_id(name) not in seen:
            seen.add(author_id(name))
            kept.append(name)
    return tuple(kept)
