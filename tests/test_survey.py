"""Survey edge lists: ties read with every row problem reported, and package rows made from them."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import ValidationError
from loaders.survey import SurveyTie, advice_tie_rows, read_survey

GOOD = """respondent,alter,alter_type,relation,weight,wave
z13:participant:A1,z13:participant:A2,participant,advice,3,z13-2011
z13:participant:A1,z13:org:pct-a,organisation,Advice,,z13-2011
z13:participant:A2,z13:participant:A1,participant,collaboration,1.5,z13-2011
"""


def _write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "survey.csv"
    path.write_text(text, encoding=encoding)
    return path


def _problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_survey(_write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def test_ties_are_read_with_their_locators(tmp_path):
    ties = read_survey(_write(tmp_path, GOOD, encoding="utf-8-sig"))
    assert ties == (
        SurveyTie(
            "z13:participant:A1", "z13:participant:A2", "participant", "advice", 3.0, "z13-2011", "survey.csv row 2"
        ),
        SurveyTie(
            "z13:participant:A1", "z13:org:pct-a", "organisation", "advice", None, "z13-2011", "survey.csv row 3"
        ),
        SurveyTie(
            "z13:participant:A2",
            "z13:participant:A1",
            "participant",
            "collaboration",
            1.5,
            "z13-2011",
            "survey.csv row 4",
        ),
    )


def test_every_row_problem_is_reported_with_row_and_column(tmp_path):
    text = GOOD + (
        "z13:participant:A3,,participant,advice,,\n"
        "z13:participant:A3,z13:participant:A1,person,gossip,-2,\n"
        "z13:participant:A3,z13:participant:A3,participant,advice,,\n"
        "z13:participant:A1,z13:participant:A2,participant,advice,1,z13-2011\n"
        "z13:participant:A3,z13:participant:A1,organisation,advice,,\n"
    )
    assert _problems(tmp_path, text) == [
        "survey.csv, row 5, column 'alter': is empty; it is required",
        "survey.csv, row 6, column 'alter_type': 'person' is not an alter type; expected one of: participant, "
        "organisation",
        "survey.csv, row 6, column 'relation': 'gossip' is not a relation; expected one of: advice, collaboration, "
        "knowledge",
        "survey.csv, row 6, column 'weight': '-2' is not a weight; expected a number above 0",
        "survey.csv, row 7, column 'alter': 'z13:participant:A3' names the respondent themself; a tie needs two "
        "different people",
        "survey.csv, row 8: repeats the tie of row 2",
        "survey.csv, row 9, column 'alter': 'z13:participant:A1' is an organisation here but a participant in row 2",
    ]


def test_header_problems_are_reported_on_row_one(tmp_path):
    assert _problems(tmp_path, "respondent,alter,relation,wieght\nA,B,advice,1\n") == [
        "survey.csv, row 1: unknown column 'wieght'; expected columns: respondent, alter, alter_type, relation, "
        "weight, wave",
        "survey.csv, row 1: the required column 'alter_type' is missing",
        "survey.csv, row 2, column 'alter_type': is empty; it is required",
    ]


def test_package_rows_follow_the_advice_ties_columns_and_filter_by_wave(tmp_path):
    ties = read_survey(_write(tmp_path, GOOD + "z13:participant:A2,z13:org:pct-a,organisation,knowledge,,z13-2012\n"))
    rows = advice_tie_rows(ties, wave="z13-2011")
    assert rows[0] == {
        "respondent": "z13:participant:A1",
        "alter": "z13:participant:A2",
        "relation": "advice",
        "weight": "3",
        "locator": "survey.csv row 2",
    }
    assert [r["locator"] for r in rows] == ["survey.csv row 2", "survey.csv row 3", "survey.csv row 4"]
    assert len(advice_tie_rows(ties)) == 4


_ids = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)


@given(
    st.lists(
        st.tuples(
            _ids,
            _ids,
            st.sampled_from(["advice", "collaboration", "knowledge"]),
            st.none() | st.integers(1, 1000).map(lambda n: n / 4),
        ),
        unique_by=lambda t: (t[0], t[1], t[2]),
    )
)
@settings(max_examples=50, deadline=None)
def test_written_ties_read_back_unchanged(tmp_path_factory, rows):
    rows = [(f"p:{a}", f"p:{b}", rel, w) for a, b, rel, w in rows if a != b]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["respondent", "alter", "alter_type", "relation", "weight"])
    writer.writerows([a, b, "participant", rel, "" if w is None else repr(w)] for a, b, rel, w in rows)
    path = tmp_path_factory.mktemp("survey") / "s.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert [(t.respondent, t.alter, t.relation, t.weight) for t in read_survey(path)] == rows


def test_a_field_over_the_csv_limit_is_a_problem_naming_its_line(tmp_path):
    # the csv module reads at most 131,072 characters in a field; this one is on line 5
    text = GOOD + "z13:participant:A3," + "x" * 131_073 + ",participant,advice,,\n"
    assert _problems(tmp_path, text) == [
        "survey.csv: cannot be read as CSV at line 5 (field larger than field limit (131072)); check the quoting there"
    ]


def test_values_are_quoted_in_at_most_60_characters_on_one_line(tmp_path):
    text = GOOD.replace("collaboration", "coll" + "x" * 5000).replace("alter,alter_type", '"al\nter",alter_type')
    problems = _problems(tmp_path, text)
    assert (
        "survey.csv, row 1: unknown column 'al\\nter'; expected columns: respondent, alter, alter_type, relation, "
        "weight, wave" in problems
    )
    assert (
        f"survey.csv, row 4, column 'relation': 'coll{'x' * 56}…' is not a relation; expected one of: advice, "
        "collaboration, knowledge"
    ) in problems
