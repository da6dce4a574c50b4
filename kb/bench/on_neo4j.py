"""`kb bench --engine neo4j`: the load and query measurements against a Neo4j server.

The server is the one the configuration names (--uri or NEO4J_URI, NEO4J_USERNAME, NEO4J_DATABASE,
and NEO4J_PASSWORD or NEO4J_PASSWORD_FILE). The benchmark writes and deletes a whole synthetic
England, so it refuses a database that holds anything. In one run it:

1. generates the packages at --scale (seed --seed) in a temporary folder;
2. loads the curated demo studies and the synthetic vocabulary, each in a child process;
3. loads the national wave fresh: seconds, elements per second, the loader's stages, the child's
   peak memory and how its unit was written (nodes and relationships staged in committed
   batches, relationships kept back for publication, seconds staging and publishing);
4. loads it again unchanged (it must change nothing), then the literature wave;
5. times every library query, as the embedded benchmark does;
6. records the server's version and memory settings, then empties the database (unless --keep).

What it cannot measure from the client is the server's own heap: watch `SHOW TRANSACTIONS YIELD
currentQuery, estimatedUsedHeapMemory` or the server's metrics during step 3 for that.
FalkorDB's bulk loader, the app's pages and the growth series are embedded-engine measurements
and are not run here.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.bench import loads
from kb.bench.child import load_in_subprocess
from kb.bench.latency import time_queries
from kb.bench.machine import machine_info
from kb.bench.runner import FORMAT, Say, expected_elements, workspace
from kb.bench.targets import evaluate
from kb.config import Config
from kb.errors import KBError, UsageError
from kb.store import open_store
from kb.store.base import Store
from kb.store.neo4j import read_password
from kb.synth import PACKAGES, plan_for, synthesize
from kb.synth.plan import LITERATURE_WAVE, NATIONAL_WAVE, STUDY_ID, VOCAB_WAVE

MEMORY_SETTINGS = [
    "server.memory.heap.initial_size",
    "server.memory.heap.max_size",
    "server.memory.pagecache.size",
    "dbms.memory.transaction.total.max",
    "db.memory.transaction.total.max",
    "db.memory.transaction.max",
]


def _child_target(config: Config) -> dict[str, str]:
    """The settings a child process needs to open the same Neo4j database."""
    target = {"NEO4J_URI": config.uri or "", "NEO4J_USERNAME": config.neo4j_username, "NEO4J_PASSWORD": read_password()}
    if config.neo4j_database:
        target["NEO4J_DATABASE"] = config.neo4j_database
    return target


def _require_empty(store: Store) -> None:
    held = loads.graph_counts(store)
    if held["nodes"] or held["relationships"]:
        info = store.info()
        raise UsageError(
            f"kb bench --engine neo4j writes and deletes a whole synthetic England, but database "
            f"'{info['database']}' at {info['address']} holds {held['nodes']:,} nodes: point it at an empty one"
        )


def server_settings(store: Store) -> dict[str, Any]:
    """The server's memory settings (through the write path: the read path refuses SHOW SETTINGS)."""
    try:
        rows = store.write(
            "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value", {"names": MEMORY_SETTINGS}
        ).rows
    except KBError as exc:
        return {"error": str(exc)}
    return {row["name"]: row["value"] for row in rows}


def _loads(root: Path, config: Config, figures: dict[str, Any], say: Say) -> None:
    target = _child_target(config)
    data_dir = root / "unused-data-dir"  # the child's embedded engine is never started
    paths = {wave: root / "synth" / name for wave, name in PACKAGES.items()}
    from loaders.wave.api import demo_packages

    for package in demo_packages():
        say(f"loading demo package {package.name}")
        load_in_subprocess(data_dir, loads.MAIN_GRAPH, package, target)
    say("loading the synthetic vocabulary")
    load_in_subprocess(data_dir, loads.MAIN_GRAPH, paths[VOCAB_WAVE], target)
    say("loading the national wave (fresh)")
    fresh = load_in_subprocess(data_dir, loads.MAIN_GRAPH, paths[NATIONAL_WAVE], target)
    fresh["elements_per_s"] = round(fresh["created_total"] / fresh["wall_seconds"], 1)
    say("loading the national wave again (unchanged)")
    with open_store(config) as store:
        before = loads.graph_counts(store)
    reload = load_in_subprocess(data_dir, loads.MAIN_GRAPH, paths[NATIONAL_WAVE], target)
    with open_store(config) as store:
        after = loads.graph_counts(store)
    reload.update(
        counts_before=before, counts_after=after, changed_nothing=reload["status"] == "unchanged" and before == after
    )
    say("loading the literature wave")
    literature = load_in_subprocess(data_dir, loads.MAIN_GRAPH, paths[LITERATURE_WAVE], target)
    figures["load"] = {"fresh": fresh, "reload": reload, "literature": literature}


def run_neo4j_benchmark(
    config: Config,
    scale: float = 1.0,
    seed: int = 1,
    work_dir: Path | None = None,
    keep: bool = False,
    say: Say = lambda message: None,
) -> dict[str, Any]:
    """Run the Neo4j measurements once against the server `config` names; the figures, targets judged."""
    if not config.uri:
        raise UsageError("kb bench --engine neo4j needs a Neo4j server: pass --uri or set NEO4J_URI")
    plan_for(scale, seed)  # refuse a bad scale before writing anything
    started = time.perf_counter()
    figures: dict[str, Any] = {
        "benchmark": "kb bench",
        "engine": "neo4j",
        "format": FORMAT,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "scale": scale,
        "seed": seed,
        "load": {},
        "queries": [],
        "ui": [],
        "scales": [],
    }
    with open_store(config) as store:
        _require_empty(store)
        figures["server"] = {**store.info(), "settings": server_settings(store)}
    with workspace(work_dir, keep) as root:
        say(f"generating the synthetic England at scale {scale:g} in {root}")
        synth = synthesize(root / "synth", scale, seed)
        figures["synth"] = {"seconds": synth["seconds"], "plan": synth["plan"], "packages": synth["packages"]}
        figures["machine"] = machine_info(None)
        try:
            _loads(root, config, figures, say)
            fresh = figures["load"]["fresh"]
            fresh["expected_elements"] = expected_elements(figures["synth"], fresh.get("measured"))
            say("timing the query library")
            with open_store(config) as store:
                figures["graph"] = loads.graph_counts(store)
                figures["queries"] = time_queries(store, STUDY_ID)
        finally:
            if not keep:
                with open_store(config) as store:
                    store.drop()
            shutil.rmtree(root / "unused-data-dir", ignore_errors=True)
        figures["workspace"] = str(root) if keep else None
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["targets"] = evaluate(figures)
    return figures
