"""The citation subgraph in Cypher: read it back as citations and decisions, and rewrite it from a resolution.

CITES relationships are the evidence: each keeps everything its reader parsed, so the whole
subgraph can be resolved again from the graph alone whenever a list is loaded or a reviewer
decides. Work and Author nodes are derived from them; they are MERGEd on `id`, so ids that
persist keep their node (and any relationship other loaders attached to it).

Reviewers' decisions live on the works they concern, as strings "merge <id> <id>" or
"split <id> <id>" in the list property `decisions`, so they are reloaded and applied on every
rebuild. A decision is kept for as long as a citation behind one of its two ids is in the graph.
No label beyond the schema's Work and Author is needed.
"""

from __future__ import annotations

from typing import Any

from kb.schema import label, rel_type
from kb.store.base import Counters, Writer
from loaders.citations.model import Citation, Name
from loaders.citations.normalise import author_match_key
from loaders.citations.resolve import Decision, Resolution
from loaders.citations.works import CitedRef

PUBLICATION, WORK, AUTHOR, WAVE = label("Publication"), label("Work"), label("Author"), label("Wave")
CITES, AUTHORED_BY, POSSIBLY_SAME = rel_type("CITES"), rel_type("AUTHORED_BY"), rel_type("POSSIBLY_SAME")
BATCH = 1000

READ_CITATIONS = f"""
MATCH (p:{PUBLICATION})-[r:{CITES}]->(w:{WORK})
RETURN p.id AS publication, r.n AS n, r.raw AS raw, r.source AS source, r.line AS line, r.fmt AS fmt,
       r.title AS title, r.author_families AS families, r.author_initials AS initials,
       r.authors_truncated AS truncated, r.year AS year, r.venue AS venue, r.doi AS doi,
       r.pmid AS pmid, r.url AS url, r.kind AS kind, r.wave AS wave
"""
READ_DECISIONS = f"MATCH (w:{WORK}) WHERE w.decisions IS NOT NULL RETURN w.decisions AS decisions"
READ_WORK_IDS = f"MATCH (w:{WORK}) RETURN w.id AS id"

_CLEAR = (
    f"MATCH (p:{PUBLICATION})-[r:{CITES}]->(w:{WORK}) DELETE r",
    f"MATCH (w:{WORK})-[r:{AUTHORED_BY}]->(a:{AUTHOR}) DELETE r",
    f"MATCH (a:{WORK})-[r:{POSSIBLY_SAME}]->(b:{WORK}) DELETE r",
)
_MERGE_WORKS = f"""
UNWIND $rows AS row
MERGE (w:{WORK} {{id: row.id}})
SET w.title = row.title, w.title_key = row.title_key, w.year = row.year, w.venue = row.venue,
    w.doi = row.doi, w.pmid = row.pmid, w.url = row.url, w.kind = row.kind, w.authors = row.authors,
    w.key = row.key, w.members = row.members, w.decisions = row.decisions, w.wave = row.wave,
    w.source = row.source, w.line = row.line, w.citations = row.citations
"""
_MERGE_AUTHORS = f"""
UNWIND $rows AS row
MERGE (a:{AUTHOR} {{id: row.id}})
SET a.name = row.name, a.family = row.family, a.initials = row.initials, a.name_key = row.name_key
"""
_CREATE_CITES = f"""
UNWIND $rows AS row
MATCH (p:{PUBLICATION} {{id: row.publication}})
MATCH (w:{WORK} {{id: row.work}})
CREATE (p)-[r:{CITES}]->(w)
SET r.n = row.n, r.raw = row.raw, r.source = row.source, r.line = row.line, r.wave = row.wave,
    r.fmt = row.fmt, r.title = row.title, r.year = row.year, r.venue = row.venue, r.doi = row.doi,
    r.pmid = row.pmid, r.url = row.url, r.kind = row.kind, r.authors = row.authors,
    r.author_families = row.families, r.author_initials = row.initials, r.authors_truncated = row.truncated
"""
_CREATE_AUTHORED_BY = f"""
UNWIND $rows AS row
MATCH (w:{WORK} {{id: row.work}})
MATCH (a:{AUTHOR} {{id: row.author}})
CREATE (w)-[r:{AUTHORED_BY}]->(a)
SET r.pos = row.pos, r.wave = row.wave, r.source = row.source, r.line = row.line
"""
_CREATE_POSSIBLY_SAME = f"""
UNWIND $rows AS row
MATCH (a:{WORK} {{id: row.a}})
MATCH (b:{WORK} {{id: row.b}})
CREATE (a)-[r:{POSSIBLY_SAME}]->(b)
SET r.score = row.score, r.reason = row.reason, r.wave = row.wave, r.source = row.source, r.line = row.line
"""
PUBLICATIONS_FOUND = f"MATCH (p:{PUBLICATION}) WHERE p.id IN $ids RETURN p.id AS id"
FIND_WORK = f"""
MATCH (w:{WORK})
WHERE w.id = $key OR $key IN w.members
RETURN w.id AS id
"""
REVIEW_PAIRS = f"""
MATCH (a:{WORK})-[r:{POSSIBLY_SAME}]->(b:{WORK})
RETURN a.id AS a, b.id AS b, r.score AS score, r.reason AS reason,
       a.title AS a_title, a.year AS a_year, b.title AS b_title, b.year AS b_year,
       r.source AS source, r.line AS line
ORDER BY score DESC, a, b
"""


