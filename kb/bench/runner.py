"""One benchmark run, start to finish, on a fresh embedded engine in a temporary data directory.

Order: generate the packages; load the demo studies and the synthetic vocabulary; load the
national wave fresh and again unchanged; load the literature; run FalkorDB's bulk loader on the
same data as the reference; time the query library and the app's pages against the loaded
knowledge base; then load the national wave at 1/4 and 1/2 of the scale into graphs of their own
to see how cost grows. The engine is stopped and the folder removed at the end (unless kept).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb import engine
from kb.bench import loads
from kb.bench.child import load_in_subprocess
from kb.bench.latency import time_pages, time_queries
from kb.bench.machine import machine_info
from kb.bench.targets import evaluate
from kb.errors import EngineError
from kb.synth import PACKAGES, plan_for, synthesize
from kb.synth.plan import LITERATURE_WAVE, NATIONAL_WAVE, STUDY_ID, VOCAB_WAVE

FORMAT = 1
SHARES = (0.25, 0.5)  # the smaller scales of the growth series, as shares of --scale
Say = Callable[[str], None]


@contextmanager
def workspace(work_dir: Path | None, keep: bool) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="kb-bench-", dir=work_dir))
    try:
        yield root
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _stop(data_dir: Path) -> None:
    try:
        engine.stop(data_dir)
    except EngineError:  # it did not stop in time: do not leave it running
        engine.kill(data_dir)


def _package_paths(folder: Path) -> dict[str, Path]:
    return {wave: folder / name for wave, name in PACKAGES.items()}


def expected_elements(summary: dict[str, Any], measured: dict[str, Any] | None = None) -> int:
    """What the national wave should create: the files' elements, its Wave node and HAS_WAVE, REPORTED_IN,
    and the OBSERVED_IN holding each measured participant's survey measures (`measured`, as the load reports)."""
    national = next(p for p in summary["packages"] if p["wave"] == NATIONAL_WAVE)
    elements: int = national["nodes"] + national["relationships"] + 2 + 3 + (measured or {}).get("participants", 0)
    return elements


def _scale_series(
    root: Path, data_dir: Path, socket: str, scale: float, seed: int, figures: dict[str, Any], say: Say
) -> list[dict[str, Any]]:
    """The national wave fresh at each share of the scale, and through the bulk loader at each, on
    the same engine in the same run, so each scale's ratio compares like with like."""
    series = []
    for share in SHARES:
        folder = root / f"synth-{share:g}"
        say(f"generating and loading scale {scale * share:g}")
        synthesize(folder, scale * share, seed)
        paths, graph = _package_paths(folder), f"bench_scale_{share:g}"
        load_in_subprocess(data_dir, graph, paths[VOCAB_WAVE])
        result = load_in_subprocess(data_dir, graph, paths[NATIONAL_WAVE])
        with loads.open_graph(data_dir, graph) as store:
            store.drop()
        bulk = loads.bulk_reference(data_dir, socket, [paths[VOCAB_WAVE], paths[NATIONAL_WAVE]], folder / "bulk", say)
        shutil.rmtree(folder, ignore_errors=True)
        series.append(_series_entry(share, scale * share, result, bulk))
    series.append(_series_entry(1.0, scale, figures["load"]["fresh"], figures["load"]["bulk"]))
    return series


def _series_entry(share: float, scale: float, result: dict[str, Any], bulk: dict[str, Any]) -> dict[str, Any]:
    created = result["created_total"]
    # As for the fresh load's target: each loader's elements over its whole process's wall time.
    process = created / result["wall_seconds"] if result.get("wall_seconds") else None
    bulk_rate = bulk.get("elements_per_s")
    return {
        "share": share,
        "scale": round(scale, 6),
        "seconds": result["seconds"],
        "elements": created,
        "elements_per_s": round(created / result["seconds"], 1),
        "process_elements_per_s": round(process, 1) if process else None,
        "bulk_elements_per_s": bulk_rate,
        "vs_bulk": round(process / bulk_rate, 3) if process and bulk_rate else None,
        "vmhwm_mb": result.get("vmhwm_mb"),
        "ru_maxrss_mb": result.get("ru_maxrss_mb"),
    }


def _measure(root: Path, data_dir: Path, socket: str, figures: dict[str, Any], say: Say) -> None:
    paths = _package_paths(root / "synth")
    figures["load"]["demo"] = loads.load_demo(data_dir, say)
    figures["load"].update(
        loads.fresh_and_reload(data_dir, paths[VOCAB_WAVE], paths[NATIONAL_WAVE], NATIONAL_WAVE, say)
    )
    fresh = figures["load"]["fresh"]
    fresh["expected_elements"] = expected_elements(figures["synth"], fresh.get("measured"))
    figures["load"]["literature"] = loads.literature(data_dir, paths[LITERATURE_WAVE], LITERATURE_WAVE, say)
    bulk = loads.bulk_reference(data_dir, socket, [paths[VOCAB_WAVE], paths[NATIONAL_WAVE]], root / "bulk", say)
    figures["load"]["bulk"] = bulk
    if "elements_per_s" in bulk:
        figures["load"]["fresh_vs_bulk"] = round(figures["load"]["fresh"]["elements_per_s"] / bulk["elements_per_s"], 3)
    say("timing the query library")
    with loads.open_graph(data_dir) as store:
        figures["graph"] = loads.graph_counts(store)
        figures["queries"] = time_queries(store, STUDY_ID)
    say("rendering the app's pages")
    figures["ui"] = time_pages(data_dir)


def run_benchmark(
    scale: float = 1.0, seed: int = 1, work_dir: Path | None = None, keep: bool = False, say: Say = lambda message: None
) -> dict[str, Any]:
    """Run every measurement once and return the figures, with each target judged."""
    plan_for(scale, seed)  # refuse a bad scale before starting anything
    started = time.perf_counter()
    figures: dict[str, Any] = {
        "benchmark": "kb bench",
        "format": FORMAT,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "scale": scale,
        "seed": seed,
        "load": {},
        "queries": [],
        "ui": [],
        "scales": [],
    }
    with workspace(work_dir, keep) as root:
        say(f"generating the synthetic England at scale {scale:g} in {root}")
        synth = synthesize(root / "synth", scale, seed)
        figures["synth"] = {"seconds": synth["seconds"], "plan": synth["plan"], "packages": synth["packages"]}
        data_dir = root / "data"
        state = engine.start(data_dir)
        try:
            figures["machine"] = machine_info(state.version)
            if state.socket is None:  # a started engine always reports its socket
                raise EngineError(f"the embedded engine in {data_dir} started without a socket; see its engine.log")
            _measure(root, data_dir, state.socket, figures, say)
            figures["scales"] = _scale_series(root, data_dir, state.socket, scale, seed, figures, say)
        finally:
            _stop(data_dir)
        figures["workspace"] = str(root) if keep else None
    figures["machine"]["load_average_end"] = machine_info(None)["load_average"]
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["targets"] = evaluate(figures)
    return figures
