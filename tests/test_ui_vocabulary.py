"""The words the app shows for code names: column titles, kinds of entity, relationships, empty values."""

from __future__ import annotations

from kb import schema
from ui import vocabulary


def test_code_names_become_words_with_abbreviations_in_capitals():
    assert vocabulary.words("pct_employees") == "PCT employees"
    assert vocabulary.words("gps") == "GPs"
    assert vocabulary.words("boardDensity") == "Board density"
    assert vocabulary.words("rank_betweenness") == "Rank betweenness"


def test_declared_titles_win_and_any_other_column_is_still_words():
    assert vocabulary.column_title("survey_percent") == "Survey response (%)"
    assert vocabulary.column_title("a_column_added_later") == "A column added later"


def test_every_label_and_relationship_of_the_schema_has_plain_words():
    for label in schema.label_names():
        assert label in vocabulary.LABEL_WORDS, label
    for rel in schema.rel_names():
        assert rel in vocabulary.RELATIONSHIP_WORDS, rel
        assert "_" not in vocabulary.relationship_words(rel)
    assert vocabulary.label_words("Participant") == "Person"
    assert vocabulary.relationship_words("OF_TYPE") == "is of type"


def test_ids_are_recognised_and_id_only_columns_are_left_out_while_something_else_remains():
    assert vocabulary.looks_like_id("z13:site:B")
    assert vocabulary.looks_like_id("vocab:orgtype:pct")
    assert not vocabulary.looks_like_id("Site B")
    assert not vocabulary.looks_like_id("10:30")
    # the citations loader's two-part keys: a work's 16-hex-digit hash, an author's name key
    assert vocabulary.looks_like_id("work:12476763b4891aff")
    assert vocabulary.looks_like_id("author:marshall-m")
    assert not vocabulary.looks_like_id("work: a title that starts with a word and a colon")
    assert vocabulary.column_title("doi") == "DOI"
    rows = [{"site": "z13:site:B", "name": "Site B", "type": None}, {"site": "z13:site:A", "name": "Site A"}]
    assert vocabulary.id_columns(["site", "name", "type"], rows) == ["site"]
    assert vocabulary.id_columns(["site"], rows) == []  # an id is better than an empty table
    # co_cited_works' `cited_by`: the citing publications' ids, as a list per work
    cited = [{"title": "Equity and excellence", "cited_by": ["s17:pub:marshall-manuscript", "z13:pub:bmjopen-2013"]}]
    assert vocabulary.id_columns(["title", "cited_by"], cited) == ["cited_by"]
    assert vocabulary.id_columns(["title", "cited_by"], [{"title": "T", "cited_by": ["z13:pub:x", "a report"]}]) == []


def test_unknown_shows_as_nothing_never_none_or_zero():
    assert vocabulary.value_text(None) == ""
    assert vocabulary.value_text(0) == 0
    assert vocabulary.value_text(True) == "Yes"


def test_roles_follow_the_papers_order_and_read_as_words():
    # Study 1 Table 3 lists GPs, PCT employees, practice managers, hospital, other.
    roles = ["other", "pct_employee", "hospital", "gp", "practice_manager", "nurse"]
    ordered = sorted(roles, key=vocabulary.role_sort_key)
    assert ordered == ["gp", "pct_employee", "practice_manager", "hospital", "other", "nurse"]
    assert vocabulary.coded_value("speaker_role", "practice_manager") == "Practice manager"
    assert vocabulary.coded_value("kind", "paraphrase") == "Paraphrase"
    assert vocabulary.coded_value("name", "gp") == "gp"  # only coded columns are translated


def test_a_study_is_named_as_its_earliest_dated_publication_is_cited():
    # Study 2's report (2017) has five authors; its manuscript has no year, so it cannot be the earliest.
    report = {"year": 2017, "authors": ["Storey J", "Holti R", "Hartley J", "Marshall M", "Matharu T"], "title": "R"}
    manuscript = {"year": None, "authors": ["Marshall M", "Holti R"], "title": "M"}
    assert vocabulary.study_label([manuscript, report]) == "Storey et al. 2017"
    assert (
        vocabulary.study_label([{"year": 2013, "authors": ["Zollinger-Read P", "Oborn E"]}])
        == "Zollinger-Read and Oborn 2013"
    )
    assert vocabulary.study_label([{"year": 2020, "authors": ["NHS England"]}]) == "NHS England 2020"
    assert vocabulary.study_label([manuscript]) is None  # no dated publication: the app shows the id


def test_a_site_choice_names_its_study_as_cited():
    names = {"z13": "Zachariadis et al. 2013"}
    assert vocabulary.with_study_name("Site A (z13)", names) == "Site A (Zachariadis et al. 2013)"
    assert vocabulary.with_study_name("Site A (q99)", names) == "Site A (q99)"  # an unknown study stays
    assert vocabulary.with_study_name("Site (A) north", names) == "Site (A) north"
