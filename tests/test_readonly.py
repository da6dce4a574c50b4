"""Every read path refuses every write or admin attempt, by the engine's judgement, and no data changes."""

from __future__ import annotations

import json

import pytest

from kb.errors import KBError, ReadOnlyViolation
from support.cli import run_kb
from support.paths import REPO
from support.readonly_attempts import OTHER_REFUSALS, PARAMS, READ_SHAPED_ACTIONS, others_for, writes_for

SEED = (
    "CREATE (s:Site {id: 'z:site:1', name: 'one'})-[:IN_REGION {wave: 'w'}]->(:Region {id: 'r', name: 'R'}) "
    "CREATE (:Theme {id: 't', name: 'T'})"
)


def fingerprint(store) -> tuple:
    nodes = store.read("MATCH (n) RETURN n ORDER BY n.id").rows
    rels = store.read("MATCH ()-[r]->() RETURN r").rows
    if store.kind == "falkordb":
        listed = store.read("CALL db.indexes() YIELD label, properties RETURN label, properties").rows
        indexes = sorted((i["label"], tuple(i["properties"])) for i in listed)
    else:  # every index, the constraints' own included
        indexes = store.read("SHOW INDEXES YIELD name RETURN name ORDER BY name").values("name")
    return (
        sorted((tuple(n["n"]["labels"]), tuple(sorted(n["n"]["properties"].items()))) for n in nodes),
        sorted((r["r"]["type"], tuple(sorted(r["r"]["properties"].items()))) for r in rels),
        indexes,
    )


@pytest.fixture
def seeded(store):
    store.write(SEED)
    return store, fingerprint(store)


def per_engine(table) -> list:
    """(engine, attempt) cases for the `store` fixture: each engine with its own table."""
    cases = []
    for engine, kind, marks in (("embedded", "falkordb", ()), ("neo4j", "neo4j", (pytest.mark.neo4j,))):
        cases += [pytest.param(engine, cypher, marks=marks) for cypher in table(kind)]
    return cases


@pytest.mark.parametrize("store,cypher", per_engine(writes_for), indirect=["store"])
def test_store_read_refuses_writes(seeded, cypher):
    store, before = seeded
    with pytest.raises(ReadOnlyViolation):
        store.read(cypher, PARAMS)
    assert fingerprint(store) == before


@pytest.mark.parametrize("store,cypher", per_engine(others_for), indirect=["store"])
def test_store_read_refuses_admin_and_tricks(seeded, cypher):
    store, before = seeded
    with pytest.raises(KBError):
        store.read(cypher, PARAMS)
    assert fingerprint(store) == before


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
def test_a_load_csv_is_refused_every_time_and_a_text_that_only_says_load_runs_every_time(seeded):
    # The embedded adapter asks for a text's plan once when it has no LOAD CSV; a text that has
    # one is never remembered as safe, however often it comes.
    store, before = seeded
    loads = "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row[0] AS first"
    says_load = "// the loaders load sites\nMATCH (s:Site) RETURN s.id AS id"
    for _ in range(3):
        with pytest.raises(ReadOnlyViolation, match="does not run LOAD CSV"):
            store.read(loads)
        assert store.read(says_load).values("id") == ["z:site:1"]
    assert fingerprint(store) == before


@pytest.mark.parametrize("store", ["embedded"], indirect=True)
def test_the_texts_remembered_as_free_of_load_csv_stay_few(seeded):
    # A console user's every distinct text would otherwise be kept for as long as the app runs.
    from kb.store import falkor

    store, _ = seeded
    for i in range(falkor._PLANS_KEPT + 50):
        store.read(f"// loaded {i}\nRETURN {i} AS i")
    assert len(falkor._PLANNED_WITHOUT_LOAD_CSV) == falkor._PLANS_KEPT
    assert "// loaded 0\nRETURN 0 AS i" not in falkor._PLANNED_WITHOUT_LOAD_CSV  # the oldest went first


@pytest.mark.parametrize("cypher", READ_SHAPED_ACTIONS)
def test_reads_that_act_are_refused_by_the_deny_list_on_neo4j(seeded, cypher):
    # Both planners call these reads; each read path refuses them by the plan's operator.
    store, before = seeded
    with pytest.raises(ReadOnlyViolation):
        store.read(cypher, PARAMS)
    assert fingerprint(store) == before


@pytest.mark.parametrize("kind", ["falkordb", "neo4j"])
def test_each_engine_has_at_least_fifty_attempts(kind):
    assert len(writes_for(kind)) + len(others_for(kind)) >= 50


@pytest.fixture(scope="module")
def cli_graph(kb_config):
    """The graph the `kb` command opens by default in the test data directory, seeded once."""
    from kb.store import open_store

    store = open_store(kb_config)
    store.drop()
    store.write(SEED)
    yield store
    store.drop()
    store.close()


