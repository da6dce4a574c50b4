"""From a REFI-QDA project to wave-package rows and a package folder the wave loader can read."""

from __future__ import annotations

import csv

import pytest
import yaml

from kb.errors import UsageError, ValidationError
from loaders.qdpx import CaseMapping, QdpxSettings, project_to_rows, qdpx_to_package, read_qdpx, settings_from_manifest
from loaders.qdpx.wave import key_from_name
from loaders.wave.spec import NODE_FILES
from support.qdpx_builder import ProjectBuilder

TEXT = "The PCT holds the data. We ask the PCT first. Our locality leads redesign pathways."


def _span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def project_path(tmp_path):
    p = ProjectBuilder("Board interviews 2011")
    coder = p.user("Coder One")
    flows = p.code("Managing knowledge flows", color="#336699")
    pct = p.code("Relations with the PCT", parent=flows)
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean")):
        p.variable(name, kind)
    gp1 = p.text_source("Interview GP1", TEXT)
    pm2 = p.text_source("Interview PM2", "We rarely talk to the hospital.")
    p.selection(gp1, *_span("The PCT holds the data."), [flows, pct], user=coder, date="2011-03-04T10:15:00Z")
    p.selection(gp1, *_span("Our locality leads redesign pathways."), [flows], user=coder, date="2011-05-20T09:00:00Z")
    p.selection(pm2, 0, 9, [pct])
    p.case("GP1", {"Site": "A", "Role": "GP", "Board member": True}, sources=[gp1])
    p.case("PM2", {"Site": "B", "Role": "Practice manager", "Board member": False}, sources=[pm2])
    path = p.write(tmp_path / "board.qdpx")
    return path, flows.lower(), pct.lower()


def test_themes_become_rows_with_parent_ids(project_path):
    path, flows, pct = project_path
    rows = project_to_rows(read_qdpx(path), "z13")
    assert rows.themes == (
        {
            "id": f"z13:theme:{flows}",
            "name": "Managing knowledge flows",
            "parent": "",
            "description": "",
            "color": "#336699",
            "locator": "board.qdpx, code book: Managing knowledge flows",
        },
        {
            "id": f"z13:theme:{pct}",
            "name": "Relations with the PCT",
            "parent": f"z13:theme:{flows}",
            "description": "",
            "color": "",
            "locator": "board.qdpx, code book: Relations with the PCT",
        },
    )


def test_evidence_rows_carry_speaker_site_themes_and_offsets(project_path):
    path, flows, pct = project_path
    rows = project_to_rows(read_qdpx(path), "z13")
    first = rows.evidence[0]
    assert first["text"] == "The PCT holds the data."
    assert (first["start"], first["end"]) == ("0", "23")
    assert first["themes"] == f"z13:theme:{flows};z13:theme:{pct}"
    assert (first["participant"], first["site"], first["speaker_role"]) == ("z13:participant:GP1", "z13:site:A", "gp")
    assert first["kind"] == "excerpt"  # verbatim coded text of the researchers' own data
    assert (first["coder"], first["coded_on"]) == ("Coder One", "2011-03-04")
    assert first["locator"] == "board.qdpx, source 'Interview GP1', characters 0-23"
    assert [r["speaker_role"] for r in rows.evidence] == ["gp", "gp", "practice_manager"]


def test_participants_and_sites_come_from_cases(project_path):
    rows = project_to_rows(read_qdpx(project_path[0]), "z13")
    assert [
        (r["id"], r["name"], r["role"], r["site"], r["board_member"], r["interviewed"]) for r in rows.participants
    ] == [
        ("z13:participant:GP1", "GP1", "gp", "z13:site:A", "yes", "yes"),
        ("z13:participant:PM2", "PM2", "practice_manager", "z13:site:B", "no", "yes"),
    ]
    assert [(r["id"], r["name"], r["kind"]) for r in rows.sites] == [
        ("z13:site:A", "A", "other"),
        ("z13:site:B", "B", "other"),
    ]


def test_the_mapping_renames_roles_and_ids_and_can_reference_existing_sites(project_path):
    mapping = CaseMapping(roles={"Practice manager": "manager"}, site_id="s17:case:{key}", define_sites=False)
    rows = project_to_rows(read_qdpx(project_path[0]), "s17", QdpxSettings(mapping, evidence_kind="paraphrase"))
    assert [(r["role"], r["site"]) for r in rows.participants] == [("gp", "s17:case:A"), ("manager", "s17:case:B")]
    assert rows.sites == ()
    assert {r["kind"] for r in rows.evidence} == {"paraphrase"}


def test_cases_that_stand_for_sites_attribute_evidence_to_the_site(tmp_path):
    p = ProjectBuilder()
    code = p.code("Theme")
    p.variable("Site", "Text")
    source = p.text_source("Board minutes", "Minutes of the March board.")
    p.selection(source, 0, 7, [code])
    p.case("Site C", {"Site": "C"}, sources=[source])
    rows = project_to_rows(read_qdpx(p.write(tmp_path / "p.qdpx")), "z13", QdpxSettings(CaseMapping(represent="sites")))
    assert rows.participants == ()
    assert [(r["site"], r["participant"]) for r in rows.evidence] == [("z13:site:C", "")]
    assert [(r["id"], r["name"]) for r in rows.sites] == [("z13:site:C", "C")]