READ_AUTHOR_IDS = f"MATCH (a:{AUTHOR}) RETURN a.id AS id"
# Each Wave keeps the count of its CITES whose citing publication is of its study, for
# wave_changes (`tally_cites`, loaders/wave/tallies.py): every citation is written by `rewrite`,
# so it counts them again for every wave, in one pass over the citations.
CITES_BY_WAVE = f"""
MATCH (p:{PUBLICATION})-[r:{CITES}]->()
WHERE r.wave IS NOT NULL AND p.study IS NOT NULL
RETURN r.wave AS wave, p.study AS study, count(*) AS n
"""
_TALLY_CITES = f"""
MATCH (w:{WAVE})
SET w.tally_cites = coalesce(head([row IN $rows WHERE row.wave = w.id AND row.study = w.study | row.n]), 0)
"""
# Nodes the new resolution no longer has are deleted unless something else still points at them.
_DELETE_UNUSED = """
UNWIND $rows AS row
MATCH (n:{label} {{id: row.id}})
OPTIONAL MATCH (n)-[r]-()
WITH n, count(r) AS degree
WHERE degree = 0
DELETE n
"""


def statements() -> dict[str, str]:
    """Every Cypher statement of the citations loader by name, for linting against Neo4j's grammar."""
    named = {
        "READ_CITATIONS": READ_CITATIONS,
        "READ_DECISIONS": READ_DECISIONS,
        "READ_WORK_IDS": READ_WORK_IDS,
        "READ_AUTHOR_IDS": READ_AUTHOR_IDS,
        "PUBLICATIONS_FOUND": PUBLICATIONS_FOUND,
        "FIND_WORK": FIND_WORK,
        "REVIEW_PAIRS": REVIEW_PAIRS,
        "MERGE_WORKS": _MERGE_WORKS,
        "MERGE_AUTHORS": _MERGE_AUTHORS,
        "CREATE_CITES": _CREATE_CITES,
        "CREATE_AUTHORED_BY": _CREATE_AUTHORED_BY,
        "CREATE_POSSIBLY_SAME": _CREATE_POSSIBLY_SAME,
        "DELETE_UNUSED_WORKS": _DELETE_UNUSED.format(label=WORK),
        "DELETE_UNUSED_AUTHORS": _DELETE_UNUSED.format(label=AUTHOR),
        "CITES_BY_WAVE": CITES_BY_WAVE,
        "TALLY_CITES": _TALLY_CITES,
    }
    named.update({f"CLEAR_{i}": text for i, text in enumerate(_CLEAR)})
    return named


def read_refs(writer: Writer) -> list[CitedRef]:
    """Every citation in the graph, rebuilt from its CITES relationship."""
    return [ref_from_row(row) for row in writer.read(READ_CITATIONS).rows]


def read_decisions(writer: Writer) -> list[Decision]:
    found = set()
    for row in writer.read(READ_DECISIONS).rows:
        for text in row["decisions"] or []:
            action, a, b = text.split(" ")
            found.add(Decision.of(action, a, b))
    return sorted(found)


