"""`kb synth`: valid wave packages, the same bytes for the same seed, linear in the scale, flat in memory."""

from __future__ import annotations

import csv
import json
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from kb.errors import UsageError
from kb.synth import PACKAGES, plan_for, synthesize
from kb.synth.plan import LITERATURE_WAVE, NATIONAL_WAVE, VOCAB_WAVE
from kb.synth.world import BOARD_ROLE_WEIGHTS, ROLE_WEIGHTS
from loaders.wave.api import load_package, validate_package
from loaders.wave.spec import ROLES
from support.cli import run_kb

SCALE = 0.02


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "england"
    return out, synthesize(out, SCALE, seed=7)


def rows(out: Path, wave: str, file: str) -> list[dict[str, str]]:
    with open(out / PACKAGES[wave] / file, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_package_passes_the_wave_validator(synthetic):
    out, _ = synthetic
    for wave, folder in PACKAGES.items():
        assert validate_package(out / folder).wave_id == wave


def test_loading_creates_exactly_what_the_generator_wrote(synthetic, embedded_store):
    out, summary = synthetic
    written = {p["wave"]: p for p in summary["packages"]}
    load_package(embedded_store, out / PACKAGES[VOCAB_WAVE])
    assert validate_package(out / PACKAGES[NATIONAL_WAVE], embedded_store).store_checked
    report = load_package(embedded_store, out / PACKAGES[NATIONAL_WAVE])
    national = written[NATIONAL_WAVE]
    # the files' nodes and relationships, plus the Wave node, HAS_WAVE and the manifest's 3 REPORTED_IN,
    # and the OBSERVED_IN holding the survey measures of each participant in a network
    measured = report.measured["participants"]
    assert sum(report.changes.created.values()) == national["nodes"] + national["relationships"] + 5 + measured
    assert report.changes.created["ADVISED_BY"] == plan_for(SCALE).advice_ties == 8000
    assert load_package(embedded_store, out / PACKAGES[NATIONAL_WAVE]).status == "unchanged"


def test_counts_at_scale_002_follow_the_plan(synthetic):
    out, _ = synthetic
    expected = {
        "sites.csv": 4,
        "organisations.csv": 160,
        "participants.csv": 800,
        "advice_ties.csv": 8000,
        "initiatives.csv": 6,
        "themes.csv": 10,
        "evidence.csv": 1000,
        "site_observations.csv": 4,
    }
    assert {file: len(rows(out, NATIONAL_WAVE, file)) for file in expected} == expected
    manifest_citations = (out / PACKAGES[LITERATURE_WAVE] / "wave.yaml").read_text().count("format: csl-json")
    assert manifest_citations == 2  # 80 publications x 0.02 = 1.6, rounded


def test_reference_lists_cite_exactly_the_planned_works_with_recitations(synthetic):
    out, _ = synthetic
    dois = Counter()
    for path in sorted((out / PACKAGES[LITERATURE_WAVE] / "references").glob("*.json")):
        dois.update(item["DOI"] for item in json.loads(path.read_text(encoding="utf-8")))
    assert len(dois) == 400  # 20,000 works x 0.02
    assert sum(dois.values()) == 440  # each list re-cites a tenth of its own size from the other list


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first, second, other = (synthesize(tmp_path / name, SCALE, seed) for name, seed in (("a", 3), ("b", 3), ("c", 4)))
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    changed = tree_bytes(tmp_path / "c")
    assert changed.keys() == tree_bytes(tmp_path / "a").keys()
    assert changed["10-syn-england/advice_ties.csv"] != tree_bytes(tmp_path / "a")["10-syn-england/advice_ties.csv"]
    assert first["packages"] == second["packages"]


def test_row_counts_grow_linearly_with_the_scale(tmp_path):
    small, double = synthesize(tmp_path / "s", 0.02, 1), synthesize(tmp_path / "d", 0.04, 1)
    small_rows, double_rows = (
        next(p for p in s["packages"] if p["wave"] == NATIONAL_WAVE)["rows"] for s in (small, double)
    )
    for file in (
        "sites.csv",
        "organisations.csv",
        "participants.csv",
        "advice_ties.csv",
        "evidence.csv",
        "initiatives.csv",
        "themes.csv",
    ):
        assert double_rows[file] == 2 * small_rows[file], file


def test_memory_does_not_grow_with_the_scale(tmp_path):
    peaks = []
    for scale in (0.02, 0.08):
        tracemalloc.start()
        synthesize(tmp_path / f"s{scale}", scale, 1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.2 * peaks[0]  # four times the rows, the same memory


def test_names_are_obviously_synthetic_and_ids_namespaced(synthetic):
    out, _ = synthetic
    for file in ("sites.csv", "organisations.csv", "participants.csv", "initiatives.csv", "themes.csv"):
        for row in rows(out, NATIONAL_WAVE, file):
            assert row["name"].startswith("Synthetic "), (file, row["name"])
            assert row["id"].startswith("syn:"), (file, row["id"])
    assert all(row["text"].startswith("Synthetic segment ") for row in rows(out, NATIONAL_WAVE, "evidence.csv"))


def test_advice_ties_are_distinct_and_never_to_oneself(synthetic):
    out, _ = synthetic
    pairs = [(row["respondent"], row["alter"]) for row in rows(out, NATIONAL_WAVE, "advice_ties.csv")]
    assert len(set(pairs)) == len(pairs)
    assert not [pair for pair in pairs if pair[0] == pair[1]]


def test_people_work_for_organisations_of_their_own_ccg(synthetic):
    out, _ = synthetic
    site_of_org = {row["id"]: row["site"] for row in rows(out, NATIONAL_WAVE, "organisations.csv")}
    people = rows(out, NATIONAL_WAVE, "participants.csv")
    employed = [p for p in people if p["organisation"]]
    assert employed and all(site_of_org[p["organisation"]] == p["site"] for p in employed)
    boards = Counter(p["site"] for p in people if p["board_member"] == "Y")
    assert sorted(boards) == ["syn:site:0001", "syn:site:0002", "syn:site:0003", "syn:site:0004"]
    assert all(10 <= size <= 20 for size in boards.values())


def test_role_weights_use_only_roles_of_the_format():
    assert set(ROLE_WEIGHTS) <= set(ROLES) and set(BOARD_ROLE_WEIGHTS) <= set(ROLES)


@pytest.mark.parametrize("scale", [0, -1, 21])
def test_a_scale_out_of_range_is_refused(scale):
    with pytest.raises(UsageError) as raised:
        plan_for(scale)
    assert str(raised.value) == f"--scale must be above 0 and at most 20 (1 is England-sized), got {scale:g}"


def test_synth_command_writes_packages_and_refuses_a_used_folder(tmp_path):
    out = tmp_path / "england"
    done = run_kb("synth", "--scale", "0.01", "--out", out, "--seed", "2")
    assert done.exit_code == 0, str(done)
    assert sorted(p.name for p in out.iterdir()) == ["00-syn-vocab", "10-syn-england", "20-syn-literature"]
    again = run_kb("synth", "--scale", "0.01", "--out", out)
    assert again.exit_code == UsageError.exit_code
    assert again.error_lines == [f"error: {out} exists and is not an empty folder; give a new --out folder"]
