"""Counts of citations the citations loader keeps for queries, after every rewrite of the citations.

A Work's `citations` is the number of CITES to it (co_cited_works reads it instead of counting
every citation); a Wave's `tally_cites` the number of CITES with its id as `wave` from a publication
of its study (wave_changes reads it). Both must hold after lists load, after a wave's citations go,
and after a reviewer's merge and split; co_cited_works must answer as its counting form does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.queries import get_query, run_named
from kb.schema import label, rel_type
from loaders.citations import load_citations, merge, remove_wave_citations, review, split
from support.paths import CITATION_FIXTURES as FIXTURES
from support.paths import SEEDS

WORK, PUBLICATION, WAVE, CITES = label("Work"), label("Publication"), label("Wave"), rel_type("CITES")
KEPT_FILTER = "MATCH (w:Work)\nWHERE w.citations IS NULL OR w.citations >= $min_publications\n"
COUNTING_FILTER = (
    "MATCH (pub:Publication)-[:CITES]->(w:Work)\nWITH w, count(*) AS references\n"
    "WHERE references >= $min_publications\n"
)


def assert_work_counts_true(store) -> None:
    kept = store.read(f"MATCH (w:{WORK}) RETURN w.id AS id, w.citations AS n").rows
    # the relationship bound: FalkorDB matches an unbound pattern once per pair of ends, however
    # many relationships join them (a publication citing a work twice)
    counted = store.read(f"MATCH (:{PUBLICATION})-[c:{CITES}]->(w:{WORK}) RETURN w.id AS id, count(c) AS n").rows
    assert {r["id"]: r["n"] for r in kept} == {r["id"]: r["n"] for r in counted}


def assert_co_cited_as_counting(store) -> None:
    cypher = get_query("co_cited_works").cypher
    assert cypher.count(KEPT_FILTER) == 1
    for least in (1, 2):
        params = get_query("co_cited_works").bind({"min_publications": least})
        expected = store.read(cypher.replace(KEPT_FILTER, COUNTING_FILTER), params).rows
        assert run_named(store, "co_cited_works", {"min_publications": least}).rows == expected


def tally(store, wave: str) -> int:
    return store.read(f"MATCH (w:{WAVE} {{id: $id}}) RETURN w.tally_cites AS n", {"id": wave}).single_value()


def test_each_wave_keeps_its_own_studys_citations(store):
    store.write(
        f"CREATE (:{WAVE} {{id: 't:wave:1', study: 't'}}), (:{WAVE} {{id: 't:wave:2', study: 't'}}), "
        f"(:{PUBLICATION} {{id: 't:pub:1', study: 't'}}), (:{PUBLICATION} {{id: 't:pub:2', study: 't'}}), "
        f"(:{PUBLICATION} {{id: 'u:pub:1', study: 'u'}})"
    )
    load_citations(store, FIXTURES / "pmc_refs.txt", "t:pub:1", wave="t:wave:1")  # 4 references
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 0)
    load_citations(store, FIXTURES / "search_export.txt", "t:pub:2", wave="t:wave:2")  # 3 references
    # another study's publication citing under this wave's id is not this wave's
    load_citations(store, FIXTURES / "search_export.txt", "u:pub:1", wave="t:wave:1")
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 3)
    assert_work_counts_true(store)
    assert_co_cited_as_counting(store)
    with store.atomic() as writer:
        remove_wave_citations(writer, "t:wave:2")
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 0)
    assert_work_counts_true(store)
    assert_co_cited_as_counting(store)


def _seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_work_counts_follow_a_merge_and_a_split(store):
    store.write(f"CREATE (:{PUBLICATION} {{id: 'z13:pub:x', study: 'z13'}})")
    for prefix in ("000", "001"):
        load_citations(store, _seed(prefix), "z13:pub:x")
    assert_work_counts_true(store)
    [pair] = review(store)
    before = store.read(
        f"MATCH (w:{WORK}) WHERE w.id IN [$a, $b] RETURN sum(w.citations) AS n", {"a": pair["a"], "b": pair["b"]}
    ).single_value()
    merge(store, pair["a"], pair["b"])
    # the merged work holds the citations of both
    merged = store.read(
        f"MATCH (w:{WORK}) WHERE w.id IN [$a, $b] RETURN w.citations AS n", {"a": pair["a"], "b": pair["b"]}
    ).values("n")
    assert merged == [before]
    assert_work_counts_true(store)
    assert_co_cited_as_counting(store)
    split(store, pair["a"], pair["b"])
    assert_work_counts_true(store)
    assert_co_cited_as_counting(store)