def rewrite(writer: Writer, resolution: Resolution, previous_works: set[str]) -> Counters:
    """Replace the citation subgraph with `resolution` (inside the caller's atomic unit).

    `previous_works` are the Work ids before the change (READ_WORK_IDS), so that only works
    that disappear are checked for deletion.
    """
    previous_authors = set(writer.read(READ_AUTHOR_IDS).values("id"))
    total = Counters()
    for statement in _CLEAR:
        total.add(writer.run(statement).counters)
    total.add(writer.run_batches(_MERGE_WORKS, work_rows(resolution), BATCH))
    total.add(writer.run_batches(_MERGE_AUTHORS, _author_rows(resolution), BATCH))
    total.add(writer.run_batches(_CREATE_CITES, _citation_rows(resolution), BATCH))
    total.add(writer.run_batches(_CREATE_AUTHORED_BY, _authorship_rows(resolution), BATCH))
    total.add(writer.run_batches(_CREATE_POSSIBLY_SAME, _possibly_same_rows(resolution), BATCH))
    gone_works = sorted(previous_works - {w.id for w in resolution.works})
    gone_authors = sorted(previous_authors - {a.id for a in resolution.authors})
    total.add(writer.run_batches(_DELETE_UNUSED.format(label=WORK), [{"id": i} for i in gone_works], BATCH))
    total.add(writer.run_batches(_DELETE_UNUSED.format(label=AUTHOR), [{"id": i} for i in gone_authors], BATCH))
    writer.run(_TALLY_CITES, {"rows": writer.read(CITES_BY_WAVE).rows})
    return total


def work_rows(resolution: Resolution) -> list[dict[str, Any]]:
    rows = []
    counts: dict[str, int] = {}
    for edge in resolution.citations:
        counts[edge.work] = counts.get(edge.work, 0) + 1
    for work in resolution.works:
        members = set(work.members)
        rep = work.representative.citation
        rows.append(
            {
                "id": work.id,
                "title": work.title,
                "title_key": work.title_key,
                "year": work.year,
                "venue": work.venue,
                "doi": work.doi,
                "pmid": work.pmid,
                "url": work.url,
                "kind": work.kind,
                "authors": [str(name) for name in work.authors],
                "key": work.key,
                "members": list(work.members),
                "decisions": [f"{d.action} {d.a} {d.b}" for d in resolution.decisions if {d.a, d.b} & members],
                "wave": list(work.waves),
                "source": rep.source,
                "line": rep.line,
                "citations": counts.get(work.id, 0),
            }
        )
    return rows


def _author_rows(resolution: Resolution) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "name": a.name,
            "family": a.family,
            "initials": a.initials,
            "name_key": author_match_key(Name(a.family, a.initials)),
        }
        for a in resolution.authors
    ]


def _citation_rows(resolution: Resolution) -> list[dict[str, Any]]:
    return [citation_row(edge.ref, edge.work) for edge in resolution.citations]


def citation_row(ref: CitedRef, work: str) -> dict[str, Any]:
    """A CITES row holding everything the reader parsed; `ref_from_row` turns it back into the same ref."""
    c = ref.citation
    return {
        "publication": ref.publication,
        "work": work,
        "n": c.n,
        "raw": c.raw,
        "source": c.source,
        "line": c.line,
        "wave": ref.wave,
        "fmt": c.fmt,
        "title": c.title,
        "year": c.year,
        "venue": c.venue,
        "doi": c.doi,
        "pmid": c.pmid,
        "url": c.url,
        "kind": c.kind,
        "authors": [str(name) for name in c.authors],
        "families": [name.family for name in c.authors],
        "initials": [name.initials for name in c.authors],
        "truncated": c.authors_truncated,
    }


def _authorship_rows(resolution: Resolution) -> list[dict[str, Any]]:
    return [
        {
            "work": a.work,
            "author": a.author,
            "pos": a.pos,
            "wave": a.ref.wave,
            "source": a.ref.citation.source,
            "line": a.ref.citation.line,
        }
        for a in resolution.authored_by
    ]


def _possibly_same_rows(resolution: Resolution) -> list[dict[str, Any]]:
    return [
        {
            "a": p.a,
            "b": p.b,
            "score": p.score,
            "reason": p.reason,
            "wave": sorted({ref.wave for ref in p.evidence if ref.wave}),
            "source": [ref.citation.source for ref in p.evidence],
            "line": [ref.citation.line for ref in p.evidence],
        }
        for p in resolution.possibly_same
    ]


def ref_from_row(row: dict[str, Any]) -> CitedRef:
    """The citation a CITES row (as READ_CITATIONS returns it) was written from."""
    names = tuple(
        Name(family, initials) for family, initials in zip(row["families"] or [], row["initials"] or [], strict=True)
    )
    citation = Citation(
        raw=row["raw"],
        title=row["title"],
        source=row["source"],
        line=row["line"],
        fmt=row["fmt"],
        n=row["n"],
        authors=names,
        authors_truncated=bool(row["truncated"]),
        year=row["year"],
        venue=row["venue"],
        doi=row["doi"],
        pmid=row["pmid"],
        url=row["url"],
        kind=row["kind"] or "other",
    )
    return CitedRef(row["publication"], citation, row["wave"])
