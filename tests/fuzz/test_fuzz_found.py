"""Inputs the fuzz suite found that crashed a loader, crashed the engine or changed a value, one test each.

Each is the smallest form of a case the generated suites met in their first runs, written out so
that it stays fixed: the input must be refused with a ValidationError (or UsageError) whose message
names the file and is one short line, the engine must still run, and nothing may change.
docs/reliability.md lists what each one did when it was found.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest

from kb import engine
from loaders.citations.api import load_citations
from loaders.dispatch import load_path
from loaders.survey import read_survey
from loaders.wave.api import load_package
from support.fuzz.harness import REFUSALS, BaseGraph, fingerprint, message_problem
from support.fuzz.packages import PackageCase
from support.fuzz.sources import BASE_QDE, BASE_SURVEY, CitationCase, QdpxCase
from support.qdpx_builder import ProjectBuilder


def refusal(base: BaseGraph, action) -> Exception:
    """Run `action`, which must be refused; check that the engine runs and nothing changed."""
    before = fingerprint(base.store)
    try:
        action()
    except REFUSALS as exc:
        error = exc
    else:
        base.reset()  # for the tests that follow
        pytest.fail("the input was accepted")
    finally:
        died = base.engine_died()  # restarts it for the tests that follow
    assert not died, "the input crashed the engine"
    assert fingerprint(base.store) == before
    assert message_problem(error) is None, message_problem(error)
    return error


def load(base: BaseGraph, case: PackageCase) -> Exception:
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = case.write(Path(tmp))
        return refusal(base, lambda: load_package(base.store, path))


def cell(file: str, row: int, column: int, text: str) -> PackageCase:
    return PackageCase(edits=((file, (("cell", row, column, text),)),))


def test_an_id_longer_than_the_engine_can_index_is_refused_before_it_crashes_the_engine(fuzz_base):
    # FalkorDB 4.16 dies (SIGSEGV in EnforceUniqueEntity) on a unique key of ~5,000 characters or more
    long_id = PackageCase(edits=(("sites.csv", (("dup_row", 1), ("cell", 3, 0, "t01:site:" + "c" * 6000))),))
    error = load(fuzz_base, long_id)
    assert str(error).startswith("sites.csv, row 4, column 'id': ")


def test_a_wave_id_longer_than_the_engine_can_index_is_refused(fuzz_base):
    error = load(fuzz_base, PackageCase(manifest=("set", "wave.id", "w" * 6000)))
    assert str(error).startswith("wave.yaml")


@pytest.mark.parametrize("number", [str(2**63), str(-(2**63) - 1), "9" * 25])
def test_a_whole_number_beyond_64_bits_is_refused_not_clamped(fuzz_base, number):
    error = load(fuzz_base, cell("site_observations.csv", 1, 1, number))
    assert str(error).startswith("site_observations.csv, row 2, column 'population': ")


def test_a_whole_number_of_5000_digits_is_refused(fuzz_base):
    error = load(fuzz_base, cell("site_observations.csv", 1, 1, "1" * 5000))
    assert str(error).startswith("site_observations.csv, row 2, column 'population': ")


@pytest.mark.parametrize(
    "manifest",
    [
        "[" * 3000 + "]" * 3000,
        "format: 1\nstudy: {id: t01, title: x}\nwave: {id: t01-w1, title: y, started: 2013-02-30}\n",
        "format: 1\nstudy: {id: t01, title: x}\nwave: {id: t01-w1, title: y, ended: 2014-03-31 25:61:00}\n",
        'format: 1\nstudy: {id: t01, title: "\\0"}\nwave: {id: t01-w1, title: y}\n',
    ],
    ids=["nested 3000 deep", "30 February", "hour 25", "NUL in a title"],
)
def test_a_manifest_yaml_cannot_read_or_store_is_refused_naming_wave_yaml(fuzz_base, manifest):
    error = load(fuzz_base, PackageCase(manifest=("text", manifest)))
    assert str(error).startswith("wave.yaml")


@pytest.mark.parametrize(
    "edit",
    [("flip", 0, 255), ("flip", 27, 255), ("flip", 45, 255), ("flip", 81, 255), ("flip", 186, 255)],
    ids=["magic", "name", "deflate", "crc", "eof"],
)
def test_a_damaged_zip_member_is_refused_naming_the_zip(fuzz_base, edit):
    # positions in the zip of the base package (members in the fixture's name order, deflated)
    error = load(fuzz_base, PackageCase(as_zip=True, zip_edits=(edit,)))
    assert str(error).startswith("package.zip")


def test_a_zip_of_the_base_package_still_loads_unchanged(fuzz_base):
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = PackageCase(as_zip=True).write(Path(tmp))
        assert zipfile.ZipFile(path).namelist()[0] == "advice_ties.csv"  # the layout the positions above assume
        assert load_package(fuzz_base.store, path).status == "unchanged"


@pytest.mark.parametrize(
    "case",
    [
        PackageCase(edits=(("ties.csv", (("huge", 0, 131_000, False),)),)),
        PackageCase(edits=(("sites.csv", (("cell", 0, 1, "na\nme"),)),)),
    ],
    ids=["header cell of 131,000 characters", "header cell with a line break"],
)
def test_a_refusal_quoting_a_bad_header_is_one_short_line(fuzz_base, case):
    load(fuzz_base, case)


@pytest.mark.parametrize(
    "case", [CitationCase("long-author.ris"), CitationCase("long-author.json")], ids=["RIS", "CSL-JSON"]
)
def test_an_author_name_of_8000_characters_does_not_crash_the_engine(fuzz_base, case):
    # the Author node's id is made from the family name, and ids are unique keys
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = case.write(Path(tmp))
        try:
            load_citations(fuzz_base.store, path, cited_by=case.cited_by)
        except REFUSALS as error:
            assert message_problem(error) is None
        finally:
            died = fuzz_base.engine_died()
        fuzz_base.reset()
    assert not died, "the reference list crashed the engine"


def test_a_qdpx_selection_guid_of_7000_characters_is_refused_before_it_crashes_the_engine(fuzz_base, tmp_path):
    # the coded segment's Evidence id is made from the selection's GUID
    project = ProjectBuilder("Long guid")
    theme = project.code("Knowledge flows")
    source = project.text_source("Interview GP1", "The PCT holds the data.")
    selection = project.selection(source, 0, 7, [theme])
    path = project.write(tmp_path / "long.qdpx", xml=project.xml().replace(selection.encode(), b"A" * 7000))
    refusal(fuzz_base, lambda: load_path(fuzz_base.store, path, study="fzq", wave="fzq-1"))


def test_a_damaged_qdpx_directory_is_refused(fuzz_base):
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = QdpxCase(zip_edits=(("flip", 1190, 255),)).write(Path(tmp))
        error = refusal(fuzz_base, lambda: load_path(fuzz_base.store, path, study="fzq", wave="fzq-1"))
    assert "project.qdpx" in str(error)


def test_a_qdpx_declaring_an_unknown_encoding_is_refused(fuzz_base):
    declaration = BASE_QDE.index(b"utf-8") + 1  # encoding='utf-8' becomes encoding='unf-8'
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = QdpxCase(xml_edits=(("flip", declaration, ord("t") ^ ord("n")),)).write(Path(tmp))
        error = refusal(fuzz_base, lambda: load_path(fuzz_base.store, path, study="fzq", wave="fzq-1"))
    assert "project.qde" in str(error)


@pytest.mark.parametrize(
    "case",
    [
        CitationCase("refs.ris", (("insert", 120, b"\x00"),)),
        CitationCase("deep.json"),
    ],
    ids=["NUL in a title", "JSON nested 50,000 deep"],
)
def test_a_reference_list_the_engine_cannot_store_is_refused(fuzz_base, case):
    with tempfile.TemporaryDirectory(prefix="kb-found-") as tmp:
        path = case.write(Path(tmp))
        try:
            load_citations(fuzz_base.store, path, cited_by=case.cited_by)
        except REFUSALS as error:
            assert message_problem(error) is None
        assert not fuzz_base.engine_died()


@pytest.mark.parametrize(
    "data",
    [
        BASE_SURVEY + b"t01:person:p4," + b"x" * 131_073 + b",participant,advice,,\n",
        BASE_SURVEY.replace(b"collaboration", b"coll" + b"x" * 5000),
        BASE_SURVEY.replace(b"respondent,alter", b'"respondent\nalter"'),
    ],
    ids=["field over the csv limit", "value of 5000 characters", "header with a line break"],
)
def test_a_broken_survey_is_refused_in_one_short_line(tmp_path, data):
    path = tmp_path / "survey.csv"
    path.write_bytes(data)
    with pytest.raises(REFUSALS) as info:
        read_survey(path)
    assert str(info.value).startswith("survey.csv")
    assert message_problem(info.value) is None, message_problem(info.value)


def test_the_engine_of_the_fuzz_suite_is_running(fuzz_base):
    assert engine.status(fuzz_base.data_dir).running
