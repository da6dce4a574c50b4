"""Reading a package's files: encodings, headers, file names, row numbers and the source hash.

Each broken package is the t01-w1 fixture with one file changed, so the single problem reported is
the one the change introduced.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.errors import NotFound, UsageError
from loaders.wave.api import validate_package
from loaders.wave.package import read_package
from support.paths import WAVE_FIXTURES as FIXTURES
from support.refusals import load_refused, problems_of

SITES_HEADER = "id,name,kind,region,description,locator\n"


def package(tmp_path: Path, files: dict[str, str | bytes | None], base: str = "t01-w1") -> Path:
    """A copy of a fixture package with some files replaced (str or bytes) or deleted (None)."""
    target = tmp_path / base
    shutil.copytree(FIXTURES / base, target)
    for name, content in files.items():
        path = target / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return target


def test_fixture_tables_keep_record_numbers_and_known_columns():
    content = read_package(FIXTURES / "t01-w1")
    assert content.problems == ()
    tables = {table.spec.file: table for table in content.tables}
    # regions.csv starts with a byte-order mark; its first column is still `id`.
    assert tables["regions.csv"].columns == ("id", "name", "locator")
    # sites.csv: site B's description spans two lines, but it is one record: row 3.
    sites = tables["sites.csv"].rows
    assert [(row.row, row.cells["id"]) for row in sites] == [(2, "t01:site:a"), (3, "t01:site:b")]
    assert sites[1].cells["description"] == "Rural;\r\ntwo market towns"


def test_a_problem_after_a_multiline_cell_names_the_record_not_the_line(tmp_path):
    text = SITES_HEADER + 't01:site:a,Site A,ccg,,"two\nlines",x\n' + "\n" + "t01:site:z,Site Z,town,,,y\n"
    # Records: header 1, site A 2 (two lines), blank line 3 (skipped but counted), site Z 4.
    path = package(
        tmp_path,
        {
            "sites.csv": text,
            "organisations.csv": None,
            "participants.csv": None,
            "evidence.csv": None,
            "site_observations.csv": None,
            "ties.csv": None,
            "advice_ties.csv": None,
        },
    )
    assert problems_of(path) == [
        "sites.csv, row 4, column 'kind': 'town' is not allowed; use one of ccg, locality, cluster, case, group, other"
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "themes.csv": "id,name,parent\nt01:theme:leadership,Leadership,\nt01:theme:networks,Caf\xe9,\n".encode(
                    "latin-1"
                )
            },
            "themes.csv, row 3, column 'name': the cell is not valid UTF-8 (byte 0xE9); save the file as UTF-8",
        ),
        (
            {"advice_ties.csv": "respondent,alter,relation\n".encode("utf-16")},
            "advice_ties.csv: is saved as UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)",
        ),
        (
            {"advice_ties.csv": ""},
            "advice_ties.csv: the file is empty; give it a header row (respondent, alter, relation, weight, locator) "
            "or leave the file out",
        ),
        (
            {"ties.csv": "site,organisation_type,locator\nt01:site:a,t01:orgtype:trust,x\n"},
            "ties.csv, row 1: required column 'count' is missing; add it to the header",
        ),
        (
            {"themes.csv": "id,name,colour\nt01:theme:leadership,Leadership,red\nt01:theme:networks,Networks,\n"},
            "themes.csv, row 1, column 'colour': unknown column; allowed columns are id, name, parent, description, "
            "color, locator",
        ),
        (
            {"themes.csv": "id,name,name\nt01:theme:leadership,Leadership,L\nt01:theme:networks,Networks,N\n"},
            "themes.csv, row 1, column 'name': the column appears twice in the header; keep one",
        ),
        (
            {"themes.csv": "id,name,\nt01:theme:leadership,Leadership,\nt01:theme:networks,Networks,\n"},
            "themes.csv, row 1: header cell 3 is empty; name the column or delete it",
        ),
        (
            {"themes.csv": "id,name\nt01:theme:leadership,Leadership,extra\nt01:theme:networks,Networks\n"},
            "themes.csv, row 2: the row has 3 cells but the header has 2; quote cells that contain commas",
        ),
        (
            {"themes.csv": "id,name\nt01:theme:leadership,Leader\x00ship\nt01:theme:networks,Networks\n"},
            "themes.csv, row 2, column 'name': the cell contains a NUL character; remove it",
        ),
        (
            {
                "themes.csv": 'id,name\nt01:theme:leadership,Leadership\nt01:theme:x,"Extra"theme\n'
                "t01:theme:networks,Networks\n"
            },
            "themes.csv, row 3: cannot be read as CSV here (',' expected after '\"'); check the quoting of this row",
        ),
        (
            {"notes.txt": "remember the milk"},
            "notes.txt: is not a file of the wave format; a package may hold wave.yaml, README.md, publications.csv, "
            "regions.csv, organisation_types.csv, clinical_areas.csv, commissioning_models.csv, sites.csv, "
            "organisations.csv, participants.csv, initiatives.csv, themes.csv, evidence.csv, findings.csv, "
            "recommendations.csv, site_observations.csv, participant_observations.csv, ties.csv, "
            "initiative_partners.csv, theme_relations.csv, advice_ties.csv, codebook.csv, coded_segments.csv, "
            "the .qdpx named under 'qdpx' and the reference lists "
            "named under 'citations' in wave.yaml",
        ),
        ({"wave.yaml": None}, "wave.yaml: is missing; a package needs wave.yaml at its top (see docs/wave-format.md)"),
        (
            {
                "wave.yaml": (FIXTURES / "t01-w1" / "wave.yaml").read_text()
                + "citations:\n  - {file: refs.txt, format: pmc, cited_by: 't01:pub:report'}\n"
            },
            "wave.yaml: citations file 'refs.txt' is not in the package; add it or fix the path",
        ),
        (
            {
                "wave.yaml": (FIXTURES / "t01-w1" / "wave.yaml")
                .read_bytes()
                .replace(b"fictional multisite", b"fictional\xff")
            },
            "wave.yaml: line 11: not valid UTF-8 (byte 0xFF); save the file as UTF-8",
        ),
    ],
    ids=[
        "bad-encoding",
        "utf16",
        "empty-file",
        "missing-required-column",
        "unknown-column",
        "duplicate-column",
        "unnamed-column",
        "extra-cell",
        "nul",
        "bad-quoting",
        "unknown-file",
        "no-manifest",
        "missing-citations-file",
        "manifest-encoding",
    ],
)
def test_each_form_rule_reports_one_located_problem(store, tmp_path, files, expected):
    path = package(tmp_path, files)
    assert problems_of(path) == [expected]
    assert load_refused(store, path) == [expected]


def test_problems_from_every_file_come_together(tmp_path):
    path = package(
        tmp_path,
        {
            "themes.csv": "id,name,colour\nt01:theme:leadership,Leadership,\nt01:theme:networks,Networks,\n",
            "ties.csv": "site,organisation_type,count,locator\nt01:site:a,t01:orgtype:trust,three,x\n",
        },
    )
    assert problems_of(path) == [
        "themes.csv, row 1, column 'colour': unknown column; allowed columns are id, name, parent, description, "
        "color, locator",
        "ties.csv, row 2, column 'count': 'three' is not a whole number; write digits only, e.g. 42",
    ]


def test_citation_files_are_known_files_and_kept_for_the_citations_loader(tmp_path):
    manifest = (FIXTURES / "t01-w1" / "wave.yaml").read_text()
    path = package(
        tmp_path,
        {
            "wave.yaml": manifest + "citations:\n  - {file: refs/list.txt, format: pmc, cited_by: 't01:pub:report'}\n",
        },
    )
    (path / "refs").mkdir()
    # a list the pmc reader can read: validation reads the lists and refuses one with no reference in it
    (path / "refs" / "list.txt").write_text("1 Doe J\nA paper on commissioning . BMJ\n2010\n")
    pkg = validate_package(path)
    assert dict(pkg.citation_files) == {"refs/list.txt": b"1 Doe J\nA paper on commissioning . BMJ\n2010\n"}


def test_source_hash_follows_the_loaded_files_only(tmp_path):
    original = read_package(FIXTURES / "t01-w1").source_hash
    assert read_package(package(tmp_path / "a", {"README.md": "notes for people"})).source_hash == original
    edited = (FIXTURES / "t01-w1" / "ties.csv").read_text().replace(",3,", ",4,")
    assert read_package(package(tmp_path / "b", {"ties.csv": edited})).source_hash != original


def test_hidden_files_are_ignored(tmp_path):
    path = package(tmp_path, {".DS_Store": b"\x00\x01"})
    assert validate_package(path).wave_id == "t01-w1"


def test_a_symbolic_link_in_a_folder_is_refused(tmp_path):
    path = package(tmp_path, {})
    (path / "ties.csv").unlink()
    (path / "ties.csv").symlink_to(FIXTURES / "t01-w1" / "ties.csv")
    assert problems_of(path) == [
        "ties.csv: is a symbolic link; a package may hold regular files only, so copy the file in"
    ]


def test_a_missing_path_or_a_plain_file_is_a_usage_problem(tmp_path):
    with pytest.raises(NotFound) as missing:
        validate_package(tmp_path / "nowhere")
    assert str(missing.value) == f"no wave package at {tmp_path / 'nowhere'}; give the path of a package folder or .zip"
    plain = tmp_path / "wave.txt"
    plain.write_text("format: 1")
    with pytest.raises(UsageError) as caught:
        validate_package(plain)
    assert str(caught.value) == f"{plain} is neither a folder nor a .zip file; give the package folder or a zip of it"


def test_a_header_cell_with_a_line_break_is_quoted_on_one_line(tmp_path):
    text = (FIXTURES / "t01-w1" / "sites.csv").read_text(encoding="utf-8").replace("name", '"na\nme"', 1)
    assert problems_of(package(tmp_path, {"sites.csv": text})) == [
        "sites.csv, row 1, column 'na\\nme': unknown column; allowed columns are id, name, kind, region, "
        "description, locator",
        "sites.csv, row 1: required column 'name' is missing; add it to the header",
    ]


def test_a_header_cell_of_131000_characters_is_quoted_in_60(tmp_path):
    text = "x" * 131_000 + (FIXTURES / "t01-w1" / "ties.csv").read_text(encoding="utf-8")
    assert problems_of(package(tmp_path, {"ties.csv": text})) == [
        f"ties.csv, row 1, column '{'x' * 60}…': unknown column; allowed columns are site, organisation_type, "
        "count, locator",
        "ties.csv, row 1: required column 'site' is missing; add it to the header",
    ]


def test_an_indexed_value_is_as_short_as_an_id(tmp_path):
    # Publication.doi is indexed (kb.schema): held to the id length, 200 characters
    doi = "10.1000/" + "d" * 193
    text = (FIXTURES / "t01-w1" / "publications.csv").read_text(encoding="utf-8").replace("10.0000/t01.report", doi)
    assert problems_of(package(tmp_path, {"publications.csv": text})) == [
        f"publications.csv, row 2, column 'doi': '10.1000/{'d' * 52}…' is 201 characters long; 'doi' is indexed and "
        "may "
        "have at most 200 characters"
    ]
