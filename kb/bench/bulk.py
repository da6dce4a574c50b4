"""The reference: the same packages through FalkorDB's own bulk loader (`falkordb-bulk-insert`).

The bulk loader talks to the engine through the same Unix socket as the knowledge base (it takes
a redis URL, and `unix:///path/to/socket` is one), into a graph of its own, so the two loads meet
the same server. It builds the whole graph with the engine's GRAPH.BULK command and then the `id`
index of every label, which the knowledge base's graph also has.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kb.bench.bulk_csv import BulkFiles, export_package

BULK_COMMAND = "falkordb-bulk-insert"
BULK_TIMEOUT_S = 3600


def bulk_command() -> str | None:
    """The bulk loader's executable: next to this Python first (a venv), else on PATH."""
    beside = Path(sys.executable).parent / BULK_COMMAND
    return str(beside) if beside.is_file() else shutil.which(BULK_COMMAND)


def bulk_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("falkordb-bulk-loader")
    except Exception:  # not installed: the benchmark reports the reference as skipped
        return None


def write_bulk_csvs(packages: list[Path], folder: Path) -> BulkFiles:
    """The node and relationship CSVs of `packages` (the first one creates the Study) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        files = BulkFiles(folder, stack)
        for n, package in enumerate(packages):
            export_package(files, package, with_study=n == 0)
    return files


def run_bulk_loader(files: BulkFiles, socket: str, graph: str) -> dict[str, Any]:
    """Run the bulk loader over `files` into `graph`; its wall time and what it reported."""
    command = bulk_command()
    if command is None:
        raise RuntimeError(f"{BULK_COMMAND} not found; pip install falkordb-bulk-loader")
    # redis-py 8 gives a connection a 5 s socket timeout unless the URL says otherwise; the engine
    # can take longer than that to read one of the loader's large commands (it failed a run with
    # "Timeout writing to socket"), so a command may take as long as the whole run is allowed.
    url = f"unix://{socket}?socket_timeout={BULK_TIMEOUT_S}"
    args = [command, graph, "--server-url", url, "--enforce-schema"]
    for label in files.nodes:
        args += ["--nodes-with-label", label, str(files.folder / f"node-{label}.csv"), "--index", f"{label}:id"]
    for rel_type in files.rels:
        args += ["--relations-with-type", rel_type, str(files.folder / f"rel-{rel_type}.csv")]
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=BULK_TIMEOUT_S)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-3:]
        raise RuntimeError(f"the bulk loader failed (exit {done.returncode}): {' | '.join(tail)}")
    return {"seconds": round(seconds, 3), "written": dict(files.counts), "log": _summary_line(done.stdout)}


def _summary_line(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if "complete" in line]
    return lines[-1].split(" - ")[-1] if lines else ""