def test_a_role_the_mapping_cannot_place_is_refused(tmp_path):
    p = ProjectBuilder()
    p.variable("Role", "Text")
    p.case("X1", {"Role": "Chair"})
    with pytest.raises(ValidationError) as caught:
        project_to_rows(read_qdpx(p.write(tmp_path / "p.qdpx")), "z13")
    assert str(caught.value) == (
        "p.qdpx/project.qde: case 'X1' has Role 'Chair', which is not a participant role; map it under "
        "qdpx.cases.roles "
        "to one of: gp, pct_employee, practice_manager, hospital, nurse, patient_representative, local_authority, "
        "manager, other"
    )


def test_manifest_settings_are_checked_key_by_key():
    with pytest.raises(ValidationError) as caught:
        settings_from_manifest({"file": "x.qdpx", "cases": {"variable_for_sight": "Site", "site_kind": "county"}})
    assert [str(p) for p in caught.value.problems] == [
        "wave.yaml: unknown key 'cases.variable_for_sight'; expected one of: represent, variable_for_participant, "
        "variable_for_name, variable_for_site, variable_for_role, variable_for_board_member, roles, site_id, "
        "participant_id, define_sites, site_kind, participants",
        "wave.yaml: cases.site_kind is 'county'; expected one of: ccg, locality, cluster, case, group, other",
    ]


def test_manifest_settings_reach_the_mapping():
    settings = settings_from_manifest(
        {
            "file": "x.qdpx",
            "evidence_kind": "summary",
            "cases": {"variable_for_site": "CCG", "roles": {"GP partner": "gp"}},
        }
    )
    assert settings == QdpxSettings(CaseMapping(variable_for_site="CCG", roles={"GP partner": "gp"}), "summary")


def _read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_package_folder_has_a_manifest_and_spec_shaped_csv_files(project_path, tmp_path):
    summary = qdpx_to_package(project_path[0], tmp_path / "pkg")
    assert (summary.study, summary.wave) == ("board-interviews-2011", "board-interviews-2011")
    assert summary.rows == {"themes.csv": 2, "evidence.csv": 3, "participants.csv": 2, "sites.csv": 2}
    manifest = yaml.safe_load((tmp_path / "pkg" / "wave.yaml").read_text(encoding="utf-8"))
    assert manifest["study"] == {"id": "board-interviews-2011", "title": "Board interviews 2011"}
    assert (manifest["wave"]["started"], manifest["wave"]["ended"]) == ("2011-03-04", "2011-05-20")
    columns = {spec.file: [c.name for c in spec.columns] for spec in NODE_FILES}
    for file in summary.rows:
        with (tmp_path / "pkg" / file).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == columns[file]
    evidence = _read_csv(tmp_path / "pkg" / "evidence.csv")
    assert [row["text"] for row in evidence] == [
        "The PCT holds the data.",
        "Our locality leads redesign pathways.",
        "We rarely",
    ]


def test_study_and_wave_can_be_given(project_path, tmp_path):
    summary = qdpx_to_package(project_path[0], tmp_path / "pkg", study="z13", wave="z13-2011-coding")
    manifest = yaml.safe_load((tmp_path / "pkg" / "wave.yaml").read_text(encoding="utf-8"))
    assert (manifest["study"]["id"], manifest["wave"]["id"]) == ("z13", "z13-2011-coding")
    assert _read_csv(tmp_path / "pkg" / "participants.csv")[0]["id"] == "z13:participant:GP1"
    assert summary.path == tmp_path / "pkg"


def test_a_package_is_never_written_over_another_folder(project_path, tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "wave.yaml").write_text("format: 1\n")
    with pytest.raises(UsageError) as caught:
        qdpx_to_package(project_path[0], tmp_path / "pkg")
    assert str(caught.value) == f"{tmp_path / 'pkg'} is not empty; give a new or empty folder for the wave package"


def test_a_group_interview_is_attributed_by_selection_and_otherwise_left_without_a_speaker(tmp_path):
    p = ProjectBuilder()
    code = p.code("Theme")
    for name, kind in (("Site", "Text"), ("Role", "Text")):
        p.variable(name, kind)
    text = "GP: we lead. Nurse: we follow. Both: it works."
    group = p.text_source("Focus group", text)
    gp_part = p.selection(group, 0, 12, [code])
    p.selection(group, 31, 46, [code])
    p.case("GP7", {"Site": "D", "Role": "GP"}, sources=[group], selections=[gp_part])
    p.case("N3", {"Site": "D", "Role": "Nurse"}, sources=[group])
    rows = project_to_rows(read_qdpx(p.write(tmp_path / "p.qdpx")), "z13")
    assert [(r["text"], r["participant"], r["site"], r["speaker_role"]) for r in rows.evidence] == [
        ("GP: we lead.", "z13:participant:GP7", "z13:site:D", "gp"),
        ("Both: it works.", "", "z13:site:D", ""),
    ]
    assert rows.warnings == ("coded segments covered by several participant cases, left without a speaker: 1",)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("CCG Interviews 2011", "ccg-interviews-2011"),
        (
            "Board interviews, site A — round 2 (coded by two researchers, March 2011)",
            "board-interviews-site-a-round-2-coded-by",
        ),
        ("x" * 8000, "x" * 40),
        ("!!!", "qdpx"),
    ],
)
def test_a_key_made_from_a_project_name_is_short(name, key):
    # the study key begins every id of the wave, and ids have at most 200 characters
    assert key_from_name(name) == key
