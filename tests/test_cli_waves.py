"""Issue-level behaviour of the wave commands, as a data steward runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb import engine

REPO = Path(__file__).resolve().parents[1]
DEMO_WAVES = {
    "vocab-1",
    "z13-2011",
    "s17-scoping",
    "s17-survey-2014",
    "s17-cases",
    "s17-survey-2016",
    "s17-international",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("wavecli")
    yield path
    engine.stop(path)


def kb(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_"))}
    env["KB_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True, env=env, timeout=300)


def counts(data_dir):
    report = json.loads(kb(data_dir, "status", "--format", "json").stdout)
    return report["nodes"], report["relationships"]


def test_demo_loads_every_wave_and_a_reload_changes_nothing(data_dir):
    first = kb(data_dir, "demo")
    assert first.returncode == 0, first.stderr
    waves = json.loads(kb(data_dir, "waves", "--format", "json").stdout)
    assert {w["wave"] for w in waves} == DEMO_WAVES
    assert {w["status"] for w in waves} == {"loaded"}
    assert {w["study"] for w in waves} == {"vocab", "z13", "s17"}
    before = counts(data_dir)
    second = kb(data_dir, "demo")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("unchanged") == len(DEMO_WAVES)
    assert counts(data_dir) == before


def test_demo_answers_the_first_question_of_the_readme(data_dir):
    done = kb(data_dir, "query", "interviews_by_site", "--param", "study=z13", "--format", "json")
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    # Study 1, Table 3: interviews by role, observations, board members, survey participation.
    assert [rows["Site B"][c] for c in ("gps", "pct_employees", "practice_managers", "hospital", "other", "total")] == [
        6,
        5,
        3,
        1,
        1,
        16,
    ]
    assert sum(r["total"] for r in rows.values()) == 56


def test_a_broken_package_is_refused_with_its_location_and_nothing_is_written(data_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(REPO / "tests" / "fixtures" / "waves" / "t01-w1", broken)
    sites = broken / "sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("kind")] = "town"
    lines[1] = ",".join(cells)
    sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts(data_dir)
    for command in ("validate", "load"):
        done = kb(data_dir, command, str(broken))
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.splitlines()[0] == (
            "error: sites.csv, row 2, column 'kind': 'town' is not allowed; "
            "use one of ccg, locality, cluster, case, group, other"
        )
        assert "Traceback" not in done.stderr
    assert counts(data_dir) == before


def test_unload_removes_one_wave_and_leaves_the_others(data_dir):
    done = kb(data_dir, "unload", "s17-international")
    assert done.returncode == 0, done.stderr
    waves = {w["wave"] for w in json.loads(kb(data_dir, "waves", "--format", "json").stdout)}
    assert waves == DEMO_WAVES - {"s17-international"}
    refused = kb(data_dir, "unload", "vocab-1")
    assert refused.returncode == 2
    assert refused.stderr == (
        "error: cannot unload wave 'vocab-1': loaded waves 's17-cases', 's17-scoping', 's17-survey-2014', "
        "'s17-survey-2016', 'z13-2011' require it; unload them first\n"
    )
    assert kb(data_dir, "demo").returncode == 0
