"""Load one wave package in a process of its own, so its peak memory is the loader's alone.

    python -m kb.bench.child DATA_DIR GRAPH PACKAGE

prints one JSON object: the loader's status, wall seconds of `load_package`, what it created, and
the process's peak resident memory two ways (getrusage's ru_maxrss and /proc's VmHWM, which agree
on Linux; macOS has only the first). The child loads into the embedded engine in DATA_DIR, or
into the Neo4j server its environment names (NEO4J_URI and the rest, set by `load_in_subprocess`
for `kb bench --engine neo4j`); on Neo4j it also reports how the load's unit was staged.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kb.errors import KBError

CHILD_TIMEOUT_S = 1800  # a hung engine fails the run instead of stalling it
TARGET_SETTINGS = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_DATABASE")  # which knowledge base the child loads into


def peak_rss_mb() -> dict[str, float | None]:
    """Peak resident memory of this process in MB: ru_maxrss and VmHWM (None where unavailable)."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss_mb = maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024  # bytes on macOS, KiB on Linux
    hwm = None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"ru_maxrss_mb": round(maxrss_mb, 1), "vmhwm_mb": round(hwm, 1) if hwm is not None else None}


class StageClock:
    """Seconds per loader stage, from the loader's own progress callback (no patching of its code).

    Time before the first callback is 'prepare' (read, validate, check against the store, plan);
    each stage then lasts until the next one starts; after the last callback comes 'finish'.
    """

    def __init__(self) -> None:
        self.started = self.mark = time.perf_counter()
        self.current = "prepare"
        self.seconds: dict[str, float] = {}

    def __call__(self, done: int, total: int, stage: str) -> None:
        if stage != self.current:
            self._close(stage)

    def _close(self, next_stage: str) -> None:
        now = time.perf_counter()
        self.seconds[self.current] = round(self.seconds.get(self.current, 0.0) + now - self.mark, 3)
        self.current, self.mark = next_stage, now

    def finish(self) -> dict[str, float]:
        self._close("done")
        return self.seconds


def _load(data_dir: str, graph: str, package: str) -> dict[str, Any]:
    from kb.config import load_config
    from kb.store import open_store
    from loaders.wave.api import load_package

    target = {name: os.environ[name] for name in TARGET_SETTINGS if os.environ.get(name)}
    store = open_store(load_config(data_dir=data_dir, env=target), graph=graph)
    try:
        clock = StageClock()
        report = load_package(store, package, on_progress=clock)
        seconds = time.perf_counter() - clock.started
        stages = clock.finish()
        unit = _unit_stats(store) if target else None
    finally:
        store.close()
    created = dict(report.changes.created)
    return {
        "status": report.status,
        "seconds": round(seconds, 3),
        "stages": stages,
        "created": created,
        "created_total": sum(created.values()),
        "measured": dict(report.measured),
        **({"unit": unit.as_dict()} if unit else {}),
        **peak_rss_mb(),
    }


def _unit_stats(store: Any) -> Any:
    """How the load's unit was staged on Neo4j. The driver is imported only for a Neo4j target: it
    imports pandas, about 67 MB of a load's peak that the embedded engine's load never needs."""
    from kb.store.neo4j import Neo4jStore

    return store.unit_stats if isinstance(store, Neo4jStore) else None


def load_in_subprocess(
    data_dir: Path, graph: str, package: Path, target: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run the loader on `package` in a child process; its result, plus the child's wall time.

    The child loads into the embedded engine in `data_dir`, or into the Neo4j server `target`
    names (NEO4J_URI, NEO4J_USERNAME, NEO4J_DATABASE and NEO4J_PASSWORD, set in its environment
    only); no other KB_ or NEO4J_ setting of this process reaches it."""
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "NEO4J_"))}
    env.update(target or {})
    done = subprocess.run(
        [sys.executable, "-m", "kb.bench.child", str(data_dir), graph, str(package)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        env=env,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        detail = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or ["no output"])[-1]
        raise KBError(f"loading {package.name} in a child process failed: {detail}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 3)
    return result


def main(argv: list[str]) -> int:
    data_dir, graph, package = argv
    try:
        print(json.dumps(_load(data_dir, graph, package)))
    except KBError as exc:
        print(json.dumps({"error": str(exc)}))
        print(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
