"""`search` looks its text up in the full-text index on each engine, and finds what the portable scan
finds for whole words.

The index is made by the schema (`apply_schema`, `kb init`) and kept by the engine itself: nodes the
loaders create (on FalkorDB through GRAPH.BULK, into a unit's staging copy), change or delete are
found, changed or gone at once. The portable form (the scan of cypher/search.cypher) is the
reference: the words looked for below are whole words of the demo's texts, where the two must agree
row for row (docs/cypher.md, "Full-text search", says where they part).
"""

from __future__ import annotations

import shutil

import pytest

from kb import schema
from kb.queries import get_query, run_named, split_at_scan
from kb.store import open_store
from kb.store.neo4j_schema import fulltext_clause, fulltext_statement, fulltext_terms
from loaders.wave.api import load_package, unload_wave
from support.demo_graph import demo_graph
from support.paths import WAVE_FIXTURES as FIXTURES

# Words and phrases of the demo's names and texts, and a label to narrow some of them to.
PHRASES = ["knowledge", "wellbeing hub", "clinical", "board", "Site A", "leadership", "commissioning", "GPs", "CCG"]
CASES = [(text, label) for text in PHRASES for label in ("", "Evidence", "Site")]


@pytest.fixture(scope="module")
def demo(kb_config):
    with demo_graph(kb_config, graph="demo_search") as store:
        yield store


def scan(store, **values):
    """The portable form's rows: the reference the index must reproduce."""
    query = get_query("search")
    return store.read(query.cypher, query.bind(values)).rows


def used_index(result) -> bool:
    return "fulltext" in result.provenance.parameters


@pytest.mark.parametrize(("text", "label"), CASES)
def test_the_index_finds_what_the_scan_finds_on_the_demo(demo, text, label):
    result = run_named(demo, "search", {"text": text, "label": label, "limit": 1000})
    assert used_index(result)
    assert result.rows == scan(demo, text=text, label=label, limit=1000)


def test_the_default_search_uses_the_index_and_matches_the_scan(demo):
    result = run_named(demo, "search", {})
    assert used_index(result)
    assert result.rows == scan(demo)
    assert len(result.rows) > 0


def test_the_limit_keeps_the_first_rows_by_label_and_id(demo):
    every = run_named(demo, "search", {"text": "board", "limit": 1000}).rows
    assert run_named(demo, "search", {"text": "board", "limit": 5}).rows == every[:5]


def test_text_without_a_word_is_scanned(demo):
    # The index cannot narrow an empty text or punctuation; the scan answers, as before.
    for text in ("", "—", "é"):
        result = run_named(demo, "search", {"text": text, "limit": 7})
        assert not used_index(result)
        assert result.rows == scan(demo, text=text, limit=7)


def test_the_provenance_names_the_cypher_that_ran(demo):
    result = run_named(demo, "search", {"text": "board"})
    portable = get_query("search").cypher
    # The store's clause in place of the scan's first line, the rest as written.
    before, after = split_at_scan(portable)
    found = demo.fulltext_nodes("board")
    assert result.provenance.cypher == f"{before}{found.clause}\n{after}"
    assert "MATCH (n)\n" in portable and "MATCH (n)\n" not in result.provenance.cypher


def test_a_part_of_a_word_is_found_by_the_scan_only(demo):
    """The documented difference: the index looks for words ("nowledge" is not one)."""
    if demo.kind != "falkordb":
        pytest.skip("on Neo4j a word's start is found too; this is the embedded engine's whole-word rule")
    assert scan(demo, text="nowledge")
    result = run_named(demo, "search", {"text": "nowledge"})
    assert used_index(result) and result.rows == []


def test_the_falkordb_clause_searches_every_label_of_the_schema(demo):
    if demo.kind != "falkordb":
        pytest.skip("the embedded engine's clause")
    found = demo.fulltext_nodes("board")
    assert found is not None
    assert found.params == {"fulltext": "(board|boards)", "fulltext_labels": schema.label_names()}


