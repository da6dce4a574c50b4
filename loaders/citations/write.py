"""Load reference lists into the knowledge base and record reviewers' decisions.

Every change re-resolves all citations in the graph (plus the new list) and rewrites the
citation subgraph in one atomic unit, so the works never depend on the order lists were loaded
in, a reload of the same file replaces its earlier citations, and decisions apply everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.errors import NotFound, UsageError, ValidationError, shorten
from kb.store.base import Store, Writer
from loaders.citations import graph
from loaders.citations.model import ReadResult
from loaders.citations.read import read_citations
from loaders.citations.resolve import MERGE, SPLIT, Decision, Resolution, record, resolve
from loaders.citations.works import CitedRef
from loaders.report import Changes, CitationGraph, LoadReport, LoadWarning, ReferenceList, Source
from loaders.wave.spec import MAX_ID_LENGTH


def load_citations(
    store: Store, path: str | Path, cited_by: str, fmt: str | None = None, wave: str | None = None
) -> LoadReport:
    """Load the reference list at `path` as the references of publication `cited_by`.

    `fmt` is one of loaders.citations.FORMATS, or None to guess it. Entries that cannot be read
    are reported as warnings and the rest loads; a file with no readable entry at all raises
    ValidationError (or UsageError when it is simply empty) and changes nothing. Loading a file
    with the same base name for the same publication again replaces its earlier citations
    (status 'updated').
    """
    result = read_citations(path, fmt)
    with store.atomic() as writer:
        [loaded], works = load_reference_lists(writer, [(result, cited_by)], wave)
    removed = {"CITES": loaded.replaced, "Work": works.works_removed}
    return LoadReport(
        kind="references",
        status="updated" if loaded.replaced else "loaded",
        wave=wave,
        study=None,
        source=Source(str(path)),
        changes=Changes(
            created=created_by_lists([loaded], works),
            removed={name: count for name, count in removed.items() if count},
        ),
        warnings=list_warnings(result),
        references=(loaded,),
        citations=works,
    )


def created_by_lists(lists: Sequence[ReferenceList], works: CitationGraph) -> dict[str, int]:
    """What loading `lists` created, as a load report counts it: their citations and any new works."""
    created = {"CITES": sum(loaded.citations for loaded in lists), "Work": works.works_created}
    return {name: count for name, count in created.items() if count}


def list_warnings(result: ReadResult) -> tuple[LoadWarning, ...]:
    """A list's entries that could not be read (skipped), then those read after a repair."""
    return tuple(LoadWarning.of(problem) for problem in (*result.problems, *result.warnings))


def load_reference_lists(
    writer: Writer, lists: Sequence[tuple[ReadResult, str]], wave: str | None = None
) -> tuple[tuple[ReferenceList, ...], CitationGraph]:
    """Load already-read lists, each with the id of the publication citing it, inside the caller's atomic unit.

    For a loader that writes a whole wave in one unit (its publications and their reference
    lists together): the graph is resolved and rewritten once for all the lists. Returns how each
    list loaded, in order, and the cited works after the load.
    """
    for result, _ in lists:
        _require_citations(result)
    _require_publications(writer, sorted({cited_by for _, cited_by in lists}))
    replacing = {(cited_by, result.source) for result, cited_by in lists}
    before = {row["id"] for row in writer.read(graph.READ_WORK_IDS).rows}
    existing = graph.read_refs(writer)
    kept = [ref for ref in existing if (ref.publication, ref.citation.source) not in replacing]
    new_refs = [CitedRef(cited_by, c, wave) for result, cited_by in lists for c in result.citations]
    resolution = resolve(kept + new_refs, graph.read_decisions(writer))
    graph.rewrite(writer, resolution, before)
    replaced = Counter(key for ref in existing if (key := (ref.publication, ref.citation.source)) in replacing)
    loaded = tuple(
        ReferenceList(
            file=result.source,
            format=result.fmt,
            cited_by=cited_by,
            citations=len(result.citations),
            replaced=replaced[(cited_by, result.source)],
            **_list_summary(resolution, cited_by, result.source),
        )
        for result, cited_by in lists
    )
    return loaded, _works(resolution, before)


