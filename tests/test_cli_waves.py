"""The wave commands as a data steward runs them: demo, validate, load, waves and unload."""

from __future__ import annotations

import json
import shutil

import pytest

from kb import engine
from support.cli import run_kb
from support.paths import WAVE_FIXTURES

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
    return run_kb(*args, data_dir=data_dir)


def counts(data_dir):
    report = kb(data_dir, "status", "--format", "json").json()
    return report["nodes"], report["relationships"]


def test_demo_loads_every_wave_and_a_reload_changes_nothing(data_dir):
    first = kb(data_dir, "demo")
    assert first.exit_code == 0, first.stderr
    waves = kb(data_dir, "waves", "--format", "json").json()
    assert {w["wave"] for w in waves} == DEMO_WAVES
    assert {w["status"] for w in waves} == {"loaded"}
    assert {w["study"] for w in waves} == {"vocab", "z13", "s17"}
    before = counts(data_dir)
    second = kb(data_dir, "demo")
    assert second.exit_code == 0, second.stderr
    assert second.stdout.count("unchanged") == len(DEMO_WAVES)
    assert counts(data_dir) == before


def test_demo_answers_the_first_question_of_the_readme(data_dir):
    done = kb(data_dir, "query", "interviews_by_site", "--param", "study=z13", "--format", "json")
    rows = {row["name"]: row for row in done.json()}
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
    shutil.copytree(WAVE_FIXTURES / "t01-w1", broken)
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
        assert done.exit_code == 2, done.stdout + done.stderr
        assert done.stderr.splitlines()[0] == (
            "error: sites.csv, row 2, column 'kind': 'town' is not allowed; "
            "use one of ccg, locality, cluster, case, group, other"
        )
        assert "Traceback" not in done.stderr
    assert counts(data_dir) == before


def test_unload_removes_one_wave_and_leaves_the_others(data_dir):
    done = kb(data_dir, "unload", "s17-international")
    assert done.exit_code == 0, done.stderr
    waves = {w["wave"] for w in kb(data_dir, "waves", "--format", "json").json()}
    assert waves == DEMO_WAVES - {"s17-international"}
    refused = kb(data_dir, "unload", "vocab-1")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: cannot unload wave 'vocab-1': loaded waves 's17-cases', 's17-scoping', 's17-survey-2014', "
        "'s17-survey-2016', 'z13-2011' require it; unload them first\n"
    )
    assert kb(data_dir, "demo").exit_code == 0


def test_unload_reports_what_it_kept_as_json(data_dir):
    """s17-international defines only its publication (Publication, REPORTED_IN) and its Wave."""
    done = kb(data_dir, "unload", "s17-international", "--format", "json")
    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert (report["wave"], report["status"]) == ("s17-international", "unloaded")
    assert report["changes"]["removed"]["Wave"] == 1
    assert report["changes"]["created"] == {}
    missing = kb(data_dir, "unload", "s17-international", "--format", "json")
    assert missing.exit_code != 0
    assert "is not loaded" in json.dumps(missing.json())
    assert kb(data_dir, "demo").exit_code == 0


def test_load_and_validate_speak_json(data_dir, tmp_path):
    fixtures = WAVE_FIXTURES
    loaded = kb(data_dir, "load", str(fixtures / "t01-w1"), "--format", "json")
    assert loaded.exit_code == 0, loaded.stderr
    report = loaded.json()  # stdout is the report alone
    assert (report["wave"], report["status"]) == ("t01-w1", "loaded")
    assert report["changes"]["created"]["Participant"] == 3 and report["changes"]["updated"] == {}
    # A package that forgets `requires`: refused, as JSON, with exit code 2; validate says the same.
    forgetful = tmp_path / "t01-w2"
    shutil.copytree(fixtures / "t01-w2", forgetful)
    manifest = forgetful / "wave.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("requires: [t01-w1]\n", ""), encoding="utf-8")
    expected = {
        "status": "refused",
        "problems": [
            {
                "file": "sites.csv",
                "row": 2,
                "column": "region",
                "message": "'t01:region:north' is defined by loaded wave t01-w1; add it to requires",
            },
            {
                "file": "wave.yaml",
                "row": None,
                "column": None,
                "message": "5 more problems follow from this (references to ids of loaded wave t01-w1) and are not "
                "listed; add t01-w1 to requires",
            },
        ],
    }
    for command in ("load", "validate"):
        refused = kb(data_dir, command, str(forgetful), "--format", "json")
        assert refused.exit_code == 2 and refused.json() == expected, refused.stderr
    valid = kb(data_dir, "validate", str(fixtures / "t01-w2"), "--format", "json")
    assert valid.exit_code == 0 and valid.json()["status"] == "valid"
    missing = kb(data_dir, "load", str(tmp_path / "nowhere"), "--format", "json")
    assert missing.exit_code == 2 and missing.json()["status"] == "refused"


def test_history_lists_load_update_and_unchanged_reload_newest_first(data_dir, tmp_path):
    fixtures = WAVE_FIXTURES
    assert kb(data_dir, "load", str(fixtures / "t01-w3")).exit_code == 0
    assert kb(data_dir, "load", str(fixtures / "t01-w3")).exit_code == 0  # the same bytes again
    corrected = tmp_path / "t01-w3"
    shutil.copytree(fixtures / "t01-w3", corrected)
    observations = corrected / "site_observations.csv"
    observations.write_text(observations.read_text(encoding="utf-8").replace("260000", "261000"), encoding="utf-8")
    updated = kb(data_dir, "load", str(corrected))
    assert updated.exit_code == 0 and "t01-w3 (t01): updated" in updated.stdout
    done = kb(data_dir, "waves", "--history", "t01-w3", "--format", "json")
    loads = done.json()
    assert [load["status"] for load in loads] == ["updated", "unchanged", "loaded"]
    assert loads[0]["changes"] == {"created": {}, "updated": {"OBSERVED_IN": 1}, "removed": {}}
    assert loads[1]["changes"] == {"created": {}, "updated": {}, "removed": {}}
    assert loads[1]["source_hash"] == loads[2]["source_hash"] != loads[0]["source_hash"]
    assert loads[2]["changes"]["created"] == {"HAS_WAVE": 1, "OBSERVED_IN": 1, "Wave": 1}
    assert [load["loaded_at"] for load in loads] == sorted((load["loaded_at"] for load in loads), reverse=True)
    table = kb(data_dir, "waves", "--history", "t01-w3")
    assert table.exit_code == 0 and table.stdout.count("t01-w3") == 0 and "updated" in table.stdout
    unknown = kb(data_dir, "waves", "--history", "t01-w9")
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "error: wave 't01-w9' is not loaded; `kb waves` lists the loaded waves\n",
    )
