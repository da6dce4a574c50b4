"""Loading, reloading, updating and unloading waves on a real engine.

Expected counts are worked out by hand from the t01 fixture files (see the comments at W1/W2/W3).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from kb.errors import NotFound, UsageError, ValidationError
from loaders.report import Changes
from loaders.wave.api import demo_packages, list_waves, load_demo, load_package, unload, unload_wave, validate_package
from support.paths import WAVE_FIXTURES as FIXTURES

# t01-w1: 1 publication, 2 regions, 2 organisation types, 2 sites, 2 organisations, 3 participants,
# 2 themes, 1 evidence row, plus its Study and Wave. Relationships: sites' STUDIED and IN_REGION (2
# each), organisations' OF_TYPE and IN_NETWORK (2 each), participants' AT (3) and WORKS_FOR (p2, p3),
# the sub-theme, the evidence's 2 themes, site and speaker, 2 site observations, 1 tie, 2 advice ties,
# REPORTED_IN from the Study (publications.csv) and from the Wave (manifest), HAS_WAVE; and the
# survey measures' OBSERVED_IN of p1 and p3 (site A's network) and p2 (site B's), the sites'
# observations already existing.
W1 = {
    "Study": 1,
    "Wave": 1,
    "Publication": 1,
    "Region": 2,
    "OrganisationType": 2,
    "Site": 2,
    "Organisation": 2,
    "Participant": 3,
    "Theme": 2,
    "Evidence": 1,
    "HAS_WAVE": 1,
    "REPORTED_IN": 2,
    "STUDIED": 2,
    "IN_REGION": 2,
    "OF_TYPE": 2,
    "IN_NETWORK": 2,
    "AT": 3,
    "WORKS_FOR": 2,
    "SUBTHEME_OF": 1,
    "CODED_AS": 2,
    "FROM": 1,
    "SPOKEN_BY": 1,
    "OBSERVED_IN": 2 + 3,
    "HAS_TIES": 1,
    "ADVISED_BY": 2,
}
# t01-w2: site A is t01-w1's (shared, not created); new: site C, participant p4, a clinical area, an
# initiative, an evidence row. Relationships: site C's STUDIED and IN_REGION, AT for p4 and the
# initiative, IN_AREA, INVOLVES, CODED_AS, FROM, 2 observations (A and C), REPORTED_IN, HAS_WAVE.
W2 = {
    "Wave": 1,
    "Site": 1,
    "Participant": 1,
    "ClinicalArea": 1,
    "Initiative": 1,
    "Evidence": 1,
    "HAS_WAVE": 1,
    "REPORTED_IN": 1,
    "STUDIED": 1,
    "IN_REGION": 1,
    "AT": 2,
    "IN_AREA": 1,
    "INVOLVES": 1,
    "CODED_AS": 1,
    "FROM": 1,
    "OBSERVED_IN": 2,
}
# t01-w3: shares region North, site A and the study with t01-w1; creates only its Wave and observation.
W3 = {"Wave": 1, "HAS_WAVE": 1, "OBSERVED_IN": 1}


def graph_counts(store) -> dict[str, int]:
    nodes = store.read("MATCH (n) RETURN labels(n)[0] AS name, count(n) AS n").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS name, count(r) AS n").rows
    return {row["name"]: row["n"] for row in nodes + rels}


def combined(*counts: dict[str, int], minus: dict[str, int] | None = None) -> dict[str, int]:
    total: dict[str, int] = {}
    for count in counts:
        for key, n in count.items():
            total[key] = total.get(key, 0) + n
    for key, n in (minus or {}).items():
        total[key] -= n
    return {key: n for key, n in total.items() if n}


def copy(tmp_path: Path, base: str, edits: dict[str, tuple[str, str]] | None = None) -> Path:
    target = tmp_path / base
    shutil.copytree(FIXTURES / base, target)
    for file, (old, new) in (edits or {}).items():
        text = (target / file).read_text(encoding="utf-8-sig")
        assert old in text
        (target / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def refused(store, path: Path) -> list[str]:
    before = graph_counts(store)
    with pytest.raises(ValidationError) as caught:
        load_package(store, path)
    assert graph_counts(store) == before, "a refused package must write nothing"
    return [str(problem) for problem in caught.value.problems]


def test_load_writes_exactly_the_package(store):
    report = load_package(store, FIXTURES / "t01-w1")
    assert (report.wave, report.study, report.status) == ("t01-w1", "t01", "loaded")
    assert dict(report.changes.created) == W1
    assert graph_counts(store) == W1
    site = store.read("MATCH (s:Site {id: 't01:site:a'}) RETURN properties(s) AS p").single_value()
    assert site == {
        "id": "t01:site:a",
        "name": "Site A",
        "kind": "ccg",
        "study": "t01",
        "waves": ["t01-w1"],
        "description": 'An urban group of "twelve" practices',
        "source": "sites.csv row 2",
        "locator": "report section 2",
    }
    tie = store.read("MATCH (:Site)-[r:HAS_TIES]->(:OrganisationType) RETURN properties(r) AS p").single_value()
    assert tie == {"count": 3, "wave": "t01-w1", "source": "ties.csv row 2", "locator": "report table 3"}


def test_reload_is_unchanged_and_a_changed_package_updates(store, tmp_path):
    first = load_package(store, FIXTURES / "t01-w1")
    [before] = list_waves(store)
    again = load_package(store, FIXTURES / "t01-w1")
    assert again.status == "unchanged" and again.changes == Changes()  # nothing written, nothing changed
    assert graph_counts(store) == W1
    [now] = list_waves(store)
    # Not even loaded_at changed; the history notes the reload, and that it changed nothing.
    assert {k: v for k, v in now.items() if k != "history"} == {k: v for k, v in before.items() if k != "history"}
    assert [(load["status"], load["changes"]) for load in now["history"]] == [
        ("unchanged", {"created": {}, "updated": {}, "removed": {}}),
        ("loaded", {"created": W1, "updated": {}, "removed": {}}),
    ]

    changed = copy(tmp_path, "t01-w1", {"ties.csv": (",3,", ",4,")})
    update = load_package(store, changed)
    assert update.status == "updated"
    assert update.changes == Changes(updated={"HAS_TIES": 1})  # one cell: one relationship's count
    assert update.source.hash != first.source.hash
    assert graph_counts(store) == W1
    assert store.read("MATCH (:Site)-[r:HAS_TIES]->() RETURN r.count AS n").single_value() == 4
    [after] = list_waves(store)
    assert after["source_hash"] == update.source.hash and after["counts"] == W1


def test_refs_into_a_required_wave_and_shared_entities(store):
    load_package(store, FIXTURES / "t01-w1")
    report = load_package(store, FIXTURES / "t01-w2")
    assert dict(report.changes.created) == W2
    assert dict(report.shared) == {"Site": 1, "Study": 1}
    assert graph_counts(store) == combined(W1, W2)
    waves = store.read("MATCH (s:Site {id: 't01:site:a'}) RETURN s.waves AS w").single_value()
    assert waves == ["t01-w1", "t01-w2"]
    at = store.read("MATCH (p:Participant {id: 't01:person:p4'})-[r:AT]->(s:Site) RETURN s.id AS site, r.wave AS wave")
    assert at.rows == [{"site": "t01:site:b", "wave": "t01-w2"}]
    observed = store.read(
        "MATCH (s:Site {id: 't01:site:a'})-[r:OBSERVED_IN]->(w:Wave) "
        "RETURN w.id AS wave, r.population AS population ORDER BY wave"
    )
    assert observed.rows == [{"wave": "t01-w1", "population": 250000}, {"wave": "t01-w2", "population": 255000}]


def test_a_required_wave_cannot_go_while_needed(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    load_package(store, FIXTURES / "t01-w2")
    with pytest.raises(UsageError) as caught:
        unload_wave(store, "t01-w1")
    assert str(caught.value) == "cannot unload wave 't01-w1': loaded wave 't01-w2' requires it; unload it first"
    changed = copy(tmp_path, "t01-w1", {"ties.csv": (",3,", ",4,")})
    with pytest.raises(UsageError) as caught:
        load_package(store, changed)
    assert str(caught.value) == "cannot update wave 't01-w1': loaded wave 't01-w2' requires it; unload it first"
    assert graph_counts(store) == combined(W1, W2)
    assert unload_wave(store, "t01-w2") == dict(sorted(W2.items()))
    assert graph_counts(store) == W1


def test_unload_leaves_another_wave_that_shares_entities_intact(store):
    load_package(store, FIXTURES / "t01-w1")
    load_package(store, FIXTURES / "t01-w3")
    assert graph_counts(store) == combined(W1, W3)
    removed = unload_wave(store, "t01-w1")
    # t01-w3 keeps region North, site A and the study, and the relationships that define them
    # (site A's STUDIED and IN_REGION) pass to it.
    kept = {"Study": 1, "Region": 1, "Site": 1, "STUDIED": 1, "IN_REGION": 1}
    assert removed == dict(sorted(combined(W1, minus=kept).items()))
    assert graph_counts(store) == combined(W3, kept)
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, r.wave AS wave ORDER BY type").rows
    assert rels == [{"type": t, "wave": "t01-w3"} for t in ("HAS_WAVE", "IN_REGION", "OBSERVED_IN", "STUDIED")]
    assert store.read("MATCH (n) WHERE n.waves <> ['t01-w3'] RETURN count(n) AS n").single_value() == 0
    unload_wave(store, "t01-w3")
    assert graph_counts(store) == {}


def test_unload_reports_what_stays_shared_as_updated(store):
    """Nothing an unload changes goes unsaid: the entities another wave also defines stay without
    this wave's name, and their defining relationships pass to that wave; both are `updated`."""
    load_package(store, FIXTURES / "t01-w1")
    load_package(store, FIXTURES / "t01-w3")
    changes = unload(store, "t01-w1")
    kept = {"Study": 1, "Region": 1, "Site": 1, "STUDIED": 1, "IN_REGION": 1}  # as in the test above
    assert dict(changes.updated) == dict(sorted(kept.items()))
    assert dict(changes.removed) == dict(sorted(combined(W1, minus=kept).items()))
    assert dict(changes.created) == {}
    assert dict(unload(store, "t01-w3").updated) == {}  # the last wave shares nothing