EMBEDDED_WRITES = writes_for("falkordb")
EMBEDDED_ATTEMPTS = EMBEDDED_WRITES + others_for("falkordb")


@pytest.mark.parametrize("cypher", EMBEDDED_ATTEMPTS)
def test_kb_query_without_write_refuses(cli_graph, kb_config, cypher):
    before = fingerprint(cli_graph)
    args = ["--data-dir", str(kb_config.data_dir), "query", "--cypher", cypher]
    for key, value in PARAMS.items():  # every parameter given, so the engine is what refuses
        args += ["--param", f"{key}={json.dumps(value) if isinstance(value, list) else value}"]
    result = run_kb(*args)
    assert result.exit_code in (1, 2), str(result)
    assert len(result.error_lines) == 1 and result.error_lines[0].startswith("error: "), str(result)
    if cypher.startswith("LOAD CSV"):  # refused by its plan's LOAD CSV before it could fetch or write
        assert result.exit_code == ReadOnlyViolation.exit_code
        assert result.error_lines == [
            "error: the read-only path does not run LOAD CSV, which makes the database server fetch a file or URL; "
            "run it with --write if you mean it"
        ]
    elif cypher in EMBEDDED_WRITES:
        assert result.exit_code == ReadOnlyViolation.exit_code
        assert result.error_lines == [
            "error: the engine refused this query on a read-only path because it would write; "
            "run it with --write if you mean to change the knowledge base"
        ]
    assert fingerprint(cli_graph) == before


@pytest.mark.parametrize(
    "value",
    [
        "x'}) DETACH DELETE n //",
        'a"b\\c',
        "$id",
        "{name: 'x'}",
        "'; MATCH (n) DETACH DELETE n; //",
        "\\u0027) CREATE (:Site {id: 'x'}) //",
    ],
)
def test_parameters_with_cypher_fragments_stay_data(seeded, value):
    store, before = seeded
    assert (
        store.read("MATCH (s:Site) WHERE s.name = $v OR true RETURN $v AS v LIMIT 1", {"v": value}).single_value()
        == value
    )
    assert fingerprint(store) == before


# The app's Cypher console: what a manager types in the browser reaches the engine only through
# ui.data.run_cypher, on the read path. Every attempt of the table goes through that function,
# and a sample through the console page itself (streamlit's AppTest), which must show the refusal.
CONSOLE_PAGE = "views/console.py"
CONSOLE_SAMPLE = [
    "CREATE (n:Site {id: 'evil'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Site) // harmless comment\nSET n.name = 'after comment'",
    "CREATE INDEX FOR (n:Theme) ON (n.name)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Site {id: row[0]})",
    OTHER_REFUSALS[0],
]


@pytest.fixture(scope="module")
def console_graph(cli_graph, kb_config):
    """The knowledge base the app reads: the same data directory and default graph as `kb query`."""
    import streamlit as st

    patch = pytest.MonkeyPatch()
    patch.setenv("KB_DATA_DIR", str(kb_config.data_dir))
    patch.setenv("KB_URI", "embedded")
    patch.delenv("KB_CONFIG", raising=False)
    patch.delenv("KB_UI_PASSWORD", raising=False)
    yield cli_graph
    st.cache_resource.clear()
    st.cache_data.clear()
    patch.undo()


@pytest.mark.parametrize("cypher", EMBEDDED_ATTEMPTS)
def test_the_app_console_refuses(console_graph, cypher):
    from ui import data

    before = fingerprint(console_graph)
    with pytest.raises(KBError) as refused:
        data.run_cypher(cypher, PARAMS)
    if cypher in EMBEDDED_WRITES:
        assert isinstance(refused.value, ReadOnlyViolation)
    assert fingerprint(console_graph) == before


@pytest.mark.parametrize("cypher", CONSOLE_SAMPLE)
def test_the_console_page_shows_the_refusal_and_nothing_changes(console_graph, cypher):
    import json

    from streamlit.testing.v1 import AppTest

    before = fingerprint(console_graph)
    app = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=60)
    app.run()
    app.switch_page(CONSOLE_PAGE)
    app.run()
    app.text_area(key="console:cypher").set_value(cypher)
    app.text_area(key="console:params").set_value(json.dumps(PARAMS))
    app.button(key="console:run").click().run()
    assert not app.exception
    shown = [element.value for element in app.error]
    assert len(shown) == 1
    if cypher in EMBEDDED_WRITES:
        assert shown[0].startswith("Refused: this app only reads.")
    else:
        assert shown[0].startswith("The query could not be answered: the knowledge base refused the question.")
    assert fingerprint(console_graph) == before
