"""REFI-QDA projects as real tools write them (tests/conformance/SOURCES.md says where each comes from).

The NVivo for Windows export is the real file. The others could not be committed (their licence
does not allow it, or is unknown): each is rebuilt here in miniature with the structure of the
real export it names, its quirks included. Expected values come from reading the files.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.qdpx import read_qdpx
from loaders.qdpx.load import derived_key, load_qdpx, plan_qdpx
from support.paths import CONFORMANCE

HERE = CONFORMANCE / "qdpx"
NVIVO_WIN = HERE / "nvivo-win-12.6-oltas0517.qdpx"
NS = "{urn:QDA-XML:project:1.0}"


def _archive(tmp_path: Path, name: str, qde_name: str, qde: str, files: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for member, data in files.items():
            archive.writestr(member, data)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _tool_slices(path: Path, utf16: bool) -> dict[str, str]:
    """Selection GUID -> the text its positions select, cut here independently of the loader."""
    with zipfile.ZipFile(path) as archive:
        qde = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        root = ET.fromstring(archive.read(qde))
        members = {n.lower(): n for n in archive.namelist()}
        found = {}
        for source in root.iter(f"{NS}TextSource"):
            inline = source.find(f"{NS}PlainTextContent")
            if inline is not None:
                text = inline.text or ""
            else:
                relative = (source.get("plainTextPath") or "").replace("internal://", "")
                text = archive.read(members[f"sources/{relative}".lower()]).decode("utf-8-sig")
            for selection in source.iter(f"{NS}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                guid = selection.get("guid").strip("{}").lower()
                if utf16:
                    found[guid] = text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")
                else:
                    found[guid] = text[start:end]
    return found


# NVivo for Windows 12.6 (real export) -------------------------------------------------------


@pytest.fixture(scope="module")
def nvivo():
    return read_qdpx(NVIVO_WIN)


def test_nvivo_windows_project_reads_as_the_file_says(nvivo):
    assert (nvivo.name, nvivo.origin) == ("Untitled", "NVivo for Windows 12.6")
    assert sorted(u.name for u in nvivo.users) == ["Gergo", "floriansipos"]
    assert len(nvivo.themes) == 152  # <Code elements in project.qde
    by_guid = {t.guid: t for t in nvivo.themes}
    covid = next(t for t in nvivo.themes if t.name == "COVID")
    assert by_guid[covid.parent].name == "1. Oltás típusa"
    assert [t.name for t in nvivo.themes[:3]] == ["1. Oltás típusa", "COVID", "Nem COVID"]
    assert len(nvivo.segments) == 303 and nvivo.selections == 303
    assert nvivo.positions == "UTF-16 code units"
    assert nvivo.warnings == ()


def test_nvivo_segments_are_the_coders_selections_in_utf16(nvivo):
    expected = _tool_slices(NVIVO_WIN, utf16=True)
    assert {s.guid: s.text for s in nvivo.segments} == expected
    first = next(s for s in nvivo.segments if s.guid == "7154a758-6873-4134-badd-ae1dc04d3086")
    # the selection at UTF-16 positions 3137-3284 starts at the start of a comment
    assert first.text.startswith("Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlátolt agyi")
    assert first.positions == "UTF-16 code units 3137-3284"
    # nothing is trimmed: NVivo's selections keep the line breaks (\r\n) the coder selected
    assert any(s.text != s.text.strip() for s in nvivo.segments)


def test_every_nvivo_segment_is_its_sources_text_between_its_code_point_offsets(nvivo):
    texts = {s.guid: s.text for s in nvivo.sources}
    assert all(seg.text == texts[seg.source][seg.start : seg.end] for seg in nvivo.segments)


def test_the_default_project_name_does_not_make_the_ids(nvivo):
    key = derived_key(nvivo, NVIVO_WIN)
    assert key.startswith("untitled-") and len(key) == len("untitled-") + 8


# MAXQDA 24 (mirrors bedingjd/paper_themes references/2025-06-16_ICLS_Conf_Themes_ALL_just10.zip) -----

MAXQDA_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:QDA-XML:project:1.0"
 origin="MAXQDA 24 (Release 24.7.0)" name="2025-06-16_ICLS_Conf_Themes_ALL_just10"
 modifiedDateTime="2025-07-14T18:42:34Z">
 <Users><User guid="F3EA8DA1-BB99-411F-8ED4-011170237B6C" name="johnb"/></Users>
 <CodeBook><Codes>
  <Code color="#32bd59" guid="5C7AE230-096A-4F7E-A632-3BE263BB9156" name="Assessments" isCodable="true">
   <Description>A parent category.</Description>
   <Code color="#32bd59" guid="088164C3-4BB6-4C84-8FCF-E550D479867D" name="ASSMNT - Affective Outcomes"
    isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="C5E4C960-5296-4FDE-8C63-DEABA4E17F92" name="ICLS 2024 3-10"
   plainTextPath="internal://C5E4C960-5296-4FDE-8C63-DEABA4E17F92.txt"/>
 </Sources>
</Project>"""


