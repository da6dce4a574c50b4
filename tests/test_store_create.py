"""Creating new entities inside an atomic unit (Writer.create_nodes / create_relationships).

On the embedded engine these go through GRAPH.BULK; on Neo4j through UNWIND … CREATE. Either way
the graph must be exactly what the rows say, whatever ids the engine hands out.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import QueryError
from kb.store import falkor_bulk

PROPS = {
    "id": "t:site:1",
    "name": "Öffentliche Gesundheit — 医疗 — ✓",
    "count": -(1 << 63),
    "big": (1 << 63) - 1,
    "share": 0.125,
    "authorised": True,
    "closed": False,
    "waves": ["w1", "w2"],
    "empty": [],
    "quotes": 'O\'Brien said "hello"',
    "cypher": "x'}) DETACH DELETE n //",
}


def test_created_nodes_hold_every_value_type(store):
    with store.atomic() as w:
        assert w.create_nodes("Site", [PROPS, {"id": "t:site:2", "name": None}]) == 2
    props = store.read("MATCH (s:Site) RETURN properties(s) AS p ORDER BY s.id").values("p")
    assert props == [PROPS, {"id": "t:site:2"}]  # an absent value is no property at all


def test_relationships_join_the_right_nodes_after_deletions(store):
    # Deleted nodes leave ids the engine hands out again, in no promised order: ends must be found
    # by their `id` property, never assumed from the order of creation.
    store.write("UNWIND range(1, 20) AS i CREATE (:Participant {id: 'old:' + toString(i)})")
    store.write("MATCH (p:Participant) WHERE p.id IN ['old:3', 'old:7', 'old:8', 'old:15'] DELETE p")
    people = [{"id": f"t:person:{i}"} for i in range(6)]
    ties = [
        {"start": f"t:person:{i}", "end": f"t:person:{(i + 1) % 6}", "props": {"wave": "w1", "n": i}} for i in range(6)
    ]
    ties.append({"start": "t:person:0", "end": "old:20", "props": {"wave": "w1", "n": 6}})
    with store.atomic() as w:
        assert w.create_nodes("Participant", people) == 6
        assert w.create_relationships("ADVISED_BY", "Participant", "Participant", ties) == 7
    found = store.read(
        "MATCH (a:Participant)-[r:ADVISED_BY]->(b:Participant) RETURN a.id AS a, b.id AS b, r.n AS n ORDER BY n"
    ).rows
    assert [(row["a"], row["b"]) for row in found] == [(t["start"], t["end"]) for t in ties]
    assert store.read("MATCH (p:Participant) RETURN count(p) AS c").single_value() == 16 + 6


def test_relationships_between_labels(store):
    with store.atomic() as w:
        w.create_nodes("Site", [{"id": "t:site:a"}, {"id": "t:site:b"}])
        w.create_nodes("Participant", [{"id": "t:person:p"}])
        rows = [{"start": "t:person:p", "end": "t:site:b", "props": {"wave": "w1"}}]
        assert w.create_relationships("AT", "Participant", "Site", rows) == 1
    assert store.read("MATCH (:Participant)-[:AT]->(s:Site) RETURN s.id AS s").values("s") == ["t:site:b"]


def test_a_missing_end_fails_the_unit_and_writes_nothing(store):
    with pytest.raises(QueryError, match="no node with id 't:site:none' for a AT relationship"):
        with store.atomic() as w:
            w.create_nodes("Participant", [{"id": "t:person:p"}])
            w.create_relationships(
                "AT", "Participant", "Site", [{"start": "t:person:p", "end": "t:site:none", "props": {}}]
            )
    assert store.read("MATCH (n) RETURN count(n) AS c").single_value() == 0


@pytest.mark.parametrize(
    "value,message",
    [
        ("a\x00b", "contains a NUL character"),
        ("x" * 4097, "is 4097 bytes of UTF-8; indexed values may have at most 4096"),
        ("t:site:\udc80", "holds a character with no UTF-8 form"),
    ],
)
def test_values_the_engine_cannot_take_are_refused_before_sending(embedded_store, value, message):
    with pytest.raises(QueryError, match=message):
        with embedded_store.atomic() as w:
            w.create_nodes("Site", [{"id": "t:site:ok"}])
            w.create_nodes("Site", [{"id": value}])
    assert embedded_store.read("MATCH (n) RETURN count(n) AS c").single_value() == 0


@pytest.mark.parametrize(
    "value,message",
    [("a\x00b", "contains a NUL character"), ("half \ud800", "holds a character with no UTF-8 form")],
)
def test_cypher_parameters_the_engine_cannot_take_are_refused(embedded_store, value, message):
    with pytest.raises(QueryError, match=message):
        with embedded_store.atomic() as w:
            w.create_nodes("Site", [{"id": "t:site:ok"}])
            w.run("CREATE (:Site {id: 't:site:text', name: $name})", {"name": value})
    assert embedded_store.read("MATCH (n) RETURN count(n) AS c").single_value() == 0


def test_large_creations_are_cut_into_several_commands(embedded_store, monkeypatch):
    monkeypatch.setattr(falkor_bulk, "CHUNK_BYTES", 4096)  # a few dozen records per command
    monkeypatch.setattr(falkor_bulk, "CHUNK_ROWS", 1000)  # rows made three times a thousand at a time
    rows = [{"id": f"t:person:{i:05d}", "n": i} for i in range(3000)]
    ties = [{"start": rows[i]["id"], "end": rows[(i * 7) % 3000]["id"], "props": {"i": i}} for i in range(3000)]
    done: list[int] = []
    with embedded_store.atomic() as w:
        assert w.create_nodes("Participant", rows, done.append) == 3000
        assert w.create_relationships("ADVISED_BY", "Participant", "Participant", ties, done.append) == 3000
    assert sum(done) == 6000 and len(done) > 2
    check = embedded_store.read(
        "MATCH (a:Participant)-[r:ADVISED_BY]->(b:Participant) RETURN count(r) AS c, sum(a.n * 7 % 3000 - b.n) AS off"
    ).first()
    assert check == {"c": 3000, "off": 0}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-(1 << 63), (1 << 63) - 1),
            st.floats(-1e300, 1e300),
            # Lone surrogates (category Cs) have no UTF-8 form: refused, tested above.
            st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))),
            st.lists(
                st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=5),
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_storable_value_round_trips(embedded_store, values):
    embedded_store.drop()
    rows = [{"id": f"t:x:{i}", "v": v} for i, v in enumerate(values)]
    with embedded_store.atomic() as w:
        w.create_nodes("Site", rows)
    got = {r["id"]: r["v"] for r in embedded_store.read("MATCH (s:Site) RETURN s.id AS id, s.v AS v").rows}
    for row in rows:
        if isinstance(row["v"], float):
            # The engine replies with 15 significant digits, whichever way the value was written.
            assert got[row["id"]] == pytest.approx(row["v"], rel=1e-14, abs=1e-300)
        else:
            assert got[row["id"]] == row["v"] and type(got[row["id"]]) is type(row["v"])
