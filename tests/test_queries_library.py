"""The query library as files: every question the issue asks for, with complete headers."""

from __future__ import annotations

import pytest

from kb import schema
from kb.queries import library
from loaders.wave.spec import ROLES, THEME_RELATIONS, TIE_RELATIONS

REQUIRED = (
    "site_profile",
    "compare_sites",
    "interviews_by_site",
    "network_ties",
    "board_representation",
    "theme_matrix",
    "evidence_for_theme",
    "initiatives_by_partner_type",
    "initiatives_by_clinical_area",
    "cross_study_themes",
    "co_cited_works",
    "knowledge_brokers",
    "connections_between",
    "wave_changes",
    "commissioning_models",
    "recommendations",
    "neighbourhood",
    "search",
)
GRAPH_QUERIES = {"connections_between", "neighbourhood", "site_network"}


def test_the_library_holds_every_required_question():
    assert set(REQUIRED) <= set(library())


@pytest.mark.parametrize("name", sorted(library()))
def test_header_is_complete(name):
    query = library()[name]
    assert query.title and query.question.endswith("?")
    assert query.columns and len(set(query.columns)) == len(query.columns)
    for param in query.params:
        assert param.help, f"{name}.{param.name} needs a help text for the form"
        if param.choices_query:
            assert " AS value" in param.choices_query, "choices_for reads the first column; call it value"


def test_graph_flag_marks_the_queries_that_return_graph_elements():
    assert {q.name for q in library().values() if q.graph} == GRAPH_QUERIES


@pytest.mark.parametrize(
    ("name", "param", "allowed"),
    [
        ("search", "label", tuple(schema.label_names())),
        ("board_representation", "role", ROLES),
        ("cross_study_themes", "how", THEME_RELATIONS),
        ("site_network", "relation", TIE_RELATIONS),
    ],
)
def test_static_choices_follow_the_model(name, param, allowed):
    assert library()[name].param(param).choices == allowed
