"""The load measurements: demo, vocabulary, fresh national wave, unchanged reload, literature, bulk reference."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kb.bench.bulk import bulk_command, run_bulk_loader, write_bulk_csvs
from kb.bench.child import load_in_subprocess
from kb.config import load_config
from kb.errors import KBError
from kb.schema import label
from kb.store.base import Store
from kb.store.falkor import FalkorStore

MAIN_GRAPH = "kb"
BULK_GRAPH = "bench_bulk"
Say = Callable[[str], None]


def graph_counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) RETURN count(n) AS c").single_value()
    rels = store.read("MATCH ()-[r]->() RETURN count(r) AS c").single_value()
    return {"nodes": int(nodes or 0), "relationships": int(rels or 0)}


def open_graph(data_dir: Path, graph: str = MAIN_GRAPH) -> FalkorStore:
    """A graph of the benchmark's own embedded engine (the benchmark measures FalkorDB only)."""
    return FalkorStore(load_config(data_dir=data_dir, env={}), graph=graph)


def _wave_stamp(store: Store, wave: str) -> Any:
    return store.read(f"MATCH (w:{label('Wave')} {{id: $id}}) RETURN w.loaded_at AS t", {"id": wave}).single_value()


def load_demo(data_dir: Path, say: Say) -> dict[str, Any]:
    """The curated demo studies, so the library's default parameters find their entities."""
    try:
        from loaders.wave.api import demo_packages

        packages = demo_packages()
    except KBError as exc:
        return {"error": str(exc)}
    seconds, created = 0.0, 0
    for package in packages:
        say(f"loading demo package {package.name}")
        result = load_in_subprocess(data_dir, MAIN_GRAPH, package)
        seconds += result["seconds"]
        created += result["created_total"]
    return {"packages": len(packages), "seconds": round(seconds, 3), "created_total": created}


def fresh_and_reload(data_dir: Path, vocab: Path, national: Path, wave: str, say: Say) -> dict[str, Any]:
    """Load the national wave fresh, then again unchanged; the reload must change nothing."""
    say("loading the synthetic vocabulary")
    load_in_subprocess(data_dir, MAIN_GRAPH, vocab)
    say("loading the national wave (fresh)")
    fresh = load_in_subprocess(data_dir, MAIN_GRAPH, national)
    fresh["elements_per_s"] = round(fresh["created_total"] / fresh["wall_seconds"], 1)
    with open_graph(data_dir) as store:
        before, stamp = graph_counts(store), _wave_stamp(store, wave)
    say("loading the national wave again (unchanged)")
    reload = load_in_subprocess(data_dir, MAIN_GRAPH, national)
    with open_graph(data_dir) as store:
        after, stamp_after = graph_counts(store), _wave_stamp(store, wave)
    reload.update(
        counts_before=before,
        counts_after=after,
        changed_nothing=reload["status"] == "unchanged" and before == after and stamp == stamp_after,
    )
    return {"fresh": fresh, "reload": reload}


def _cite(data_dir: Path, literature: Path, wave: str) -> dict[str, Any]:
    """The reference lists through the citations loader, in one unit, as a wave loader would call it."""
    import yaml

    from loaders.citations.api import load_reference_lists
    from loaders.citations.read import read_citations

    manifest = yaml.safe_load((literature / "wave.yaml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    lists = [(read_citations(literature / c["file"], c["format"]), c["cited_by"]) for c in manifest["citations"]]
    with open_graph(data_dir) as store:
        with store.atomic() as writer:
            loaded, works = load_reference_lists(writer, lists, wave)
    seconds = time.perf_counter() - started
    citations = sum(listed.citations for listed in loaded)
    return {
        "seconds": round(seconds, 3),
        "citations": citations,
        "works": works.works,
        "authors": works.authors,
        "citations_per_s": round(citations / seconds, 1) if seconds else None,
    }


def _works(data_dir: Path) -> int:
    with open_graph(data_dir) as store:
        return int(store.read(f"MATCH (w:{label('Work')}) RETURN count(w) AS c").single_value() or 0)


def literature(data_dir: Path, package: Path, wave: str, say: Say) -> dict[str, Any]:
    """The literature wave; its reference lists go through the citations loader if the wave loader left them.

    Elements are counted in the graph (before and after), not taken from the load report, so the
    figure does not depend on how a loader counts works shared between lists.
    """
    say("loading the literature wave")
    with open_graph(data_dir) as store:
        before = graph_counts(store)
    works_before = _works(data_dir)
    result = load_in_subprocess(data_dir, MAIN_GRAPH, package)
    if _works(data_dir) > works_before:
        result["citations_by"] = "wave loader"
    else:
        try:
            say("loading its reference lists through the citations loader")
            result["citations"] = _cite(data_dir, package, wave)
            result["citations_by"] = "loaders.citations.api.load_reference_lists (the wave loader did not load them)"
        except ImportError:
            result["citations_by"] = "not loaded: no citations loader"
        except KBError as exc:
            result["citations"] = {"error": str(exc)}
    with open_graph(data_dir) as store:
        after = graph_counts(store)
    result["elements"] = after["nodes"] + after["relationships"] - before["nodes"] - before["relationships"]
    result["works_created"] = _works(data_dir) - works_before
    return result


def bulk_reference(data_dir: Path, socket: str, packages: list[Path], work: Path, say: Say) -> dict[str, Any]:
    """The same vocabulary and national wave through FalkorDB's bulk loader, into a graph of its own."""
    if not bulk_command():
        return {"error": "falkordb-bulk-insert not found; pip install falkordb-bulk-loader"}
    say("writing the bulk loader's CSV files")
    started = time.perf_counter()
    files = write_bulk_csvs(packages, work)
    prepared = time.perf_counter() - started
    say("running FalkorDB's bulk loader")
    try:
        result = run_bulk_loader(files, socket, BULK_GRAPH)
    except RuntimeError as exc:
        return {"error": str(exc)}
    store = open_graph(data_dir, BULK_GRAPH)
    with store:
        result["counts"] = graph_counts(store)
        store.drop()
    total = result["counts"]["nodes"] + result["counts"]["relationships"]
    result.update(
        csv_seconds=round(prepared, 3),
        elements=total,
        elements_per_s=round(total / result["seconds"], 1),
        socket=f"unix:{socket}",
    )
    return result