def remove_wave_citations(writer: Writer, wave: str) -> dict[str, Any]:
    """Inside the caller's atomic unit, drop the citations a wave loaded and rebuild the works from the rest.

    Works only that wave cited disappear (unless another relationship holds them); decisions stay.
    """
    before = {row["id"] for row in writer.read(graph.READ_WORK_IDS).rows}
    existing = graph.read_refs(writer)
    kept = [ref for ref in existing if ref.wave != wave]
    resolution = resolve(kept, graph.read_decisions(writer))
    graph.rewrite(writer, resolution, before)
    return {"wave": wave, "citations_removed": len(existing) - len(kept), **_works(resolution, before).as_dict()}


def _require_citations(result: ReadResult) -> None:
    if result.citations:
        return
    if result.problems:
        raise ValidationError(list(result.problems))
    raise UsageError(f"{result.source}: no references found; check the file or pass the format explicitly")


def _require_publications(writer: Writer, ids: list[str]) -> None:
    found = set(writer.read(graph.PUBLICATIONS_FOUND, {"ids": ids}).values("id"))
    missing = [pub for pub in ids if pub not in found]
    if missing:
        raise NotFound(
            f"publication '{shorten(missing[0], MAX_ID_LENGTH)}' is not in the knowledge base; "
            "load its wave first or check the id"
        )


def review(store: Store) -> list[dict[str, Any]]:
    """Pairs of works that may be one, best first: ids, score, why, titles, years and the citations behind them."""
    return store.read(graph.REVIEW_PAIRS).rows


def merge(store: Store, a: str, b: str) -> dict[str, Any]:
    """Record that works `a` and `b` are one work, and rebuild; the decision outlives later loads."""
    return _decide(store, MERGE, a, b)


def split(store: Store, a: str, b: str) -> dict[str, Any]:
    """Record that works `a` and `b` are different works, and rebuild; no score will join them again."""
    return _decide(store, SPLIT, a, b)


def _decide(store: Store, action: str, a: str, b: str) -> dict[str, Any]:
    first, second = _node_of(store, a), _node_of(store, b)
    if first == second:
        raise UsageError(f"'{shorten(a, MAX_ID_LENGTH)}' is given twice; name two different works")
    with store.atomic() as writer:
        before = {row["id"] for row in writer.read(graph.READ_WORK_IDS).rows}
        decisions = record(graph.read_decisions(writer), Decision.of(action, first, second))
        resolution = resolve(graph.read_refs(writer), decisions)
        graph.rewrite(writer, resolution, before)
    return {"decision": f"{action} {first} {second}", **_works(resolution, before).as_dict()}


def _node_of(store: Store, key: str) -> str:
    """`key` itself when a work has it as id or member id; NotFound otherwise."""
    if not store.read(graph.FIND_WORK, {"key": key}).rows:
        raise NotFound(
            f"no work '{shorten(key, MAX_ID_LENGTH)}' in the knowledge base; `kb citations review` lists work ids"
        )
    return key


def _list_summary(resolution: Resolution, cited_by: str, source: str) -> dict[str, int]:
    """How this list's citations resolved: distinct works, repeats within the list, works shared with other lists."""
    mine = [e for e in resolution.citations if (e.publication, e.ref.citation.source) == (cited_by, source)]
    works = Counter(e.work for e in mine)
    elsewhere = {e.work for e in resolution.citations if (e.publication, e.ref.citation.source) != (cited_by, source)}
    return {
        "works_in_list": len(works),
        "duplicates_in_list": sum(count - 1 for count in works.values()),
        "shared_with_other_lists": len(set(works) & elsewhere),
    }


def _works(resolution: Resolution, before: set[str]) -> CitationGraph:
    after = {work.id for work in resolution.works}
    return CitationGraph(
        works=len(after),
        works_created=len(after - before),
        works_removed=len(before - after),
        authors=len(resolution.authors),
        possibly_same=len(resolution.possibly_same),
        conflicts=tuple(resolution.conflicts),
    )
