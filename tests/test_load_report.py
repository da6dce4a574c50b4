"""The one report every loader returns: what it holds after a load, an update, an unchanged reload
and a reference list, and its JSON form.

Expected values are worked out from the fixture packages in tests/fixtures/waves (see their README)
and tests/fixtures/citations, not read back from a run.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import loaders.wave
from kb.errors import Problem
from loaders.citations import load_citations
from loaders.dispatch import load_path
from loaders.report import Changes, LoadReport, LoadWarning, Source
from loaders.wave.api import load_package
from loaders.wave.package import read_package
from support.paths import CITATION_FIXTURES as CITATIONS
from support.paths import DEMO
from support.paths import WAVE_FIXTURES as WAVES
from support.qdpx_builder import ProjectBuilder

# t01-w3 shares region North, site A and study t01 with t01-w1, so it creates only its Wave, the
# Study's HAS_WAVE to it and site A's observation in it (site_observations.csv, one row).
W3_CREATED = {"HAS_WAVE": 1, "OBSERVED_IN": 1, "Wave": 1}
W3_SHARED = {"Region": 1, "Site": 1, "Study": 1}


def copy_of(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(WAVES / name, target)
    return target


def test_a_new_wave_reports_what_it_created_shared_and_measured(store):
    path = WAVES / "t01-w1"
    report = load_package(store, path)
    assert (report.kind, report.status, report.wave, report.study) == ("wave", "loaded", "t01-w1", "t01")
    assert report.source == Source(str(path), read_package(path).source_hash)
    # 17 nodes: the Study, the Wave, 1 publication, 2 regions, 2 organisation types, 2 sites,
    # 2 organisations, 3 participants, 2 themes, 1 evidence row.
    nodes = ("Study", "Wave", "Publication", "Region", "OrganisationType", "Site", "Organisation")
    nodes += ("Participant", "Theme", "Evidence")
    assert sum(report.changes.created[name] for name in nodes) == 17
    assert report.changes.created["ADVISED_BY"] == 2  # the two rows of advice_ties.csv
    assert report.changes.updated == {} and report.changes.removed == {}
    assert report.shared == {}  # nothing else is loaded
    # Ties: p1 -> p3 at site A, p2 -> an organisation at site B. Every participant of both sites is
    # in a network (3), and both sites get a survey summary (only site A's with board values).
    assert report.measured == {"participants": 3, "sites": 2}
    assert report.warnings == () and report.references == () and report.citations is None


def test_a_one_cell_correction_reports_one_updated_element(store, tmp_path):
    load_package(store, WAVES / "t01-w1")
    first = load_package(store, WAVES / "t01-w3")
    assert first.status == "loaded" and first.changes == Changes(created=W3_CREATED)
    assert first.shared == W3_SHARED
    changed = copy_of(tmp_path, "t01-w3")
    observations = changed / "site_observations.csv"
    observations.write_text(observations.read_text().replace("260000", "261000"), encoding="utf-8")
    update = load_package(store, changed)
    assert (update.status, update.wave, update.study) == ("updated", "t01-w3", "t01")
    # Site A's population in t01-w3 is the one value that differs: one OBSERVED_IN, updated.
    # Nothing was created or removed, although the loader wrote the wave anew.
    assert update.changes == Changes(updated={"OBSERVED_IN": 1})
    assert update.as_dict()["changes"] == {"created": {}, "updated": {"OBSERVED_IN": 1}, "removed": {}}
    assert update.shared == W3_SHARED
    assert update.source.hash == read_package(changed).source_hash != first.source.hash
    population = store.read(
        "MATCH (s:Site)-[o:OBSERVED_IN]->(w:Wave {id: 't01-w3'}) RETURN o.population AS p"
    ).single_value()
    assert population == 261000


def test_an_update_reports_what_it_created_and_removed(store, tmp_path):
    load_package(store, WAVES / "t01-w1")
    changed = copy_of(tmp_path, "t01-w1")
    ties = changed / "advice_ties.csv"
    # p2's tie to the council goes; p3 now names p1 (p3 is at site A, whose observation exists).
    text = ties.read_text(encoding="utf-8").replace(
        "t01:person:p2,t01:org:council-b,collaboration,0.5,survey file row 2\n", ""
    )
    ties.write_text(text + "t01:person:p3,t01:person:p1,advice,,survey file row 3\n", encoding="utf-8")
    update = load_package(store, changed)
    # One tie replaced by another; p2 is in no network any more, so its observation of the wave
    # (which held only its measures) goes; site B's survey summary goes with its only tie. p1's
    # and p3's measures are those of the same pair (a tie in either direction is one link), and
    # site A's summary counts two ties now.
    assert update.changes == Changes(
        created={"ADVISED_BY": 1},
        updated={"OBSERVED_IN": 2},
        removed={"ADVISED_BY": 1, "OBSERVED_IN": 1},
    )


def test_an_unchanged_reload_reports_no_changes(store):
    load_package(store, WAVES / "t01-w1")
    first = load_package(store, WAVES / "t01-w3")
    again = load_package(store, WAVES / "t01-w3")
    assert again == LoadReport(kind="wave", status="unchanged", wave="t01-w3", study="t01", source=first.source)
    assert again.changes == Changes() and again.shared == {} and again.measured == {}


def test_the_json_form_leads_with_wave_status_changes_and_warnings(store):
    load_package(store, WAVES / "t01-w1")
    path = WAVES / "t01-w3"
    loaded = load_package(store, path)
    text = json.dumps(loaded.as_dict())
    assert list(json.loads(text))[:4] == ["wave", "status", "changes", "warnings"]
    assert json.loads(text) == {
        "wave": "t01-w3",
        "status": "loaded",
        "changes": {"created": W3_CREATED, "updated": {}, "removed": {}},
        "warnings": [],
        "kind": "wave",
        "study": "t01",
        "source": {"path": str(path), "hash": read_package(path).source_hash},
        "shared": W3_SHARED,
        "measured": {},
        "references": [],
        "citations": None,
    }
    unchanged = load_package(store, path).as_dict()
    assert (unchanged["status"], unchanged["changes"]) == ("unchanged", {"created": {}, "updated": {}, "removed": {}})


def test_a_reference_list_reports_its_citations_and_warnings(store):
    store.write("CREATE (p:Publication {id: 't:pub:1'})")
    path = CITATIONS / "vancouver.txt"
    report = load_citations(store, path, "t:pub:1", wave="t:wave:1")
    assert (report.kind, report.status, report.wave, report.study) == ("references", "loaded", "t:wave:1", None)
    assert report.source == Source(str(path))
    # Seven entries: the sixth ("Yin RK.") has no title and is skipped; the second has no number
    # and is numbered from its position. Six citations, six different works, none loaded before.
    [listed] = report.references
    assert listed.as_dict() == {
        "file": "vancouver.txt",
        "format": "vancouver",
        "cited_by": "t:pub:1",
        "citations": 6,
        "replaced": 0,
        "works_in_list": 6,
        "duplicates_in_list": 0,
        "shared_with_other_lists": 0,
    }
    assert report.changes == Changes(created={"CITES": 6, "Work": 6})
    assert report.citations is not None and (report.citations.works, report.citations.works_created) == (6, 6)
    assert [str(warning) for warning in report.warnings] == [
        "vancouver.txt, row 11: reference 6 has no title after its authors; it was skipped",
        "vancouver.txt, row 6: reference has no number; numbered 2 from its position",
    ]
    assert report.as_dict()["warnings"][0] == {
        "message": "reference 6 has no title after its authors; it was skipped",
        "count": None,
        "file": "vancouver.txt",
        "row": 11,
        "column": None,
    }
    again = load_path(store, path, cited_by="t:pub:1", wave="t:wave:1")  # as `kb load --cited-by` does
    assert (again.kind, again.status) == ("references", "updated")
    assert again.changes == Changes(created={"CITES": 6}, removed={"CITES": 6})  # the same six works again


def test_a_waves_reference_lists_are_in_its_report(store):
    load_package(store, DEMO / "00-vocab-1")
    report = load_package(store, DEMO / "10-z13-2011")
    # wave.yaml names the search engine's export (25 entries) first, then the PMC list (28), by their paths.
    assert [(r.file, r.format, r.cited_by, r.citations) for r in report.references] == [
        ("references/bmjopen-2013-search-export.txt", "search-export", "z13:pub:bmjopen-2013", 25),
        ("references/bmjopen-2013-pmc-refs.txt", "pmc", "z13:pub:bmjopen-2013", 28),
    ]
    works = store.read("MATCH (w:Work) RETURN count(w) AS c").single_value()
    assert report.citations is not None and report.citations.works == report.citations.works_created == works
    assert report.changes.created["CITES"] == 25 + 28 and report.changes.created["Work"] == works


def test_a_qdpx_load_names_the_project_and_passes_on_its_conversion_warnings(store, tmp_path):
    # A focus group coded once, in a source two participant cases share: the selection cannot be
    # given one speaker, which the conversion says; the load itself adds no warning.
    p = ProjectBuilder("Focus groups")
    code = p.code("Theme")
    for name, kind in (("Site", "Text"), ("Role", "Text")):
        p.variable(name, kind)
    group = p.text_source("Focus group", "Both: it works.")
    p.selection(group, 0, 15, [code])
    p.case("GP7", {"Site": "D", "Role": "GP"}, sources=[group])
    p.case("N3", {"Site": "D", "Role": "Nurse"}, sources=[group])
    project = p.write(tmp_path / "groups.qdpx")
    report = load_path(store, project, study="t1", wave="t1-coding")
    assert (report.kind, report.status, report.wave, report.study) == ("wave", "loaded", "t1-coding", "t1")
    assert report.source.path == str(project)
    assert report.warnings == (
        LoadWarning(
            "coded segments covered by several participant cases, left without a speaker: 1", file="groups.qdpx"
        ),
    )
    assert report.changes.created["Evidence"] == 1


def test_a_warning_reads_as_its_location_and_message():
    assert str(LoadWarning("158 coded selections skipped", count=158)) == "158 coded selections skipped"
    assert str(LoadWarning("cell repaired", file="a.csv", row=3, column="name")) == (
        "a.csv, row 3, column 'name': cell repaired"
    )
    problem = Problem("refs.ris", "line is not a 'TAG  - value' line; it was ignored", row=39)
    assert str(LoadWarning.of(problem)) == str(problem)


def test_a_report_cannot_be_changed_after_the_load():
    report = LoadReport("wave", "loaded", "w", "s", Source("p"), Changes(created={"Wave": 1}))
    with pytest.raises(AttributeError):
        report.status = "updated"
    with pytest.raises(TypeError):
        report.changes.created["Wave"] = 2


def test_the_module_map_names_every_module_of_the_wave_loader_once():
    doc = loaders.wave.__doc__ or ""
    listed = re.findall(r"^    (\w+\.py) ", doc, re.M)
    modules = sorted(p.name for p in Path(loaders.wave.__file__).parent.glob("*.py") if p.name != "__init__.py")
    assert sorted(listed) == modules and len(listed) == len(set(listed))
