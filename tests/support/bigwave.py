"""Shared parts of the fault tests: a large generated wave, the `kb` command as a process, observations.

The large wave comes from `kb synth` (kb/synth): a vocabulary wave that is loaded first and stands
for the waves a data steward already has, and a national wave (participants, organisations, advice
ties, coded evidence) that is the load under test. Every fault test works in its own data
directory, with its own engine, and talks to it only as the product does: the `kb` command in a
child process, or a store opened on the same data directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kb import engine
from kb.config import load_config
from kb.schema import label
from kb.store import Store, open_store
from kb.store.falkor import STAGING_SUFFIX
from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE, VOCAB_WAVE
from loaders.wave.api import load_package

LONG = os.environ.get("KB_LONG") == "1"
# Long mode: the national wave of `kb synth --scale 0.2`, ~100k CSV rows becoming ~145k facts (a
# minute to load here, most of it the survey-network measures computed inside the atomic unit).
# Normal suite: scale 0.05 without the advice-tie file (and so without the measures), ~5k rows
# becoming ~16k facts, about 2 s to load.
SCALE = 0.2 if LONG else 0.05
WITH_ADVICE_TIES = LONG
SEED = 20240611
PROCESS_TIMEOUT_S = 300


@dataclass(frozen=True)
class SynthWaves:
    """The two packages of a generated England that the fault tests load."""

    vocab: Path
    national: Path
    scale: float
    national_wave: str = NATIONAL_WAVE
    vocab_wave: str = VOCAB_WAVE


def make_waves(out: Path, scale: float = SCALE, advice_ties: bool = WITH_ADVICE_TIES) -> SynthWaves:
    """Generate the vocabulary and national packages (the literature package is not needed)."""
    synthesize(out, scale=scale, seed=SEED)
    national = out / PACKAGES[NATIONAL_WAVE]
    if not advice_ties:
        (national / "advice_ties.csv").unlink()
    return SynthWaves(out / PACKAGES[VOCAB_WAVE], national, scale)


@dataclass(frozen=True)
class CleanLoad:
    """What an uninterrupted load of the national wave does, measured once per session."""

    before: dict[str, int]  # counts with only the vocabulary wave loaded
    after: dict[str, int]  # counts once the national wave is loaded
    seconds: float  # wall time of `kb load` of the national wave, start of the process to its exit


def kb_command(data_dir: Path, *args: str) -> list[str]:
    """`kb --data-dir DATA_DIR ARGS...` as an argument list for a child process."""
    return [sys.executable, "-m", "kb.cli", "--data-dir", str(data_dir), *args]


def run_kb(data_dir: Path, *args: str, timeout: float = PROCESS_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run `kb` to completion and return its exit code and output."""
    return subprocess.run(kb_command(data_dir, *args), capture_output=True, text=True, timeout=timeout)


def start_kb(data_dir: Path, *args: str) -> subprocess.Popen:
    """Start `kb` in the background (stdout and stderr captured as text)."""
    return subprocess.Popen(kb_command(data_dir, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def open_data_dir(data_dir: Path) -> Store:
    """The knowledge base of `data_dir` (its default graph, the one `kb` uses), starting the engine if needed."""
    return open_store(load_config(data_dir=data_dir, env={}))


def load_vocabulary(data_dir: Path, waves: SynthWaves) -> None:
    """Load the vocabulary wave (it stands for the waves a steward has already loaded and been told so)."""
    with open_data_dir(data_dir) as store:
        assert load_package(store, waves.vocab).status == "loaded"


def discard(data_dir: Path) -> None:
    """End the engine of a data directory the test is done with, and delete the directory.

    SIGKILL rather than a clean stop: the directory is thrown away, and a clean stop spends ~4 s in
    the client's reconnection back-off after the server has gone (see docs/reliability.md).
    """
    engine.kill(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


def graph_counts(store: Store) -> dict[str, int]:
    """Nodes per first label and relationships per type, plus the totals: what a reader can count."""
    nodes = store.read("MATCH (n) RETURN labels(n)[0] AS name, count(n) AS n").rows
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS name, count(r) AS n").rows
    counts = {row["name"]: row["n"] for row in nodes + rels}
    counts["nodes total"] = sum(row["n"] for row in nodes)
    counts["relationships total"] = sum(row["n"] for row in rels)
    return counts


WAVE_FOOTPRINT = (
    "MATCH (n) WITH count(n) AS all_nodes, sum(CASE WHEN $wave IN n.waves THEN 1 ELSE 0 END) AS wave_nodes "
    "OPTIONAL MATCH ()-[r]->() "
    "WITH all_nodes, wave_nodes, count(r) AS all_rels, sum(CASE WHEN r.wave = $wave THEN 1 ELSE 0 END) AS wave_rels "
    f"OPTIONAL MATCH (w:{label('Wave')} {{id: $wave}}) "
    "RETURN all_nodes, all_rels, wave_nodes, wave_rels, count(w) AS wave_node"
)


def wave_footprint(store: Store, wave_id: str) -> tuple[int, int, int, int, int]:
    """One snapshot, taken by one query: (all nodes, all relationships, nodes the wave defines,
    relationships it wrote, its Wave node)."""
    row = store.read(WAVE_FOOTPRINT, {"wave": wave_id}).first()
    return tuple(int(row[key]) for key in ("all_nodes", "all_rels", "wave_nodes", "wave_rels", "wave_node"))


def content_digest(store: Store) -> str:
    """sha256 over every node (labels, properties) and relationship (type, end ids, properties)."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props").rows
    lines = sorted(json.dumps(row, sort_keys=True, default=str) for row in nodes + rels)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def staging_exists(data_dir: Path, graph: str = "kb") -> bool:
    """Whether an atomic unit is being written now (its staging copy exists in the engine).

    Only to tell, when a loader is killed, whether it was still validating or already writing;
    queries never see the staging copy.
    """
    import redis

    state = engine.status(data_dir)
    if not state.running:
        return False
    client = redis.Redis(unix_socket_path=state.socket, socket_timeout=5)
    try:
        return bool(client.exists(graph + STAGING_SUFFIX))
    finally:
        client.close()


def wait_for_staging(data_dir: Path, process: subprocess.Popen, timeout: float = 120.0) -> bool:
    """Wait until the loader `process` has begun writing; False if it ended or the time ran out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if staging_exists(data_dir):
            return True
        time.sleep(0.01)
    return False


def kill_times(duration: float, count: int, seed: int) -> list[float]:
    """`count` kill times spread over a load of `duration` seconds: one random time in each of
    `count` equal slices of [5%, 95%] of it (seeded, so a run can be repeated)."""
    rng = random.Random(seed)
    start, span = 0.05 * duration, 0.9 * duration
    return [start + span * (i + rng.random()) / count for i in range(count)]


def record_figures(name: str, figures: dict) -> None:
    """Write a run's figures to $KB_FIGURES_DIR/<name>.json when that variable is set (for docs/reliability.md)."""
    folder = os.environ.get("KB_FIGURES_DIR")
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    (path / f"{name}.json").write_text(json.dumps(figures, indent=2, sort_keys=True, default=str))
