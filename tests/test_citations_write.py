"""Loading reference lists into a real knowledge base: idempotent reloads, provenance, review decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import NotFound, UsageError, ValidationError
from kb.schema import label, rel_type
from loaders.citations import (
    load_citations,
    load_reference_lists,
    merge,
    read_citations,
    remove_wave_citations,
    review,
    split,
)
from loaders.report import LoadWarning
from support.paths import CITATION_FIXTURES as FIXTURES
from support.paths import SEEDS

STUDY_1, STUDY_2 = "z13:pub:bmjopen-2012-002112", "s17:pub:case-study-manuscript"
WORK, PUBLICATION = label("Work"), label("Publication")
CITES, AUTHORED_BY, POSSIBLY_SAME = rel_type("CITES"), rel_type("AUTHORED_BY"), rel_type("POSSIBLY_SAME")


def add_publication(store, pub_id: str) -> None:
    store.write(f"CREATE (p:{PUBLICATION} {{id: $id}})", {"id": pub_id})


def count(store, cypher: str, params=None) -> int:
    return store.read(cypher, params or {}).single_value()


def snapshot(store) -> dict:
    works = store.read(f"MATCH (w:{WORK}) RETURN w.id AS id, w.title AS title, w.members AS members ORDER BY id").rows
    cites = store.read(
        f"MATCH (p:{PUBLICATION})-[r:{CITES}]->(w:{WORK}) "
        "RETURN p.id AS p, w.id AS w, r.source AS source, r.line AS line, r.n AS n ORDER BY p, source, line"
    ).rows
    authored = store.read(
        f"MATCH (w:{WORK})-[r:{AUTHORED_BY}]->(a) RETURN w.id AS w, a.id AS a, r.pos AS pos ORDER BY w, pos"
    ).rows
    return {"works": works, "cites": cites, "authored": authored}


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def test_load_reports_and_reload_is_idempotent(store):
    add_publication(store, "t:pub:1")
    report = load_citations(store, FIXTURES / "vancouver.txt", "t:pub:1", wave="t:wave:1")
    assert (report.kind, report.status, report.wave, report.study) == ("references", "loaded", "t:wave:1", None)
    [listed] = report.references
    assert (listed.file, listed.format, listed.cited_by, listed.citations, listed.replaced) == (
        "vancouver.txt",
        "vancouver",
        "t:pub:1",
        6,
        0,
    )
    assert report.citations is not None and report.citations.works == 6
    # the skipped entry first, then the entry read after a repair
    assert report.warnings == (
        LoadWarning("reference 6 has no title after its authors; it was skipped", file="vancouver.txt", row=11),
        LoadWarning("reference has no number; numbered 2 from its position", file="vancouver.txt", row=6),
    )
    first = snapshot(store)
    again = load_citations(store, FIXTURES / "vancouver.txt", "t:pub:1", wave="t:wave:1")
    assert again.status == "updated" and again.references[0].replaced == 6
    assert again.citations is not None and (again.citations.works_created, again.citations.works_removed) == (0, 0)
    assert snapshot(store) == first


def test_every_relationship_carries_provenance(store):
    add_publication(store, "t:pub:1")
    load_citations(store, FIXTURES / "pmc_refs.txt", "t:pub:1", wave="t:wave:1")
    for rel in (CITES, AUTHORED_BY):
        missing = count(
            store,
            f"MATCH (a)-[r:{rel}]->(b) WHERE r.source IS NULL OR r.line IS NULL OR r.wave IS NULL RETURN count(r)",
        )
        assert missing == 0, rel
    row = store.read(
        f"MATCH (p:{PUBLICATION})-[r:{CITES}]->(w:{WORK}) WHERE r.n = 1 "
        "RETURN r.raw AS raw, r.source AS source, r.line AS line, w.pmid AS pmid"
    ).first()
    assert row == {
        "raw": "1 Goodwin N\nAre networks the answer to achieving integrated care?\nJ Health Serv Res Policy\n"
        "2008 ;13 :58 –60 18416908",
        "source": "pmc_refs.txt",
        "line": 7,
        "pmid": "18416908",
    }


def test_unknown_publication_is_refused(store):
    with pytest.raises(NotFound) as caught:
        load_citations(store, FIXTURES / "vancouver.txt", "t:pub:missing")
    assert (
        str(caught.value)
        == "publication 't:pub:missing' is not in the knowledge base; load its wave first or check the id"
    )


def test_a_file_with_no_readable_entry_changes_nothing(store, tmp_path):
    add_publication(store, "t:pub:1")
    load_citations(store, FIXTURES / "vancouver.txt", "t:pub:1")
    before = snapshot(store)
    bad = tmp_path / "bad.txt"
    bad.write_text("References\n\n- 1. Yin RK.\n- 2. Darzi L.\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_citations(store, bad, "t:pub:1", fmt="vancouver")
    assert (
        str(caught.value)
        == "bad.txt, row 3: reference 1 has no title after its authors; it was skipped (and 1 more problem)"
    )
    assert snapshot(store) == before


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_seed_lists_resolve_the_same_in_any_load_order(store):
    add_publication(store, STUDY_1)
    add_publication(store, STUDY_2)
    for prefix, pub in (("004", STUDY_2), ("001", STUDY_1), ("000", STUDY_1)):
        load_citations(store, seed(prefix), pub)
    reverse = snapshot(store)
    store.write(f"MATCH (w:{WORK}) DETACH DELETE w")
    for prefix, pub in (("000", STUDY_1), ("001", STUDY_1), ("004", STUDY_2)):
        report = load_citations(store, seed(prefix), pub)
    assert snapshot(store) == reverse
    # 004 alone: 34 entries, one listed twice, one (Equity and Excellence) already cited by study 1
    [listed] = report.references
    assert (listed.citations, listed.works_in_list, listed.duplicates_in_list, listed.shared_with_other_lists) == (
        34,
        33,
        1,
        1,
    )
    assert report.citations is not None and report.citations.works == 64
    shared = store.read(
        f"MATCH (a:{PUBLICATION} {{id: $one}})-[r1:{CITES}]->(w:{WORK})<-[r2:{CITES}]-(b:{PUBLICATION} {{id: $two}}) "
        "RETURN DISTINCT w.title AS title",
        {"one": STUDY_1, "two": STUDY_2},
    ).values("title")
    assert shared == ["Equity and excellence: liberating the NHS"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_review_decisions_persist_across_reloads(store):
    add_publication(store, STUDY_1)
    for prefix in ("000", "001"):
        load_citations(store, seed(prefix), STUDY_1)
    works = count(store, f"MATCH (w:{WORK}) RETURN count(w)")
    assert works == 53 - 21  # 20 export/paper pairs and one duplicate inside the export
    [pair] = review(store)
    assert (pair["a_title"], pair["b_title"], pair["score"]) == (
        "Knowledge and networks",
        "Knowledge and networks",
        0.595,
    )
    assert sorted(pair["source"]) == sorted([seed("000").name, seed("001").name])

    merge(store, pair["a"], pair["b"])
    assert count(store, f"MATCH (w:{WORK}) RETURN count(w)") == works - 1
    assert review(store) == []
    load_citations(store, seed("000"), STUDY_1)  # the decision lives in the graph and survives a reload
    assert count(store, f"MATCH (w:{WORK}) RETURN count(w)") == works - 1

    split(store, pair["a"], pair["b"])
    assert count(store, f"MATCH (w:{WORK}) RETURN count(w)") == works
    assert review(store) == []  # decided apart: not offered again
    assert count(store, f"MATCH (a:{WORK})-[r:{POSSIBLY_SAME}]->(b:{WORK}) RETURN count(r)") == 0


def test_lists_load_inside_a_callers_atomic_unit(store):
    # a wave loader creates its publications and loads their reference lists in one unit
    lists = [
        (read_citations(FIXTURES / "pmc_refs.txt"), "t:pub:1"),
        (read_citations(FIXTURES / "search_export.txt"), "t:pub:2"),
    ]
    with store.atomic() as writer:
        writer.run(
            f"UNWIND $rows AS row CREATE (p:{PUBLICATION} {{id: row.id}})",
            {"rows": [{"id": "t:pub:1"}, {"id": "t:pub:2"}]},
        )
        (pmc, export), works = load_reference_lists(writer, lists, wave="t:wave:1")
    # Goodwin 2008 is in both lists; Smith 2005 (export) has no counterpart in the PMC fixture
    assert (pmc.citations, export.citations) == (4, 3)
    assert (pmc.shared_with_other_lists, export.shared_with_other_lists) == (1, 1)
    assert works.works == 4 + 3 - 1
    assert count(store, f"MATCH (p:{PUBLICATION})-[r:{CITES}]->(w:{WORK}) RETURN count(r)") == 7


def test_removing_a_wave_keeps_the_other_waves_citations(store):
    add_publication(store, "t:pub:1")
    add_publication(store, "t:pub:2")
    load_citations(store, FIXTURES / "pmc_refs.txt", "t:pub:1", wave="t:wave:1")
    alone = snapshot(store)
    load_citations(store, FIXTURES / "search_export.txt", "t:pub:2", wave="t:wave:2")
    with store.atomic() as writer:
        report = remove_wave_citations(writer, "t:wave:2")
    # the export's Goodwin 2008 had joined the PMC list's work; the other two were its own
    assert (report["citations_removed"], report["works_removed"]) == (3, 2)
    assert snapshot(store) == alone


def test_decisions_need_two_existing_works(store):
    with pytest.raises(NotFound) as caught:
        merge(store, "work:0000", "work:1111")
    assert str(caught.value) == "no work 'work:0000' in the knowledge base; `kb citations review` lists work ids"
    add_publication(store, "t:pub:1")
    load_citations(store, FIXTURES / "vancouver.txt", "t:pub:1")
    some_work = store.read(f"MATCH (w:{WORK}) RETURN w.id AS id ORDER BY id LIMIT 1").single_value()
    with pytest.raises(UsageError) as caught:
        split(store, some_work, some_work)
    assert str(caught.value) == f"'{some_work}' is given twice; name two different works"


def test_an_author_name_of_8000_characters_loads_under_a_short_id(store, tmp_path):
    # The Author id is made from the family name, and ids are unique keys: one of 8,000 characters
    # would kill the embedded engine (it holds at most 4,096 bytes), so the id keeps 200.
    add_publication(store, STUDY_1)
    path = tmp_path / "long-author.ris"
    path.write_text("TY  - JOUR\nAU  - " + "Z" * 8000 + ", A\nTI  - A title\nPY  - 2011\nER  - \n")
    assert load_citations(store, path, cited_by=STUDY_1).references[0].citations == 1
    author = store.read(f"MATCH (a:{label('Author')}) RETURN a.id AS id, a.family AS family").first()
    assert (len(author["id"]), author["family"]) == (200, "Z" * 8000)