def test_maxqda_codebook_with_a_lower_case_sources_folder(tmp_path):
    path = _archive(
        tmp_path,
        "maxqda.qdpx",
        "project.qde",
        MAXQDA_QDE,
        {"sources/C5E4C960-5296-4FDE-8C63-DEABA4E17F92.txt": b"ICLS papers 3 to 10"},
    )
    project = read_qdpx(path)
    assert [(t.name, t.color) for t in project.themes] == [
        ("Assessments", "#32bd59"),
        ("ASSMNT - Affective Outcomes", "#32bd59"),
    ]
    assert project.themes[1].parent == "5c7ae230-096a-4f7e-a632-3be263bb9156"  # GUIDs compare in lower case
    assert [s.text for s in project.sources] == ["ICLS papers 3 to 10"]
    assert (project.segments, project.warnings) == ((), ())
    # no creation date: the project file's bytes make the id unique
    assert derived_key(project, path).startswith("2025-06-16-icls-conf-themes-all-just10-")


# qc 1.3.2 (mirrors cproctor/qualitative-coding qualitative_coding/demo.qdpx) -----------------

QC_QDE = """<Project xmlns="urn:QDA-XML:project:1.0" origin="qc 1.3.2" name="qc project">
<Users><User name="cp" guid="39633935-3331-3962-6632-373436373264" /></Users>
<CodeBook><Codes><Code name="rq1_definition" guid="34653336-3766-3235-6466-363134396437" isCodable="true">
<Code name="programming" guid="36636563-3863-6264-3638-303637613863" isCodable="true" /></Code></Codes></CodeBook>
<Sources><TextSource plainTextPath="board_2017.txt" guid="33663939-3636-3632-3038-613431643463">
<PlainTextSelection guid="a1" startPosition="4" endPosition="16">
<Coding guid="c1" creatingUser="39633935-3331-3962-6632-373436373264">
<CodeRef targetGUID="36636563-3863-6264-3638-303637613863" /></Coding></PlainTextSelection></TextSource></Sources>
</Project>"""


def test_qc_reads_sources_named_outside_the_archive_from_its_sources_folder(tmp_path):
    text = "We 😀 teach programming in year 9."
    path = _archive(tmp_path, "demo.qdpx", "project.qde", QC_QDE, {"sources/board_2017.txt": text.encode()})
    project = read_qdpx(path)
    (segment,) = project.segments
    # qc counts code points: "We 😀" is 4 of them, so 4-16 is the space after the emoji and 11 more characters
    assert segment.text == text[4:16] == " teach progr"
    assert project.positions == "code points"
    assert project.warnings == (
        "1 source read from the archive's Sources folder although the project places the text outside the archive "
        "(e.g. 'board_2017.txt')",
    )


# NVivo for Mac 15.0.0 (mirrors cproctor/qualitative-coding qualitative_coding/refi_qda/nvivo_project.qdpx) ---