def test_unloading_the_later_wave_restores_the_first(store):
    load_package(store, FIXTURES / "t01-w1")
    load_package(store, FIXTURES / "t01-w3")
    assert unload_wave(store, "t01-w3") == dict(sorted(W3.items()))
    assert graph_counts(store) == W1
    assert store.read("MATCH (s:Site {id: 't01:site:a'}) RETURN s.waves AS w").single_value() == ["t01-w1"]


def test_unknown_wave_cannot_be_unloaded(store):
    with pytest.raises(NotFound) as caught:
        unload_wave(store, "t01-w9")
    assert str(caught.value) == "wave 't01-w9' is not loaded; `kb waves` lists the loaded waves"


def test_required_wave_must_be_loaded_first(store):
    assert refused(store, FIXTURES / "t01-w2") == [
        "wave.yaml: requires wave 't01-w1', which is not loaded; load it first (references into it are checked then)"
    ]


def test_a_reference_missing_from_the_required_wave(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    path = copy(tmp_path, "t01-w2", {"participants.csv": ("t01:site:b", "t01:site:zz")})
    assert refused(store, path) == [
        "participants.csv, row 2, column 'site': 't01:site:zz' is not a Site of this package or of the waves it "
        "requires (t01-w1); define it in sites.csv or fix the id"
    ]


def test_only_the_required_waves_are_searched(store, tmp_path):
    # Region South is loaded (by t01-w1), but the package requires only t01-w3, which lacks it:
    # one line says which wave to require.
    load_package(store, FIXTURES / "t01-w1")
    load_package(store, FIXTURES / "t01-w3")
    path = tmp_path / "t01-w4"
    path.mkdir()
    (path / "wave.yaml").write_text(
        "format: 1\nstudy: {id: t01, title: 'Test study 01: two fictional commissioning "
        "groups', description: \"A made-up study used only by the loader's tests.\"}\n"
        "wave: {id: t01-w4, title: Fourth}\nrequires: [t01-w3]\n"
    )
    (path / "sites.csv").write_text(
        "id,name,kind,region\nt01:site:d,Site D,ccg,t01:region:north\nt01:site:e,Site E,ccg,t01:region:south\n"
    )
    assert refused(store, path) == [
        "sites.csv, row 3, column 'region': 't01:region:south' is defined by loaded wave t01-w1; add it to requires"
    ]


def test_a_shared_entity_must_be_identical(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    path = copy(tmp_path, "t01-w3", {"sites.csv": ("Site A,ccg,t01:region:north", "Site A2,ccg,t01:region:south")})
    (path / "regions.csv").write_text("id,name\nt01:region:north,North\nt01:region:south,Southern\n")
    hint = (
        "an entity shared by waves must be identical, so use the same value here "
        "(values that differ between waves belong in site_observations.csv)"
    )
    assert refused(store, path) == [
        f"regions.csv, row 3, column 'name': 't01:region:south' is already loaded by wave t01-w1 with name 'South', "
        f"not 'Southern'; {hint}",
        f"sites.csv, row 2, column 'name': 't01:site:a' is already loaded by wave t01-w1 with name 'Site A', "
        f"not 'Site A2'; {hint}",
        f"sites.csv, row 2, column 'region': 't01:site:a' is already loaded by wave t01-w1 with region "
        f"'t01:region:north', not 't01:region:south'; {hint}",
    ]


def test_every_wave_of_a_study_gives_the_same_study(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    path = copy(tmp_path, "t01-w3", {"wave.yaml": ("two fictional", "three fictional")})
    assert refused(store, path) == [
        "wave.yaml: study 't01' is already loaded by wave t01-w1 with title 'Test study 01: two fictional "
        "commissioning groups', not 'Test study 01: three fictional commissioning groups'; every wave of a study "
        "must give the same study title and description"
    ]


def test_a_wave_id_belongs_to_one_study(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    path = tmp_path / "other"
    path.mkdir()
    (path / "wave.yaml").write_text("format: 1\nstudy: {id: t02, title: Another}\nwave: {id: t01-w1, title: Clash}\n")
    assert refused(store, path) == [
        "wave.yaml: wave 't01-w1' is already loaded for study 't01'; wave ids are unique across the knowledge base, "
        "so choose another wave.id"
    ]


def test_a_refused_update_keeps_the_loaded_version(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    old = load_package(store, FIXTURES / "t01-w3")
    path = copy(tmp_path, "t01-w3", {"sites.csv": ("Site A,", "Site A3,")})
    problems = refused(store, path)  # the old version is removed inside the unit, then the check fails
    assert problems[0].startswith("sites.csv, row 2, column 'name': 't01:site:a' is already loaded by wave t01-w1")
    assert [w["source_hash"] for w in list_waves(store) if w["wave"] == "t01-w3"] == [old.source.hash]


def test_validate_with_a_store_checks_without_writing(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    assert validate_package(FIXTURES / "t01-w2", store).store_checked is True
    path = copy(tmp_path, "t01-w3", {"sites.csv": ("Site A,", "Site A3,")})
    before = graph_counts(store)
    with pytest.raises(ValidationError):
        validate_package(path, store)
    assert graph_counts(store) == before


def test_a_zip_loads_like_its_folder(store, tmp_path):
    archive = tmp_path / "t01-w1.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted((FIXTURES / "t01-w1").iterdir()):
            out.write(path, f"t01-w1/{path.name}")
    assert load_package(store, archive).status == "loaded"
    assert graph_counts(store) == W1
    assert load_package(store, FIXTURES / "t01-w1").status == "unchanged"


def test_progress_reports_every_batch_up_to_the_total(store):
    calls: list[tuple[int, int, str]] = []
    load_package(store, FIXTURES / "t01-w1", on_progress=lambda done, total, stage: calls.append((done, total, stage)))
    total = sum(W1.values()) - 3  # one row per entity and relationship the package gives (not the measures')
    rows = [call for call in calls if call[2] != "measures"]
    assert {t for _, t, _ in rows} == {total}
    assert [done for done, _, _ in rows] == sorted(done for done, _, _ in rows)
    assert calls[-1] == (total, total, "wave")
    assert [stage for _, _, stage in calls if stage != "wave"] == sorted(
        (stage for _, _, stage in calls if stage != "wave"), key=["nodes", "relationships", "measures"].index
    )
    # The advice ties come from participants of site A (p1) and site B (p2): two networks to measure.
    assert [call for call in calls if call[2] == "measures"] == [(1, 2, "measures"), (2, 2, "measures")]


def test_list_waves_in_study_and_phase_order(store):
    load_package(store, FIXTURES / "t01-w3")
    load_package(store, FIXTURES / "t01-w1")
    waves = list_waves(store)
    assert [(w["wave"], w["status"], w["phase"]) for w in waves] == [("t01-w1", "loaded", 1), ("t01-w3", "loaded", 3)]
    first = waves[0]
    assert (first["study"], first["title"], first["started"], first["ended"]) == (
        "t01",
        "First round: site visits and a board survey",
        "2013-04",
        "2014-03-31",
    )
    # t01-w3 came first, so t01-w1 found the study, region North and site A (with its STUDIED and
    # IN_REGION) already there: it holds the three with t01-w3, and the rest alone
    shared_links = {"STUDIED": 1, "IN_REGION": 1}
    assert (
        first["counts"] == combined(W1, minus=shared_links)
        and len(first["source_hash"]) == 64
        and first["loaded_at"].endswith("+00:00")
    )


def test_demo_loads_packages_in_name_order(store, tmp_path):
    root = tmp_path / "studies"
    root.mkdir()
    for name, base in (("00-first", "t01-w1"), ("10-second", "t01-w2")):
        shutil.copytree(FIXTURES / base, root / name)
    (root / "notes.md").write_text("not a package")
    assert demo_packages(root) == [root / "00-first", root / "10-second"]
    reports = load_demo(store, root=root)
    assert [(r.wave, r.status) for r in reports] == [("t01-w1", "loaded"), ("t01-w2", "loaded")]
    assert [r.status for r in load_demo(store, root=root)] == ["unchanged", "unchanged"]


def test_no_demo_packages_is_reported(tmp_path):
    with pytest.raises(NotFound) as caught:
        demo_packages(tmp_path)
    assert str(caught.value) == (
        f"no demo packages in {tmp_path}; the demo data ships with the repository's data/studies folder"
    )
