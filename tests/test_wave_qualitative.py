"""Coded qualitative data inside a wave package: a .qdpx under `qdpx:` and the codebook/segments CSV pair.

They are converted into themes, evidence, participants and sites and loaded with the rest of the
package in one unit: refs between converted rows and the package's own files work, a problem in
either refuses everything, and nothing is written.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from kb.errors import ValidationError
from loaders.wave.api import load_package, validate_package
from loaders.wave.build import write_manifest, write_table
from support.qdpx_builder import ProjectBuilder
from test_qdpx_safety import BILLION_LAUGHS

TEXT = "The PCT holds the data. Our locality leads redesign pathways."
STUDY = {"id": "t02", "title": "Test study 02: coded interviews"}
QDPX = "coding/interviews.qdpx"
CODEBOOK = (
    "code_id,name,parent,description,color\nKF,Knowledge flows,,How knowledge moves,#336699\nKF-PCT,The PCT,KF,,\n"
)
SEGMENTS = (
    "segment_id,document,participant,site,codes,start,end,text,coder,date\n"
    "S1,Interview GP1,t02:person:gp1,t02:site:a,KF;KF-PCT,0,23,The PCT holds the data.,Coder One,2011-03-04T10:00\n"
    "S2,Interview GP1,t02:person:gp1,,KF,24,61,Our locality leads redesign pathways.,,\n"
)


def _project(extra: dict[str, bytes] | None = None, xml: bytes | None = None, path: Path | None = None) -> Path:
    p = ProjectBuilder("Board interviews 2011")
    flows = p.code("Managing knowledge flows", color="#336699")
    pct = p.code("Relations with the PCT", parent=flows)
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean")):
        p.variable(name, kind)
    coder = p.user("Coder One")
    source = p.text_source("Interview GP1", TEXT, as_file=True)
    p.selection(source, 0, 23, [flows, pct], user=coder, date="2011-03-04T10:15:00Z")
    p.selection(source, 24, 61, [flows], user=coder, date="2011-05-20T09:00:00Z")
    p.case("GP1", {"Site": "A", "Role": "GP", "Board member": True}, sources=[source])
    p.case("PM2", {"Site": "A", "Role": "Practice manager", "Board member": False})
    path.parent.mkdir(parents=True, exist_ok=True)
    return p.write(path, xml=xml, extra=extra)


def qdpx_package(
    folder: Path, extra: dict[str, bytes] | None = None, xml: bytes | None = None, qdpx: dict | None = None
) -> Path:
    """A package whose participants and site come from the project's cases; its own advice_ties.csv
    refers to them (PM2 asks GP1 for advice)."""
    write_manifest(
        folder,
        {
            "format": 1,
            "study": STUDY,
            "wave": {"id": "t02-w1", "title": "Coded interviews"},
            "qdpx": qdpx or {"file": QDPX, "cases": {"site_kind": "ccg"}},
        },
    )
    _project(extra, xml, folder / QDPX)
    write_table(
        folder,
        "advice_ties.csv",
        [
            {
                "respondent": "t02:participant:PM2",
                "alter": "t02:participant:GP1",
                "relation": "advice",
                "locator": "survey sheet",
            }
        ],
    )
    return folder


def csv_package(folder: Path, segments: str = SEGMENTS, qdpx: dict | None = None) -> Path:
    manifest = {"format": 1, "study": STUDY, "wave": {"id": "t02-w1", "title": "Coded interviews"}}
    write_manifest(folder, {**manifest, **({"qdpx": qdpx} if qdpx else {})})
    write_table(folder, "sites.csv", [{"id": "t02:site:a", "name": "Site A", "kind": "ccg", "locator": "site list"}])
    write_table(
        folder,
        "participants.csv",
        [{"id": "t02:person:gp1", "name": "GP 1", "role": "gp", "site": "t02:site:a", "locator": "interview list"}],
    )
    (folder / "codebook.csv").write_text(CODEBOOK, encoding="utf-8")
    (folder / "coded_segments.csv").write_text(segments, encoding="utf-8")
    return folder


def counts(store) -> dict[str, int]:
    nodes = store.read("MATCH (n) RETURN labels(n)[0] AS name, count(n) AS n").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS name, count(r) AS n").rows
    return {row["name"]: row["n"] for row in nodes + rels}


def test_a_qdpx_named_in_the_manifest_loads_with_the_package(store, tmp_path):
    report = load_package(store, qdpx_package(tmp_path / "pkg"))
    # 2 codes, 2 coded selections, 2 cases (both at site A), plus the package's own advice tie.
    assert {
        k: report.changes.created[k] for k in ("Theme", "Evidence", "Participant", "Site", "ADVISED_BY", "SPOKEN_BY")
    } == {
        "Theme": 2,
        "Evidence": 2,
        "Participant": 2,
        "Site": 1,
        "ADVISED_BY": 1,
        "SPOKEN_BY": 2,
    }
    rows = store.read(
        "MATCH (e:Evidence)-[s:SPOKEN_BY]->(p:Participant) RETURN e.text AS text, e.kind AS kind, e.coder AS coder, "
        "e.coded_on AS coded_on, e.source AS source, p.id AS speaker ORDER BY e.start"
    ).rows
    assert rows[0] == {
        "text": "The PCT holds the data.",
        "kind": "excerpt",
        "coder": "Coder One",
        "coded_on": "2011-03-04",
        "source": f"evidence.csv row 2 (from {QDPX})",
        "speaker": "t02:participant:GP1",
    }
    assert rows[1]["coded_on"] == "2011-05-20"
    # The tie between two converted participants is measured like any other.
    assert store.read(
        "MATCH (p:Participant {id: 't02:participant:GP1'})-[o:OBSERVED_IN]->(w:Wave) RETURN o.degree AS d, w.id AS w"
    ).first() == {"d": 1, "w": "t02-w1"}


def test_a_zipped_package_holds_its_qdpx_and_hashes_like_the_folder(store, tmp_path):
    folder = qdpx_package(tmp_path / "pkg")
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, "pkg/" + path.relative_to(folder).as_posix())
    assert validate_package(archive).source_hash == validate_package(folder).source_hash
    report = load_package(store, archive)
    assert report.changes.created["Evidence"] == 2


def test_the_qdpx_counts_in_the_source_hash(tmp_path):
    folder = qdpx_package(tmp_path / "pkg")
    before = validate_package(folder).source_hash
    _project(path=folder / QDPX)  # the same project exported again: new GUIDs, other bytes
    assert validate_package(folder).source_hash != before


def test_the_csv_pair_loads_with_refs_into_the_package(store, tmp_path):
    load_package(store, csv_package(tmp_path / "pkg", qdpx={"evidence_kind": "observation"}))
    rows = store.read(
        "MATCH (e:Evidence)-[c:CODED_AS]->(t:Theme) OPTIONAL MATCH (e)-[f:FROM]->(s:Site) "
        "RETURN e.id AS id, t.id AS theme, s.id AS site, e.kind AS kind, e.coded_on AS coded_on ORDER BY id, theme"
    ).rows
    assert rows == [
        {
            "id": "t02:evidence:S1",
            "theme": "t02:theme:KF",
            "site": "t02:site:a",
            "kind": "observation",
            "coded_on": "2011-03-04",
        },
        {
            "id": "t02:evidence:S1",
            "theme": "t02:theme:KF-PCT",
            "site": "t02:site:a",
            "kind": "observation",
            "coded_on": "2011-03-04",
        },
        {"id": "t02:evidence:S2", "theme": "t02:theme:KF", "site": None, "kind": "observation", "coded_on": None},
    ]
    parent = store.read(
        "MATCH (c:Theme)-[r:SUBTHEME_OF]->(p:Theme) RETURN c.source AS source, p.name AS parent"
    ).first()
    assert parent == {"source": "themes.csv row 3 (from coded_segments.csv)", "parent": "Knowledge flows"}


def _refused(store, folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_package(store, folder)
    assert counts(store) == {}, "a refused package must write nothing"
    return [str(problem) for problem in caught.value.problems]


def test_a_zip_slip_member_in_the_qdpx_refuses_the_package(store, tmp_path):
    folder = qdpx_package(tmp_path / "pkg", extra={"Sources/../../evil.txt": b"x"})
    assert _refused(store, folder) == [
        f"{QDPX}: member 'Sources/../../evil.txt' has an unsafe path (absolute or with '..'); the archive is refused"
    ]


def test_an_entity_bomb_in_the_qdpx_refuses_the_package(store, tmp_path):
    folder = qdpx_package(tmp_path / "pkg", xml=BILLION_LAUGHS)
    assert _refused(store, folder) == [
        f"{QDPX}/project.qde: refused: the XML declares the entity 'lol'; a REFI-QDA project never needs entities, "
        "and they can expand without bound or read other files. Export the project again from your QDA tool"
    ]


def test_a_converted_row_that_refers_to_nothing_names_its_origin(store, tmp_path):
    segments = SEGMENTS.replace("t02:person:gp1,t02:site:a", "t02:person:gp9,t02:site:a")
    assert _refused(store, csv_package(tmp_path / "pkg", segments)) == [
        "evidence.csv (from coded_segments.csv), row 2, column 'participant': 't02:person:gp9' is not defined in this "
        "package; define it in participants.csv, or list the wave that defines it under 'requires' in wave.yaml"
    ]


def test_a_package_tie_to_a_participant_no_case_defines_is_refused(store, tmp_path):
    folder = qdpx_package(tmp_path / "pkg")
    write_table(
        folder,
        "advice_ties.csv",
        [{"respondent": "t02:participant:PM3", "alter": "t02:participant:GP1", "relation": "advice"}],
    )
    assert _refused(store, folder) == [
        "advice_ties.csv, row 2, column 'respondent': 't02:participant:PM3' is not defined in this package; define "
        "it in "
        "participants.csv, or list the wave that defines it under 'requires' in wave.yaml"
    ]


def _with_manifest(folder: Path, **changes) -> Path:
    manifest = yaml.safe_load((folder / "wave.yaml").read_text(encoding="utf-8"))
    write_manifest(folder, {**manifest, **changes})
    return folder


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda f: (f / QDPX).unlink(),
            f"wave.yaml: qdpx file '{QDPX}' is not in the package; add it or fix 'qdpx.file'",
        ),
        (
            lambda f: _with_manifest(f, qdpx={"file": QDPX, "evidence_kind": "quote"}),
            "wave.yaml: line 8: qdpx.evidence_kind is 'quote'; expected one of: paraphrase, summary, observation, "
            "survey, "
            "document, excerpt",
        ),
        (
            lambda f: _with_manifest(f, qdpx={"file": QDPX, "cases": {"roles": {"GP": "doctor"}}}),
            "wave.yaml: line 8: cases.roles maps 'GP' to 'doctor', which is not a role; expected one of: gp, "
            "pct_employee, "
            "practice_manager, hospital, nurse, patient_representative, local_authority, manager, other",
        ),
        (
            lambda f: (
                shutil.rmtree(f / "coding"),
                _with_manifest(f, qdpx={"evidence_kind": "summary"}),
                (f / "advice_ties.csv").unlink(),
            ),
            "wave.yaml: 'qdpx' names no file and the package holds no codebook.csv and coded_segments.csv; add "
            "'qdpx.file' or the two CSV files, or remove the section",
        ),
    ],
    ids=["missing-file", "evidence-kind", "role", "nothing-to-convert"],
)
def test_qdpx_section_problems(store, tmp_path, change, expected):
    folder = qdpx_package(tmp_path / "pkg")
    change(folder)
    assert _refused(store, folder) == [expected]


def test_half_a_csv_pair_is_refused(store, tmp_path):
    folder = csv_package(tmp_path / "pkg")
    (folder / "coded_segments.csv").unlink()
    assert _refused(store, folder) == [
        "codebook.csv: comes without coded_segments.csv; coded data needs both codebook.csv and coded_segments.csv"
    ]
