"""Every query path returns a Result that says what produced it; optional parameters are declared.

The library query used is `search`, whose header declares `text` (default "knowledge"), an optional
`label` (default empty) and `limit` (default 50); the fixture is tests/fixtures/waves/t01-w1.
"""

from __future__ import annotations

import pytest

from kb.errors import ReadOnlyViolation
from kb.queries import LibraryError, Param, get_query, library, parse_query_file, run_cypher, run_named
from kb.store import Provenance, Result
from kb.store.base import FULLTEXT_PARAMS
from loaders.wave.api import load_package
from support.paths import WAVE_FIXTURES as WAVES
from ui.forms import offers_any

HEADER = "// name: q\n// title: T\n// question: Q?\n// params:\n"


def test_a_library_query_returns_its_result_with_the_query_that_produced_it(store):
    load_package(store, WAVES / "t01-w1")
    result = run_named(store, "search", {"text": "Site A"})
    assert isinstance(result, Result)
    assert result.columns == list(get_query("search").columns)
    # The parameters as bound: the one given, then the header's defaults for the others; where the
    # engine's full-text index answered, its form of the query and its terms for the text.
    bound = {"text": "Site A", "label": "", "limit": 50}
    cypher, params = get_query("search").for_store(store, bound)
    assert {k: v for k, v in params.items() if k not in FULLTEXT_PARAMS} == bound
    assert result.provenance == Provenance(cypher, params, store.kind, query="search")
    assert result.provenance.as_dict() == {
        "query": "search",
        "cypher": cypher,
        "parameters": params,
        "engine": store.kind,
    }


def test_cypher_given_as_text_returns_a_result_that_names_the_text(store):
    result = run_cypher(store, "RETURN $x + 1 AS y", {"x": 41})
    assert (result.columns, result.rows) == (["y"], [{"y": 42}])
    assert result.provenance == Provenance("RETURN $x + 1 AS y", {"x": 41}, store.kind)
    assert result.provenance.as_dict() == {"query": "RETURN $x + 1 AS y", "parameters": {"x": 41}, "engine": store.kind}


def test_cypher_given_as_text_is_read_only_unless_writing_is_asked_for(store):
    with pytest.raises(ReadOnlyViolation):
        run_cypher(store, "CREATE (n:Site {id: 'x'})", {})
    assert store.read("MATCH (n:Site {id: 'x'}) RETURN count(n) AS c").single_value() == 0
    written = run_cypher(store, "CREATE (n:Site {id: 'x'})", {}, write=True)
    assert written.counters["nodes_created"] == 1


def test_the_time_a_result_ran_joins_its_provenance_only_when_noted():
    noted = Provenance("RETURN 1", {}, "falkordb", ran_at="2024-01-02T03:04:05+00:00")
    assert noted.as_dict()["time"] == "2024-01-02T03:04:05+00:00"
    assert "time" not in Provenance("RETURN 1", {}, "falkordb").as_dict()


def test_a_header_declares_an_optional_parameter():
    query = parse_query_file(
        HEADER + '//   - {name: study, type: string, default: z13, optional: true, help: "empty for every study"}\n'
        "MATCH (s:Study) WHERE $study = '' OR s.id = $study RETURN s.id AS id",
        "cypher/q.cypher",
    )
    assert query.param("study").optional is True
    assert query.param("study").as_dict()["optional"] is True


def test_an_empty_default_must_be_declared_optional():
    with pytest.raises(LibraryError) as caught:
        parse_query_file(
            HEADER + '//   - {name: study, type: string, default: ""}\nRETURN $study AS s', "cypher/q.cypher"
        )
    assert str(caught.value) == (
        "cypher/q.cypher: param 'study' has an empty default; give a default, or add `optional: true` "
        "if the query accepts an empty value"
    )


def test_optional_is_true_or_false():
    with pytest.raises(LibraryError) as caught:
        parse_query_file(
            HEADER + "//   - {name: study, type: string, default: z13, optional: sometimes}\nRETURN $study AS s",
            "cypher/q.cypher",
        )
    assert str(caught.value) == "cypher/q.cypher: param 'study' has optional 'sometimes'; write true or false"


def test_every_library_parameter_that_says_what_empty_means_is_declared_optional():
    for query in library().values():
        for param in query.params:
            if "empty for" in param.help:
                assert param.optional, f"{query.name}.{param.name} says what empty means but is not optional"


def test_a_form_offers_any_from_the_declaration_not_from_the_help_text():
    assert offers_any(Param("study", default="z13", optional=True))
    assert not offers_any(Param("site", default="z13:site:A", help="a site's id; empty for every site"))
