"""Every read path refuses every write or admin attempt, by the engine's judgement, and no data changes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.errors import KBError, ReadOnlyViolation
from readonly_attempts import OTHER_REFUSALS, PARAMS, WRITES

SEED = (
    "CREATE (s:Site {id: 'z:site:1', name: 'one'})-[:IN_REGION {wave: 'w'}]->(:Region {id: 'r', name: 'R'}) "
    "CREATE (:Theme {id: 't', name: 'T'})"
)


def fingerprint(store) -> tuple:
    nodes = store.read("MATCH (n) RETURN n ORDER BY n.id").rows
    rels = store.read("MATCH ()-[r]->() RETURN r").rows
    indexes = store.kind == "falkordb" and store.read("CALL db.indexes() YIELD label, properties RETURN label, properties").rows
    return (
        sorted((tuple(n["n"]["labels"]), tuple(sorted(n["n"]["properties"].items()))) for n in nodes),
        sorted((r["r"]["type"], tuple(sorted(r["r"]["properties"].items()))) for r in rels),
        sorted((i["label"], tuple(i["properties"])) for i in indexes or []),
    )


@pytest.fixture
def seeded(store):
    store.write(SEED)
    return store, fingerprint(store)


@pytest.mark.parametrize("cypher", WRITES)
def test_store_read_refuses_writes(seeded, cypher):
    store, before = seeded
    with pytest.raises(ReadOnlyViolation):
        store.read(cypher, PARAMS)
    assert fingerprint(store) == before


@pytest.mark.parametrize("cypher", OTHER_REFUSALS)
def test_store_read_refuses_admin_and_tricks(seeded, cypher):
    store, before = seeded
    with pytest.raises(KBError):
        store.read(cypher, PARAMS)
    assert fingerprint(store) == before


def test_table_has_at_least_fifty_attempts():
    assert len(WRITES) + len(OTHER_REFUSALS) >= 50


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


@pytest.mark.parametrize("cypher", WRITES + OTHER_REFUSALS)
def test_kb_query_without_write_refuses(cli_graph, kb_config, cypher):
    before = fingerprint(cli_graph)
    args = ["--data-dir", str(kb_config.data_dir), "query", "--cypher", cypher]
    for key in ("id", "name"):
        args += ["--param", f"{key}={PARAMS[key]}"]
    result = CliRunner().invoke(cli, args, standalone_mode=False)
    assert isinstance(result.exception, KBError), result.exception
    if cypher in WRITES:
        assert isinstance(result.exception, ReadOnlyViolation)
        assert result.exception.exit_code == 2
    assert fingerprint(cli_graph) == before


@pytest.mark.parametrize("value", [
    "x'}) DETACH DELETE n //",
    'a"b\\c',
    "$id",
    "{name: 'x'}",
    "'; MATCH (n) DETACH DELETE n; //",
    "\\u0027) CREATE (:Site {id: 'x'}) //",
])
def test_parameters_with_cypher_fragments_stay_data(seeded, value):
    store, before = seeded
    assert store.read("MATCH (s:Site) WHERE s.name = $v OR true RETURN $v AS v LIMIT 1", {"v": value}).single_value() == value
    assert fingerprint(store) == before