NVIVO_MAC_QDE = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath=""
 creatingUserGUID="1b0b1791-be46-4557-9957-7333544cfaf2" creationDateTime="2024-09-15T15:36:45Z" name="qc project"
 origin="NVivo for Mac 15.0.0" xmlns="urn:QDA-XML:project:1.0"><Users><User guid="1b0b1791-be46-4557-9957-7333544cfaf2"
 id="CP" name="chrisp"/></Users><CodeBook><Codes><Code guid="34653336-3766-3235-6466-363134396437" isCodable="true"
 name="rq1_definition"/></Codes></CodeBook><Sources><TextSource guid="d097e6fd-7671-4d95-a8b6-7795fa4a72e1"
 name="66653866-6334-3535-3435-366637306566" plainTextPath="internal://d097e6fd-7671-4d95-a8b6-7795fa4a72e1.txt"
 richTextPath="internal://d097e6fd-7671-4d95-a8b6-7795fa4a72e1.docx"/></Sources></Project>"""


def test_two_projects_with_the_same_default_name_get_different_ids(tmp_path):
    mac = _archive(
        tmp_path,
        "nvivo_project.qdpx",
        "project.qde",
        NVIVO_MAC_QDE,
        {"sources/d097e6fd-7671-4d95-a8b6-7795fa4a72e1.txt": b"\n", "sources/.root": b""},
    )
    qc = _archive(tmp_path, "demo.qdpx", "project.qde", QC_QDE, {"sources/board_2017.txt": b"We teach programming."})
    mac_plan, qc_plan = plan_qdpx(mac), plan_qdpx(qc)
    assert mac_plan.project.name == qc_plan.project.name == "qc project"
    assert mac_plan.study != qc_plan.study and mac_plan.wave != qc_plan.wave
    assert mac_plan.study.startswith("qc-project-") and qc_plan.study.startswith("qc-project-")


# ATLAS.ti 26 (mirrors Ornio-app/qdpx-toolkit conformance/fixtures/atlasti/atlasti_26_handbuilt_02_codes_memos.qdpx) --

ATLAS_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project name="Trial" origin="ATLAS.ti 26.1.2 (34883)" creationDateTime="2026-09-13T10:00:00Z"
 basePath="/Users/someone/Desktop/Trial Media/Project Media" xmlns="urn:QDA-XML:project:1.0">
 <CodeBook><Codes><Code guid="11111111-2222-3333-4444-555555555555" name="hello" isCodable="true"/>
 <Code guid="11111111-2222-3333-4444-666666666666" name="test" isCodable="true"/></Codes></CodeBook>
 <Sources><VideoSource guid="241BA0AA-0000-0000-0000-000000000001" name="Christos vagias-2.MP4"
  path="relative:///DD148A4A-B28B-4BC0-90D8-3D1FB587C8E5.mov">
  <VideoSelection guid="241BA0AA-0000-0000-0000-000000000002" begin="2274" end="9000" name="2s">
   <Coding guid="241BA0AA-0000-0000-0000-000000000003">
    <CodeRef targetGUID="11111111-2222-3333-4444-555555555555"/></Coding>
  </VideoSelection>
  <VideoSelection begin="21477" end="21477" name="21s"><Description>Hello Trying this out</Description></VideoSelection>
 </VideoSource></Sources>
</Project>"""


def test_atlas_ti_names_the_project_file_after_the_project_and_codes_video(tmp_path):
    path = _archive(tmp_path, "Project.qdpx", "Trial.qde", ATLAS_QDE, {})
    project = read_qdpx(path)
    assert [t.name for t in project.themes] == ["hello", "test"]
    assert project.segments == ()
    assert project.warnings == (
        "the project file is 'Trial.qde' rather than project.qde; it was read as the project",
        "<VideoSource> 'Christos vagias-2.MP4' is not a text source; it and its codings were not imported",
    )


# QualCoder (mirrors the structure of QualCoder's REFI-QDA export: internal text files, code points) ---


