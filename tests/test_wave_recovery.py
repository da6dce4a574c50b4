"""A loader killed with SIGKILL in the middle of writing leaves nothing behind, and a new load works.

Runs on the embedded engine: the loader is a separate process that opens the same data directory
and graph as the test, as `kb load` would while the app reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from kb.store import Store
from loaders.wave.api import list_waves, load_package
from loaders.wave.build import write_manifest, write_table
from loaders.wave.spec import ROLES

PARTICIPANTS, SITES = 50_000, 10
# Every participant is one node with one AT relationship; every site a node with its STUDIED.
EXPECTED = {
    "Study": 1,
    "Wave": 1,
    "Site": SITES,
    "Participant": PARTICIPANTS,
    "HAS_WAVE": 1,
    "STUDIED": SITES,
    "AT": PARTICIPANTS,
}

LOADER = """
import sys
from kb.config import load_config
from kb.store import open_store
from loaders.wave.api import load_package

data_dir, graph, package = sys.argv[1:4]
store = open_store(load_config(data_dir=data_dir, env={}), graph=graph)
load_package(store, package, on_progress=lambda done, total, stage: print(done, total, stage, flush=True))
print("finished", flush=True)
"""


def big_package(folder: Path) -> Path:
    write_manifest(
        folder,
        {
            "format": 1,
            "study": {"id": "t01", "title": "Test study 01: two fictional commissioning groups"},
            "wave": {"id": "t01-big", "title": "A generated survey round"},
        },
    )
    write_table(
        folder, "sites.csv", ({"id": f"t01:site:{n}", "name": f"Site {n}", "kind": "ccg"} for n in range(SITES))
    )
    write_table(
        folder,
        "participants.csv",
        (
            {
                "id": f"t01:person:{n}",
                "name": f"Respondent {n}",
                "role": ROLES[n % len(ROLES)],
                "site": f"t01:site:{n % SITES}",
                "survey_respondent": True,
            }
            for n in range(PARTICIPANTS)
        ),
    )
    return folder


def graph_counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) RETURN labels(n)[0] AS name, count(n) AS n").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS name, count(r) AS n").rows
    return {row["name"]: row["n"] for row in nodes + rels}


def kill_mid_write(data_dir: Path, graph: str, package: Path, store: Store) -> list[str]:
    """Start a loader, SIGKILL it once relationships are being written; the progress lines it printed."""
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(data_dir), graph, str(package)], stdout=subprocess.PIPE, text=True
    )
    seen: list[str] = []
    try:
        for line in loader.stdout:
            seen.append(line.strip())
            done, total, stage = line.split()
            if stage == "relationships" and int(done) < int(total):
                # mid-unit: readers still see the graph as it was before the load began
                assert graph_counts(store) == {}
                os.kill(loader.pid, signal.SIGKILL)
                break
    finally:
        loader.wait(timeout=120)
        loader.stdout.close()
    return seen


def test_a_killed_load_leaves_nothing_and_the_next_load_is_complete(embedded_store, kb_config, tmp_path):
    package = big_package(tmp_path / "t01-big")
    seen = kill_mid_write(kb_config.data_dir, embedded_store.graph_name, package, embedded_store)
    assert seen and seen[-1].endswith("relationships"), f"the loader was not caught mid-write: {seen[-3:]}"
    assert "finished" not in seen

    assert graph_counts(embedded_store) == {}
    assert list_waves(embedded_store) == []

    report = load_package(embedded_store, package)
    assert report.status == "loaded"
    assert dict(report.changes.created) == EXPECTED
    assert graph_counts(embedded_store) == EXPECTED
    assert [w["status"] for w in list_waves(embedded_store)] == ["loaded"]
