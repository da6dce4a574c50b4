"""Content rules checked without a database: types, required cells, ids and references.

Each case is the t01-w1 fixture with one line changed; the expected message is the one that
change must produce (file, 1-based row with the header as row 1, column, and the fix).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders.wave.api import validate_package
from loaders.wave.records import RefUse
from support.paths import WAVE_FIXTURES as FIXTURES
from support.refusals import load_refused, problems_of


def edited(tmp_path: Path, file: str, old: str, new: str, base: str = "t01-w1") -> Path:
    target = tmp_path / base
    shutil.copytree(FIXTURES / base, target)
    text = (target / file).read_text(encoding="utf-8-sig")
    assert old in text, f"the fixture {base}/{file} no longer holds {old!r}"
    (target / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


CASES = [
    (
        "enum",
        "sites.csv",
        "locality,",
        "town,",
        "sites.csv, row 3, column 'kind': 'town' is not allowed; use one of ccg, locality, cluster, case, group, other",
    ),
    (
        "required",
        "participants.csv",
        "GP chair at site A,gp,",
        "GP chair at site A,,",
        "participants.csv, row 2, column 'role': a value is required; fill in the cell",
    ),
    (
        "int",
        "ties.csv",
        ",3,",
        ",three,",
        "ties.csv, row 2, column 'count': 'three' is not a whole number; write digits only, e.g. 42",
    ),
    (
        "bool",
        "participants.csv",
        ",N,no,1,",
        ",N,no,sometimes,",
        "participants.csv, row 3, column 'survey_respondent': 'sometimes' is not a yes/no value; "
        "use one of Y, N, yes, no, true, false, 1, 0",
    ),
    (
        "float",
        "advice_ties.csv",
        ",0.5,",
        ",half,",
        "advice_ties.csv, row 3, column 'weight': 'half' is not a number; write it with a decimal point, e.g. 0.25",
    ),
    (
        "str-line-break",
        "regions.csv",
        "t01:region:south,South,",
        't01:region:south,"So\nuth",',
        "regions.csv, row 3, column 'name': a line break is not allowed in this column; put the value on one line",
    ),
    (
        "id-form",
        "themes.csv",
        ",codebook\n",
        ",codebook\nt01 theme x,Extra,,,,codebook\n",
        "themes.csv, row 3, column 'id': 't01 theme x' is not a namespaced id; write it as <study>:<kind>:<key> "
        "without spaces, e.g. t01:site:a",
    ),
    (
        "duplicate-id",
        "regions.csv",
        "South,report section 1\n",
        "South,report section 1\nt01:region:north,North again,x\n",
        "regions.csv, row 4, column 'id': 't01:region:north' is already defined in regions.csv row 2; "
        "give each entity its own id, or delete one of the rows",
    ),
    (
        "dangling-ref",
        "organisations.csv",
        "t01:orgtype:council,t01:site:b",
        "t01:orgtype:council,t01:site:q",
        "organisations.csv, row 3, column 'site': 't01:site:q' is not defined in this package; define it in sites.csv, "
        "or list the wave that defines it under 'requires' in wave.yaml",
    ),
    (
        "ref-of-wrong-label",
        "organisations.csv",
        "t01:orgtype:trust,t01:site:a",
        "t01:orgtype:trust,t01:region:north",
        "organisations.csv, row 2, column 'site': 't01:region:north' is a Region (regions.csv row 2), but this "
        "refers to "
        "a Site; use the id of a Site",
    ),
    (
        "refs-list-member",
        "evidence.csv",
        "t01:theme:leadership;t01:theme:networks",
        "t01:theme:leadership;t01:theme:nope",
        "evidence.csv, row 2, column 'themes': 't01:theme:nope' is not defined in this package; define it in "
        "themes.csv, "
        "or list the wave that defines it under 'requires' in wave.yaml",
    ),
    (
        "relationship-end",
        "advice_ties.csv",
        "t01:person:p2,t01:org:council-b",
        "t01:person:p2,t01:orgtype:council",
        "advice_ties.csv, row 3, column 'alter': 't01:orgtype:council' is an OrganisationType (organisation_types.csv "
        "row 3), but this refers to a Participant or Organisation; use the id of a Participant or Organisation",
    ),
    (
        "one-row-per-site",
        "site_observations.csv",
        "t01:site:b,90000",
        "t01:site:a,90000",
        "site_observations.csv, row 3, column 'site': 't01:site:a' already has a row (site_observations.csv row 2); "
        "this file takes one row per entity for the wave, so merge the rows",
    ),
    (
        "manifest-publication",
        "wave.yaml",
        "publications: [t01:pub:report]",
        "publications: [t01:pub:other]",
        "wave.yaml: 't01:pub:other' is not defined in this package; define it in publications.csv, or list the wave "
        "that defines it under 'requires' in wave.yaml",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_content_rule_reports_one_located_problem(store, tmp_path, file, old, new, expected):
    path = edited(tmp_path, file, old, new)
    assert problems_of(path) == [expected]
    assert load_refused(store, path) == [expected]


def test_ids_must_carry_the_study_key(tmp_path):
    path = edited(tmp_path, "regions.csv", "t01:region:south,", "t02:region:south,")
    path.joinpath("sites.csv").write_text(
        (FIXTURES / "t01-w1" / "sites.csv").read_text().replace("t01:region:south", "t02:region:south")
    )
    assert problems_of(path) == [
        "regions.csv, row 3, column 'id': 't02:region:south' does not start with 't01:'; ids of this package are "
        "namespaced by study.id, e.g. t01:site:a",
        # the row is not defined, so the site that refers to it cannot find it
        "sites.csv, row 3, column 'region': 't02:region:south' is not defined in this package; define it in "
        "regions.csv, or list the wave that defines it under 'requires' in wave.yaml",
    ]


def test_problems_of_the_manifest_and_the_files_come_together(tmp_path):
    path = edited(tmp_path, "wave.yaml", "phase: 1", "phase: one")
    (path / "ties.csv").write_text("site,organisation_type,count\nt01:site:a,t01:orgtype:trust,\n")
    assert problems_of(path) == [
        "wave.yaml: line 12: 'wave.phase' is 'one', which is not a whole number; write e.g. 1",
        "ties.csv, row 2, column 'count': a value is required; fill in the cell",
    ]


def test_references_into_required_waves_wait_for_a_store():
    pkg = validate_package(FIXTURES / "t01-w2")
    assert pkg.store_checked is False
    assert RefUse("sites.csv", 2, "region", "t01:region:north", ("Region",)) in pkg.external_refs
    assert RefUse("wave.yaml", None, None, "t01:pub:report", ("Publication",)) in pkg.external_refs
    # t01:site:c is defined in the package itself, so the initiative's site is not external.
    assert not [ref for ref in pkg.external_refs if ref.id == "t01:site:c"]


def test_records_are_typed_by_their_file():
    pkg = validate_package(FIXTURES / "t01-w1")
    participant = next(n for n in pkg.nodes if n.id == "t01:person:p2")
    assert (participant.spec.label, participant.row, participant.source) == ("Participant", 3, "participants.csv row 3")
    assert dict(participant.values) == {
        "id": "t01:person:p2",
        "name": "Manager at site B",
        "role": "manager",
        "site": "t01:site:b",
        "organisation": "t01:org:council-b",
        "board_member": False,
        "interviewed": False,
        "survey_respondent": True,
        "locator": "report annex 1",
    }
    observation = next(r for r in pkg.relationships if r.spec.file == "site_observations.csv")
    assert (observation.start, observation.end, observation.values["board_density"]) == ("t01:site:a", None, 0.42)
    with pytest.raises(TypeError):
        participant.values["name"] = "changed"  # records are read-only


def test_a_citation_list_must_belong_to_a_known_publication(tmp_path):
    path = edited(
        tmp_path,
        "wave.yaml",
        "sources:",
        "citations:\n  - {file: refs.txt, format: pmc, cited_by: 't01:pub:gone'}\nsources:",
    )
    (path / "refs.txt").write_text("1. Doe J. A paper. 2010.\n")
    assert problems_of(path) == [
        "wave.yaml: 't01:pub:gone' is not defined in this package; define it in publications.csv, or list the wave "
        "that defines it under 'requires' in wave.yaml"
    ]
