"""Coded interviews attach to the participants a package or a required wave already defines.

A .qdpx case converts to a participant row; when a participant of that id is defined in the
package's participants.csv, or in a wave the package requires, or when wave.yaml maps the case to
one (`qdpx.cases.participants`), the case names that participant instead of defining it again:
its coded segments are spoken by it, and the interview is its value in the loading wave.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave.api import load_package, unload_wave, validate_package
from loaders.wave.build import write_manifest, write_table
from support.qdpx_builder import ProjectBuilder

STUDY = {"id": "t04", "title": "Test study 04: a board surveyed, then interviewed"}
QDPX = "coding/interviews.qdpx"
SITE, CHAIR, MANAGER = "t04:site:a", "t04:participant:GP1", "t04:participant:PM2"
PEOPLE = [
    {"id": CHAIR, "name": "GP chair", "role": "gp", "site": SITE, "board_member": True, "locator": "board list"},
    {"id": MANAGER, "name": "Practice manager", "role": "practice_manager", "site": SITE, "locator": "board list"},
]
SPOKEN = "MATCH (e:Evidence)-[s:SPOKEN_BY]->(p:Participant) RETURN p.id AS id, p.name AS name ORDER BY id"
OBSERVED = (
    "MATCH (p:Participant)-[o:OBSERVED_IN]->(w:Wave {id: $wave}) "
    "RETURN p.id AS id, o.interviewed AS interviewed, o.board_member AS board, o.source AS source ORDER BY id"
)


def _interviews(path: Path, case: str = "GP1") -> Path:
    """One interview, coded once, whose case is `case` (Site A, a GP on the board)."""
    p = ProjectBuilder("Board interviews 2015")
    theme = p.code("Managing knowledge flows")
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean")):
        p.variable(name, kind)
    source = p.text_source("Interview GP1", "The PCT holds the data.", as_file=True)
    p.selection(source, 0, 23, [theme])
    p.case(case, {"Site": "a", "Role": "GP", "Board member": True}, sources=[source])
    path.parent.mkdir(parents=True, exist_ok=True)
    return p.write(path)


def _survey_wave(folder: Path) -> Path:
    write_manifest(folder, {"format": 1, "study": STUDY, "wave": {"id": "t04-w1", "title": "Board survey"}})
    write_table(folder, "sites.csv", [{"id": SITE, "name": "Site A", "kind": "ccg", "locator": "sites"}])
    write_table(folder, "participants.csv", PEOPLE)
    return folder


def _coded_wave(folder: Path, requires: list[str] | None, cases: dict | None = None, case: str = "GP1") -> Path:
    manifest = {
        "format": 1,
        "study": STUDY,
        "wave": {"id": "t04-w2", "title": "Interviews"},
        "qdpx": {"file": QDPX, "cases": {"site_kind": "ccg", **(cases or {})}},
    }
    write_manifest(folder, {**manifest, **({"requires": requires} if requires else {})})
    _interviews(folder / QDPX, case)
    return folder


def test_a_case_attaches_to_a_participant_of_the_same_package(store, tmp_path):
    # The board survey and its coded interviews in one package: participants.csv defines the GP
    # chair and the site, and the .qdpx's case GP1 at site a is that chair.
    folder = _survey_wave(tmp_path / "pkg")
    write_manifest(
        folder,
        {
            "format": 1,
            "study": STUDY,
            "wave": {"id": "t04-w1", "title": "Board survey and interviews"},
            "qdpx": {"file": QDPX, "cases": {"site_kind": "ccg"}},
        },
    )
    _interviews(folder / QDPX)
    report = load_package(store, folder)
    # Defined once, by participants.csv: the two people and the site; the case adds nothing to define.
    assert (report.changes.created["Participant"], report.changes.created["Site"]) == (2, 1)
    assert store.read(SPOKEN).rows == [{"id": CHAIR, "name": "GP chair"}]
    assert store.read(OBSERVED, {"wave": "t04-w1"}).rows == [
        {"id": CHAIR, "interviewed": True, "board": True, "source": f"participants.csv row 2 (from {QDPX})"}
    ]


def test_a_case_attaches_to_a_participant_of_a_required_wave(store, tmp_path):
    load_package(store, _survey_wave(tmp_path / "w1"))
    report = load_package(store, _coded_wave(tmp_path / "w2", ["t04-w1"]))
    assert "Participant" not in report.changes.created and "Site" not in report.changes.created
    assert report.changes.created["Evidence"] == 1
    assert store.read(SPOKEN).rows == [{"id": CHAIR, "name": "GP chair"}]
    assert [row["id"] for row in store.read(OBSERVED, {"wave": "t04-w2"}).rows] == [CHAIR]
    unload_wave(store, "t04-w2")  # the interview goes, the chair stays with the survey
    assert store.read(SPOKEN).rows == []
    assert store.read("MATCH (p:Participant) RETURN count(p) AS n").single_value() == 2


def test_a_case_mapped_to_a_participant_attaches_to_it(store, tmp_path):
    load_package(store, _survey_wave(tmp_path / "w1"))
    # The project calls the case "Interview 7"; wave.yaml says who that is.
    package = _coded_wave(tmp_path / "w2", ["t04-w1"], {"participants": {"Interview 7": CHAIR}}, case="Interview 7")
    load_package(store, package)
    assert store.read(SPOKEN).rows == [{"id": CHAIR, "name": "GP chair"}]


def test_a_case_mapped_to_no_participant_is_refused(store, tmp_path):
    load_package(store, _survey_wave(tmp_path / "w1"))
    mapping = {"participants": {"Interview 7": "t04:participant:nobody"}}
    package = _coded_wave(tmp_path / "w2", ["t04-w1"], mapping, case="Interview 7")
    with pytest.raises(ValidationError) as refused:
        validate_package(package, store)
    # The mapping is the cause; the coded segment spoken by that participant repeats it.
    assert [str(p) for p in refused.value.problems] == [
        f"participants.csv (from {QDPX}), row 2, column 'id': 't04:participant:nobody' is not a Participant of this "
        "package or of the waves it requires (t04-w1); define it in participants.csv or fix the id",
        f"evidence.csv (from {QDPX}), row 2, column 'participant': 't04:participant:nobody' is not a Participant of "
        "this package or of the waves it requires (t04-w1); define it in participants.csv or fix the id",
    ]


def test_a_case_of_a_loaded_wave_the_package_does_not_require_names_the_wave(store, tmp_path):
    load_package(store, _survey_wave(tmp_path / "w1"))
    with pytest.raises(ValidationError) as refused:
        load_package(store, _coded_wave(tmp_path / "w2", None))
    assert [str(p) for p in refused.value.problems] == [
        f"participants.csv (from {QDPX}), row 2, column 'id': 't04:participant:GP1' is defined by loaded wave "
        "t04-w1; add it to requires",
        f"sites.csv (from {QDPX}), row 2, column 'id': 't04:site:a' is defined by loaded wave t04-w1; "
        "add it to requires",
    ]


def test_coded_segments_of_the_csv_pair_name_a_participant_of_a_required_wave(store, tmp_path):
    load_package(store, _survey_wave(tmp_path / "w1"))
    folder = tmp_path / "w2"
    write_manifest(
        folder, {"format": 1, "study": STUDY, "wave": {"id": "t04-w2", "title": "Interviews"}, "requires": ["t04-w1"]}
    )
    (folder / "codebook.csv").write_text("code_id,name\nKF,Knowledge flows\n", encoding="utf-8")
    (folder / "coded_segments.csv").write_text(
        "segment_id,document,participant,site,codes,start,end,text\n"
        f"S1,Interview GP1,{CHAIR},{SITE},KF,0,23,The PCT holds the data.\n",
        encoding="utf-8",
    )
    report = load_package(store, folder)
    assert "Participant" not in report.changes.created
    assert store.read(SPOKEN).rows == [{"id": CHAIR, "name": "GP chair"}]
