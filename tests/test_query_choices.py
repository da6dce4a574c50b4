"""Parameter values checked against their choices, without a database: the nearest choices a
refusal offers, the message it gives, missing parameters named, and a parameter's help lines."""

from __future__ import annotations

import pytest

from kb.errors import NotFound, UsageError
from kb.queries import (
    Choice,
    LibraryError,
    MissingParameter,
    UnknownChoice,
    describe_params,
    get_query,
    nearest_choices,
    parse_query_file,
    unknown_choice_message,
)

# The two studies' sites: study 1's Site A-F and study 2's Case A-F are different places.
SITES = [Choice(f"s17:case:{c}", f"Case {c}") for c in "ABCDEF"] + [
    Choice(f"z13:site:{c}", f"Site {c}") for c in "ABCDEF"
]
TYPES = [Choice(f"vocab:orgtype:{t}") for t in ("gp_practice", "pct", "acute_provider", "local_authority")]


def test_a_short_id_is_matched_by_its_last_part():
    assert nearest_choices("A", SITES) == ["s17:case:A", "z13:site:A"]
    assert nearest_choices("acute_provider", TYPES) == ["vocab:orgtype:acute_provider"]


def test_a_name_or_label_matches_whatever_its_case():
    assert nearest_choices("site a", SITES) == ["z13:site:A"]
    assert nearest_choices("Z13:SITE:B", SITES) == ["z13:site:B"]


def test_a_near_miss_is_matched_by_spelling():
    assert nearest_choices("acute_provder", TYPES) == ["vocab:orgtype:acute_provider"]
    assert nearest_choices("z13:site:G", SITES)[0].startswith("z13:site:")
    assert nearest_choices("nothing like it", TYPES) == []


def test_the_refusal_names_the_nearest_choices():
    assert unknown_choice_message("site", "A", SITES) == "no site 'A'; did you mean s17:case:A or z13:site:A?"
    assert unknown_choice_message("site", "Site A", SITES) == "no site 'Site A'; did you mean z13:site:A?"


def test_with_none_near_the_refusal_lists_the_choices_and_counts_them():
    listed = ", ".join(c.value for c in SITES[:10])
    assert unknown_choice_message("site", "qqq", SITES) == f"no site 'qqq'; the choices are {listed}, … (12 in all)"
    assert unknown_choice_message("site", "qqq", []) == (
        "no site 'qqq'; there is nothing to choose from yet (is the data loaded?)"
    )


def test_an_unknown_choice_is_a_usage_error():
    assert issubclass(UnknownChoice, NotFound) and issubclass(MissingParameter, UsageError)
    assert UnknownChoice("x").exit_code == MissingParameter("x").exit_code == 2


def test_an_empty_required_id_is_named_as_missing():
    with pytest.raises(MissingParameter) as missing:
        get_query("site_profile").bind({"site": ""})
    assert str(missing.value) == "missing parameter: site (the site's id, e.g. z13:site:A)"
    with pytest.raises(MissingParameter):
        get_query("knowledge_brokers").bind({"site": None})


def test_an_empty_value_stays_a_value_where_it_means_something():
    assert get_query("search").bind({"text": ""})["text"] == ""  # no choices: empty text is a search
    assert get_query("knowledge_brokers").bind({"wave": ""})["wave"] == ""  # optional: the latest wave


def test_help_lines_give_type_default_and_values():
    lines = describe_params(get_query("board_representation"))
    assert lines[0] == "  role   string, default patient_representative: a participant role"
    assert lines[1].strip().startswith("values: gp, pct_employee, practice_manager, hospital, nurse,")
    assert any(line.startswith("  study  string, optional: a study's id") for line in lines)


def test_help_lines_truncate_long_value_lists_with_a_count():
    lines = describe_params(get_query("site_profile"), {"site": SITES}, listed=3)
    assert lines[1].strip() == "values: s17:case:A (Case A), s17:case:B (Case B), s17:case:C (Case C), … (12 in all)"
    unreadable = describe_params(get_query("site_profile"), {"site": "the engine is not running"})
    assert unreadable[1].strip() == "values: from the knowledge base, not read (the engine is not running)"


HEADER = """// name: q
// title: A question
// question: What?
// params:
//   - {name: site, type: string, default: "x:site:A", help: "a site"}
"""


def test_a_requirement_is_declared_in_the_header_and_needs_its_parameters():
    wave = '//   - {name: wave, type: string, default: "", optional: true, help: "a wave"}\n'
    query = parse_query_file(HEADER + wave + "// requires: [survey_network]\nRETURN $site, $wave", "cypher/q.cypher")
    assert query.requires == ("survey_network",)
    assert get_query("knowledge_brokers").requires == ("survey_network",)
    with pytest.raises(LibraryError, match="requires survey_network, which needs the parameter\\(s\\) wave"):
        parse_query_file(HEADER + "// requires: [survey_network]\nRETURN $site", "cypher/q.cypher")
    with pytest.raises(LibraryError, match="requires 'coffee'; a query may require survey_network"):
        parse_query_file(HEADER + "// requires: [coffee]\nRETURN $site", "cypher/q.cypher")
