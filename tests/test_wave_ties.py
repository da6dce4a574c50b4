"""advice_ties.csv: a self-tie, a tie given twice and a weight that is not above 0 are refused,
each with its file, row and column; ties to organisations load as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave.api import validate_package
from support.paths import WAVE_FIXTURES

T01_W1 = WAVE_FIXTURES / "t01-w1"
HEADER = "respondent,alter,relation,weight,locator\n"


def _with_ties(tmp_path: Path, rows: str) -> Path:
    package = tmp_path / "t01-w1"
    shutil.copytree(T01_W1, package)
    (package / "advice_ties.csv").write_text(HEADER + rows, encoding="utf-8")
    return package


def _problems(package: Path) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_package(package)
    return [str(problem) for problem in refused.value.problems]


def test_a_respondent_naming_themself_is_refused(tmp_path):
    package = _with_ties(tmp_path, "t01:person:p1,t01:person:p1,advice,1,sheet\n")
    assert _problems(package) == [
        "advice_ties.csv, row 2, column 'alter': 't01:person:p1' names the respondent themself; a tie links two "
        "different people, so name someone else or delete the row"
    ]


def test_a_tie_given_twice_in_one_wave_is_refused_even_with_another_weight(tmp_path):
    rows = (
        "t01:person:p1,t01:person:p3,advice,1,sheet\n"
        "t01:person:p1,t01:person:p3,collaboration,1,sheet\n"  # another relation: another tie
        "t01:person:p3,t01:person:p1,advice,1,sheet\n"  # the other direction: another tie
        "t01:person:p1,t01:person:p3,advice,2,sheet\n"
    )
    assert _problems(_with_ties(tmp_path, rows)) == [
        "advice_ties.csv, row 5, column 'alter': repeats the tie of row 2 (the same respondent, alter, relation); "
        "keep one of the two rows"
    ]


@pytest.mark.parametrize("weight", ["0", "-1", "-0.5"])
def test_a_weight_not_above_zero_is_refused(tmp_path, weight):
    package = _with_ties(tmp_path, f"t01:person:p1,t01:person:p3,advice,{weight},sheet\n")
    assert _problems(package) == [
        f"advice_ties.csv, row 2, column 'weight': '{weight}' is not above 0; write a positive number, or leave "
        "the cell empty"
    ]


def test_ties_to_organisations_and_empty_weights_pass(tmp_path):
    rows = "t01:person:p1,t01:org:council-b,knowledge,,sheet\nt01:person:p2,t01:org:council-b,advice,0.01,sheet\n"
    package = validate_package(_with_ties(tmp_path, rows))
    assert package.counts()["advice_ties.csv"] == 2