def test_a_project_whose_coded_sources_are_all_outside_the_archive_is_refused(tmp_path):
    qde = QC_QDE.replace('plainTextPath="board_2017.txt"', 'plainTextPath="relative:///interviews/board_2017.txt"')
    qde = qde.replace('origin="qc 1.3.2"', 'origin="Qualcoder-1.4"')
    path = _archive(tmp_path, "outside.qdpx", "project.qde", qde, {})
    with pytest.raises(ValidationError) as caught:
        plan_qdpx(path)
    assert [str(p) for p in caught.value.problems] == [
        "outside.qdpx: none of its 1 selection became evidence, so there is nothing to load",
        "outside.qdpx: 1 source not read: the project places the text outside the archive; export the project again "
        "with its sources included to load their coding (e.g. source '33663939-3636-3632-3038-613431643463' at "
        "'relative:///interviews/board_2017.txt')",
        "outside.qdpx: 1 coded selection skipped: their sources are not in the archive",
    ]


def test_loading_reports_the_readers_warnings_and_refuses_to_replace_another_files_wave(store, tmp_path):
    text = "We 😀 teach programming in year 9."
    first = _archive(tmp_path, "demo.qdpx", "project.qde", QC_QDE, {"sources/board_2017.txt": text.encode()})
    report = load_qdpx(store, first, wave="qc-demo")
    (warning,) = report.warnings
    assert warning.message.startswith("1 source read from the archive's Sources folder")
    assert (warning.count, warning.file, report.status, report.source.path) == (1, "demo.qdpx", "loaded", str(first))
    evidence = store.read("MATCH (e:Evidence) RETURN e.text AS text, e.document AS document").rows
    assert evidence == [{"text": " teach progr", "document": "33663939-3636-3632-3038-613431643463"}]
    other = _archive(tmp_path, "other.qdpx", "project.qde", QC_QDE, {"sources/board_2017.txt": text.encode()})
    with pytest.raises(Exception) as caught:
        load_qdpx(store, other, wave="qc-demo")
    assert str(caught.value) == (
        "wave 'qc-demo' is already loaded from 'demo.qdpx'; loading 'other.qdpx' would replace it. "
        "Give --replace to replace it, or --wave NEW to load the project as another wave"
    )
    assert load_qdpx(store, other, wave="qc-demo", replace_wave=True).status in ("updated", "unchanged")


def test_study_existing_keeps_the_loaded_studys_title(store, tmp_path):
    text = "We teach programming in year 9."
    first = _archive(tmp_path, "a.qdpx", "project.qde", QC_QDE, {"sources/board_2017.txt": text.encode()})
    load_qdpx(store, first, study="cs-ed")
    second = _archive(tmp_path, "b.qdpx", "project.qde", MAXQDA_QDE.replace("just10", "second"), {})
    report = load_qdpx(store, second, study="cs-ed")
    assert report.study == "cs-ed"
    rows = store.read("MATCH (s:Study {id: 'cs-ed'})-[h:HAS_WAVE]->(w:Wave) RETURN s.title AS title, w.id AS wave").rows
    assert {r["title"] for r in rows} == {"qc project"} and len(rows) == 2


def test_a_project_on_its_own_maps_an_unknown_role_to_other_with_a_warning(tmp_path):
    from loaders.qdpx.load import validate_qdpx
    from support.qdpx_builder import ProjectBuilder

    p = ProjectBuilder("Roles", origin="NVivo for Windows 12.6")
    code = p.code("Theme")
    p.variable("Role", "Text")
    source = p.text_source("Interview", "We lead the locality.", as_file=True)
    p.selection(source, 0, 8, [code])
    p.case("P1", {"Role": "Patient"}, sources=[source])
    package, summary = validate_qdpx(p.write(tmp_path / "roles.qdpx"))
    assert [w.message for w in package.warnings] == list(summary.warnings)
    assert summary.warnings == (
        "1 case has a Role that is not a participant role ('Patient'); their participants' role is 'other' "
        "(a wave package can map such values under qdpx.cases.roles)",
    )
    assert summary.rows["participants.csv"] == 1
