"""docs/cypher.md, measured: every construct of kb.dialect runs (or is refused) on the real engine as
the page says, every rewrite answers what the Neo4j form would, and the page shows the current tables.

The expected answers below are read off the example graph (kb.dialect.EXAMPLE_GRAPH), not taken
from a run: three sites A, B, C; participants 1 and 2 at A, 3 at B; 1 is advised by 2, 2 by 3;
participant 1 joined on 2011-02-01 and 2 on 2011-12-31.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kb import dialect
from kb.errors import QueryError

ROOT = Path(__file__).resolve().parents[1]
A, B, C = "x:site:A", "x:site:B", "x:site:C"

# The rows each Neo4j-only example gives on Neo4j, which its portable form must give on both engines.
NEO4J_ANSWERS: dict[str, list[dict[str, Any]]] = {
    "EXISTS { } subquery": [{"site": A}, {"site": B}],
    "COUNT { } subquery": [{"site": A, "people": 2}, {"site": B, "people": 1}, {"site": C, "people": 0}],
    "COLLECT { } subquery": [
        {"site": A, "people": ["x:p:1", "x:p:2"]},
        {"site": B, "people": ["x:p:3"]},
        {"site": C, "people": []},
    ],
    "CALL (x) { } scoped subquery": [{"site": A, "people": 2}, {"site": B, "people": 1}, {"site": C, "people": 0}],
    "shortestPath in MATCH": [{"hops": 2}],
    "=~ regular expression": [{"site": A}, {"site": B}],
    "datetime()": [{"year": 2011}],
    # duration.between(2011-02-01, 2011-12-31) is P10M30D
    "duration.between() and duration.inMonths/inDays/inSeconds()": [{"months": 10}],
    "elementId()": [{"site": A}],
    "quantified path pattern": [{"adviser": "x:p:2"}, {"adviser": "x:p:3"}],
    "round(x, precision)": [{"density": 0.737}],
}

PORTABLE_ANSWERS: dict[str, list[dict[str, Any]]] = {
    "pattern predicate": [{"site": A}, {"site": B}],
    "pattern comprehension": [
        {"site": A, "people": ["x:p:1", "x:p:2"]},
        {"site": B, "people": ["x:p:3"]},
        {"site": C, "people": []},
    ],
    "OPTIONAL MATCH, then collect": [{"site": C, "people": []}],
    "CALL { WITH x … } subquery": [{"site": A, "people": 2}, {"site": B, "people": 1}, {"site": C, "people": 0}],
    "variable-length relationship": [{"adviser": "x:p:2"}, {"adviser": "x:p:3"}],
    "shortestPath in RETURN (directed, ends bound)": [{"hops": 2}],
    "STARTS WITH, ENDS WITH, CONTAINS": [{"site": C}],
    "date(), localdatetime(), duration()": [{"day": "2011-02-11"}],
    "list comprehension, reduce()": [{"total": 6}],  # 2 + 4
    "map projection": [{"site": {"id": A, "name": "Site A"}}],
    "UNION": [{"n": 1}, {"n": 2}],
}


def _sorted_people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A pattern comprehension's order is the engine's own; compare its lists as sets.
    return [{**row, "people": sorted(row["people"])} if isinstance(row.get("people"), list) else row for row in rows]


@pytest.fixture
def example(store):
    store.write(dialect.EXAMPLE_GRAPH)
    return store


@pytest.fixture
def embedded_example(embedded_store):
    embedded_store.write(dialect.EXAMPLE_GRAPH)
    return embedded_store


def test_every_construct_has_its_answer_here():
    assert set(NEO4J_ANSWERS) == {c.name for c in dialect.NEO4J_ONLY}
    assert set(PORTABLE_ANSWERS) == {p.name for p in dialect.PORTABLE}


@pytest.mark.parametrize("construct", dialect.NEO4J_ONLY, ids=lambda c: c.name)
def test_the_embedded_engine_refuses_the_neo4j_form_with_its_rewrite(embedded_example, construct):
    with pytest.raises(QueryError) as refused:
        embedded_example.read(construct.neo4j)
    message = str(refused.value)
    assert message.startswith("the engine refused the query: ")
    assert f"; {construct.name} is Neo4j-only: {construct.rewrite} (see docs/cypher.md" in message
    assert "\n" not in message


@pytest.mark.parametrize("construct", dialect.NEO4J_ONLY, ids=lambda c: c.name)
def test_the_portable_form_answers_what_neo4j_would(example, construct):
    rows = example.read(construct.portable).rows
    assert _sorted_people(rows) == NEO4J_ANSWERS[construct.name]


@pytest.mark.neo4j
@pytest.mark.parametrize("construct", dialect.NEO4J_ONLY, ids=lambda c: c.name)
def test_neo4j_answers_its_own_form_the_same(neo4j_store, construct):
    neo4j_store.write(dialect.EXAMPLE_GRAPH)
    assert _sorted_people(neo4j_store.read(construct.neo4j).rows) == NEO4J_ANSWERS[construct.name]


@pytest.mark.parametrize("portable", dialect.PORTABLE, ids=lambda p: p.name)
def test_both_engines_accept_the_shared_forms(example, portable):
    assert _sorted_people(example.read(portable.example).rows) == PORTABLE_ANSWERS[portable.name]


def _answer(rows: list[dict[str, Any]]) -> Any:
    """A result as the tables give it: the one value of a one-cell result, else the rows."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return next(iter(rows[0].values()))
    return rows


@pytest.mark.parametrize("difference", dialect.SILENT, ids=lambda s: s.name)
def test_each_silent_difference_is_as_documented(embedded_example, difference):
    got = _answer(embedded_example.read(difference.query).rows)
    assert got == difference.falkordb
    assert type(got) is type(difference.falkordb)  # 3.0 == 3 in Python; the type is the difference


@pytest.mark.neo4j
@pytest.mark.parametrize("difference", dialect.SILENT, ids=lambda s: s.name)
def test_neo4j_gives_the_other_answer(neo4j_store, difference):
    neo4j_store.write(dialect.EXAMPLE_GRAPH)
    got = _answer(neo4j_store.read(difference.query).rows)
    assert got == difference.neo4j and type(got) is type(difference.neo4j)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (s:Site) WHERE (s)<-[:AT]-() RETURN s",
        "CALL db.labels() YIELD label RETURN label",
        "RETURN localdatetime() AS t, round(2.5) AS r",
        "RETURN (1)+(2) AS n, (3)*(4) AS m",
        "MATCH (s:Site) RETURN s {.id} AS site",
    ],
)
def test_no_hint_for_portable_forms(cypher):
    assert dialect.hint(cypher) == ""


def test_a_refusal_outside_the_table_gets_no_hint(embedded_example):
    with pytest.raises(QueryError) as refused:
        embedded_example.read("RETURN nosuchfunction(1) AS x")
    assert "docs/cypher.md" not in str(refused.value)


def test_the_page_shows_the_current_tables():
    page = (ROOT / dialect.DOC).read_text(encoding="utf-8")
    assert dialect.with_tables(page) == page, "docs/cypher.md is stale: run `.venv/bin/python -m kb.dialect`"
    for construct in dialect.NEO4J_ONLY:
        assert construct.found_in(construct.neo4j), construct.name
        assert not construct.found_in(construct.portable) or construct.name == "shortestPath in MATCH"
