"""The store contract, on every engine that can run here: same Cypher in, same plain values out."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import QueryError, ReadOnlyViolation

SCALARS = [
    ("int", 42),
    ("negative", -7),
    ("float", 2.5),
    ("true", True),
    ("false", False),
    ("none", None),
    ("text", "Site A"),
    ("quotes", 'O\'Brien said "hello"'),
    ("backslash", "C:\\path\\to"),
    ("unicode", "Öffentliche Gesundheit — 医疗 — ✓"),
    ("cypher_fragment", "x'}) DETACH DELETE n //"),
    ("list", [1, 2, 3]),
    ("string_list", ["GP", "nurse"]),
    ("empty_list", []),
]


@pytest.mark.parametrize("name,value", SCALARS, ids=[s[0] for s in SCALARS])
def test_parameters_round_trip_through_read(store, name, value):
    assert store.read("RETURN $v AS v", {"v": value}).rows == [{"v": value}]


def test_map_parameter_round_trips(store):
    value = {"a": 1, "b": "two", "c": [1.5]}
    assert store.read("RETURN $m AS m", {"m": value}).single_value() == value


def test_write_then_read_returns_plain_node(store):
    result = store.write("CREATE (s:Site {id: $id, name: $name}) RETURN s", {"id": "t:site:1", "name": "Site 1"})
    assert result.counters["nodes_created"] == 1
    node = store.read("MATCH (s:Site {id: 't:site:1'}) RETURN s").single_value()
    assert node["element"] == "node"
    assert node["labels"] == ["Site"]
    assert node["properties"] == {"id": "t:site:1", "name": "Site 1"}


def test_relationships_and_paths_are_plain(store):
    store.write("CREATE (a:Site {id: 'a'})<-[:AT {wave: 'w1'}]-(p:Participant {id: 'p', role: 'gp'})")
    row = store.read("MATCH path = (p:Participant)-[r:AT]->(s:Site) RETURN p, r, s, path").first()
    rel = row["r"]
    assert rel["element"] == "relationship" and rel["type"] == "AT"
    assert rel["properties"] == {"wave": "w1"}
    assert rel["start"] == row["p"]["key"] and rel["end"] == row["s"]["key"]
    path = row["path"]
    assert path["element"] == "path"
    assert [n["properties"]["id"] for n in path["nodes"]] == ["p", "a"]
    assert [r["type"] for r in path["relationships"]] == ["AT"]


def test_batched_writes_create_every_row(store):
    rows = [{"id": f"t:site:{i}", "n": i} for i in range(2500)]
    counters = store.write_batches("UNWIND $rows AS row CREATE (s:Site {id: row.id, n: row.n})", rows, batch_size=1000)
    assert counters["nodes_created"] == 2500
    assert store.read("MATCH (s:Site) RETURN count(s) AS c, sum(s.n) AS total").first() == {
        "c": 2500,
        "total": sum(range(2500)),
    }


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Site {id: 'x'})",
        "MERGE (n:Site {id: 'x'})",
        "MATCH (n) SET n.hacked = true",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Site) REMOVE n.name",
        "CREATE INDEX FOR (n:Theme) ON (n.name)",
    ],
)
def test_read_path_refuses_writes(store, cypher):
    store.write("CREATE (:Site {id: 'keep', name: 'kept'})")
    with pytest.raises(ReadOnlyViolation, match="would write"):
        store.read(cypher)
    assert store.read("MATCH (n) RETURN count(n) AS c").single_value() == 1
    assert store.read("MATCH (n:Site) RETURN n.name AS name").single_value() == "kept"


def test_atomic_unit_commits_all_statements(store):
    with store.atomic() as unit:
        unit.run("CREATE (:Site {id: 'a'})")
        unit.run_batches("UNWIND $rows AS row CREATE (:Site {id: row.id})", [{"id": f"b{i}"} for i in range(10)], 3)
        assert unit.read("MATCH (s:Site) RETURN count(s) AS c").single_value() == 11
    assert store.read("MATCH (s:Site) RETURN count(s) AS c").single_value() == 11


def test_atomic_unit_leaves_nothing_when_it_fails(store):
    store.write("CREATE (:Site {id: 'before'})")
    with pytest.raises(RuntimeError):
        with store.atomic() as unit:
            unit.run("CREATE (:Site {id: 'during'})")
            unit.run("MATCH (s:Site {id: 'before'}) SET s.name = 'changed'")
            raise RuntimeError("loader failed half way")
    rows = store.read("MATCH (s:Site) RETURN s.id AS id, s.name AS name").rows
    assert rows == [{"id": "before", "name": None}]


def test_unique_key_is_enforced(store):
    store.write("CREATE (:Site {id: 'dup'})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Site {id: 'dup'})")


def test_engine_error_is_a_query_error(store):
    with pytest.raises(QueryError):
        store.read("MATCH (n RETURN n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=80))
def test_any_text_round_trips_as_data(store, text):
    assert store.read("RETURN $t AS t", {"t": text}).single_value() == text


def test_an_indexed_value_too_long_for_the_embedded_engine_is_refused_before_it_reaches_it(embedded_store):
    from kb.store.falkor import MAX_INDEXED_BYTES

    embedded_store.write("CREATE (:Site {id: $id})", {"id": "k" * MAX_INDEXED_BYTES})
    with pytest.raises(QueryError, match=r"'id' is 4097 bytes long in UTF-8; the embedded engine indexes at most 4096"):
        embedded_store.write("UNWIND $rows AS row CREATE (:Site {id: row.id})", {"rows": [{"id": "k" * 4097}]})
    # The limit is in bytes: 1,025 four-byte characters are 4,100 bytes.
    with pytest.raises(QueryError, match=r"'id' is 4100 bytes long"):
        embedded_store.write("CREATE (:Site {id: $id})", {"id": "\U0001f600" * 1025})
    # Long text in properties that are not indexed is fine.
    embedded_store.write("CREATE (:Evidence {id: 'e', text: $t})", {"t": "w" * 20000})
    assert embedded_store.read("MATCH (n) RETURN count(n) AS c").single_value() == 2
