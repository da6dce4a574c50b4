"""The CSV alternative: codebook.csv + coded_segments.csv read into the same records and rows."""

from __future__ import annotations

import pytest

from kb.errors import ValidationError
from loaders.qdpx import project_to_rows, read_coded_csv

CODEBOOK = """code_id,name,parent,description,color
KF,Managing knowledge flows,,How knowledge moves,#336699
KF-PCT,Relations with the PCT,KF,,#99CCFF
NS,Network stability,,,
"""

SEGMENTS = """segment_id,document,participant,site,codes,start,end,text,coder,date,speaker_role
S1,Interview GP1,GP1,A,KF;KF-PCT,0,23,The PCT holds the data.,Coder One,2011-03-04,gp
S2,Interview PM2,z13:participant:PM2,z13:site:B,NS,,,"We rarely talk
to the hospital.",,,
"""


def _write(tmp_path, codebook=CODEBOOK, segments=SEGMENTS):
    (tmp_path / "codebook.csv").write_text(codebook, encoding="utf-8")
    (tmp_path / "coded_segments.csv").write_text(segments, encoding="utf-8-sig")  # a BOM, as Excel writes
    return tmp_path / "codebook.csv", tmp_path / "coded_segments.csv"


def _problems(tmp_path, **files) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_coded_csv(*_write(tmp_path, **files))
    return [str(p) for p in caught.value.problems]


def test_codes_and_segments_are_read(tmp_path):
    project = read_coded_csv(*_write(tmp_path))
    assert [(t.guid, t.name, t.parent, t.color) for t in project.themes] == [
        ("KF", "Managing knowledge flows", None, "#336699"),
        ("KF-PCT", "Relations with the PCT", "KF", "#99CCFF"),
        ("NS", "Network stability", None, None),
    ]
    first, second = project.segments
    assert (first.codes, first.start, first.end, first.coder, first.coded_at) == (
        ("KF", "KF-PCT"),
        0,
        23,
        "Coder One",
        "2011-03-04",
    )
    assert second.text == "We rarely talk\nto the hospital."
    assert (second.start, second.end) == (None, None)


def test_segments_become_evidence_rows_with_ids_from_keys_or_given_ids(tmp_path):
    rows = project_to_rows(read_coded_csv(*_write(tmp_path)), "z13")
    assert [
        (r["id"], r["themes"], r["participant"], r["site"], r["speaker_role"], r["start"], r["locator"])
        for r in rows.evidence
    ] == [
        (
            "z13:evidence:S1",
            "z13:theme:KF;z13:theme:KF-PCT",
            "z13:participant:GP1",
            "z13:site:A",
            "gp",
            "0",
            "coded_segments.csv row 2, document 'Interview GP1'",
        ),
        (
            "z13:evidence:S2",
            "z13:theme:NS",
            "z13:participant:PM2",
            "z13:site:B",
            "",
            "",
            "coded_segments.csv row 3, document 'Interview PM2'",
        ),
    ]
    assert [(r["id"], r["parent"], r["locator"]) for r in rows.themes][1] == (
        "z13:theme:KF-PCT",
        "z13:theme:KF",
        "codebook.csv row 3",
    )
    assert rows.participants == () and rows.sites == ()


def test_codebook_problems_name_row_and_column(tmp_path):
    codebook = CODEBOOK + "KF,Duplicate,,,\nX1,Orphan,NOPE,,blue\nC1,Loop one,C2,,\nC2,Loop two,C1,,\n"
    assert _problems(tmp_path, codebook=codebook) == [
        "codebook.csv, row 5, column 'code_id': 'KF' is already defined in codebook.csv row 2",
        "codebook.csv, row 6, column 'color': 'blue' is not a colour; write #RRGGBB",
        "codebook.csv, row 6, column 'parent': 'NOPE' is not a code_id of this code book",
        "codebook.csv, row 7, column 'parent': code 'C1' is its own ancestor through 'parent'",
        "codebook.csv, row 8, column 'parent': code 'C2' is its own ancestor through 'parent'",
    ]


def test_segment_problems_name_row_and_column(tmp_path):
    segments = SEGMENTS + (
        "S3,Interview GP1,GP1,A,ZZ,5,2,text,,03/04/2011,chair\n"
        "S1,Interview GP1,GP1,A,KF,,,again,,,\n"
        "S4,,GP1,A,KF,x,3,,,,\n"
    )
    assert _problems(tmp_path, segments=segments) == [
        "coded_segments.csv, row 4, column 'codes': 'ZZ' is not a code_id of codebook.csv",
        "coded_segments.csv, row 4, column 'end': end 2 is before start 5",
        "coded_segments.csv, row 4, column 'date': '03/04/2011' is not an ISO date (YYYY-MM-DD)",
        "coded_segments.csv, row 4, column 'speaker_role': 'chair' is not a role; expected one of: gp, pct_employee, "
        "practice_manager, hospital, nurse, patient_representative, local_authority, manager, other",
        "coded_segments.csv, row 5, column 'segment_id': 'S1' is already used in coded_segments.csv row 2, "
        "document 'Interview GP1'",
        "coded_segments.csv, row 6, column 'document': is empty; it is required",
        "coded_segments.csv, row 6, column 'text': is empty; it is required",
        "coded_segments.csv, row 6, column 'start': 'x' is not a character offset (a whole number from 0)",
    ]


def test_header_problems_are_reported_on_row_one(tmp_path):
    assert _problems(tmp_path, segments="segment_id,document,code,text\nS1,D,KF,t\n") == [
        "coded_segments.csv, row 1: unknown column 'code'; expected columns: segment_id, document, "
        "participant, site, codes, start, end, text, coder, date, speaker_role",
        "coded_segments.csv, row 1: the required column 'codes' is missing",
        "coded_segments.csv, row 2, column 'codes': is empty; it is required",
    ]


def test_a_span_that_disagrees_with_the_text_length_is_a_warning(tmp_path):
    segments = "segment_id,document,codes,start,end,text\nS1,D,KF,0,10,short\n"
    project = read_coded_csv(*_write(tmp_path, segments=segments))
    assert project.warnings == ("coded_segments.csv row 2: start-end spans 10 characters but text has 5",)