def test_the_schema_gives_every_label_its_full_text_index(store):
    if store.kind == "falkordb":
        rows = store.read("CALL db.indexes() YIELD label, types RETURN label, types").rows
        found = {(r["label"], p) for r in rows for p, kinds in r["types"].items() if "FULLTEXT" in kinds}
        index = schema.fulltext_index()
        assert found == {(name, prop) for name in index.labels for prop in index.props}
    else:
        rows = store.read("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties").rows
        assert [(r["name"], sorted(r["labelsOrTypes"]), r["properties"]) for r in rows] == [
            ("kb_search", sorted(schema.label_names()), list(schema.SEARCHED))
        ]
    assert store.apply_schema() == 0  # applying it again changes nothing


def _found(store, text: str) -> list[str]:
    return [r["id"] for r in run_named(store, "search", {"text": text, "limit": 100}).rows]


def test_loaded_updated_and_unloaded_nodes_are_found_changed_and_gone(store, tmp_path):
    package = tmp_path / "t01-w1"
    shutil.copytree(FIXTURES / "t01-w1", package)
    load_package(store, package)
    # A node created by the load (through GRAPH.BULK on FalkorDB) is in the index at once.
    assert _found(store, "market towns") == ["t01:site:b"]
    assert _found(store, "listen") == ["t01:ev:1"]
    sites = package / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace("market towns", "river valleys"), encoding="utf-8")
    assert load_package(store, package).status == "updated"
    assert _found(store, "market towns") == []
    assert _found(store, "river valleys") == ["t01:site:b"]
    unload_wave(store, "t01-w1")
    assert _found(store, "river valleys") == [] and _found(store, "listen") == []


def test_a_knowledge_base_without_the_index_is_scanned_until_init(kb_config):
    """A knowledge base made before the index existed still answers (by the scan); `kb init` adds it."""
    store = open_store(kb_config, graph="search_no_index")
    store.drop()
    store.apply_schema()
    try:
        load_package(store, FIXTURES / "t01-w1")
        store.write("CALL db.idx.fulltext.drop('Evidence')")
        reopened = open_store(kb_config, graph="search_no_index")
        result = run_named(reopened, "search", {"text": "listen"})
        assert not used_index(result) and [r["id"] for r in result.rows] == ["t01:ev:1"]
        assert reopened.apply_schema() == 1
        result = run_named(reopened, "search", {"text": "listen"})
        assert used_index(result) and [r["id"] for r in result.rows] == ["t01:ev:1"]
        reopened.close()
    finally:
        store.drop()
        store.close()


# --- Neo4j's side, checked without a server ----------------------------------------------------


def test_the_neo4j_index_covers_every_label_and_searched_property():
    name, statement = fulltext_statement(schema.fulltext_index())
    assert name == "kb_search"
    assert statement.startswith("CREATE FULLTEXT INDEX kb_search IF NOT EXISTS FOR (n:Study|Wave|Publication|")
    assert "ON EACH [n.name, n.title, n.text, n.description]" in statement
    assert "'standard-no-stop-words'" in statement


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("knowledge", "knowledge*"),
        ("Wellbeing  HUB", "wellbeing* AND hub*"),
        ("GP-led CCGs", "gp* AND ccgs*"),
        ("O'Neill", "o*"),
        ("snake_case", "snake_case*"),
        ("(AND) OR", "and* AND or*"),  # lower case: terms, never Lucene's operators
        ("über alles", "alles*"),
        ("", None),
        ("— ..", None),
    ],
)
def test_neo4j_terms_are_word_starts_lucene_cannot_misread(text, terms):
    assert fulltext_terms(text) == terms


def test_the_neo4j_clause_names_the_index():
    assert fulltext_clause(schema.fulltext_index()) == (
        "CALL db.index.fulltext.queryNodes('kb_search', $fulltext) YIELD node WITH node AS n"
    )
