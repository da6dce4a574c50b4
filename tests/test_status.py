"""Status, schema and the data version that caches key on."""

from __future__ import annotations

from kb import schema
from kb.status import counts, data_version, init_schema, status_report


def test_counts_cover_every_schema_label_and_type(store):
    store.write("CREATE (:Site {id: 'a'})-[:IN_REGION]->(:Region {id: 'r'})")
    found = counts(store)
    assert set(found["nodes"]) == set(schema.label_names())
    assert set(found["relationships"]) == set(schema.rel_names())
    assert found["nodes"]["Site"] == 1 and found["nodes"]["Region"] == 1
    assert found["relationships"]["IN_REGION"] == 1
    assert sum(found["nodes"].values()) == 2


def test_status_report_totals(store):
    store.write("CREATE (:Site {id: 'a'}), (:Site {id: 'b'})")
    report = status_report(store)
    assert report["engine"] == store.kind
    assert report["total_nodes"] == 2 and report["total_relationships"] == 0


def test_init_is_idempotent(store):
    init_schema(store)
    assert init_schema(store) == 0


def test_data_version_changes_when_a_wave_loads_and_not_otherwise(store):
    empty = data_version(store)
    assert data_version(store) == empty
    store.write("CREATE (:Wave {id: 'w1', loaded_at: '2026-01-01T00:00:00+00:00'})")
    loaded = data_version(store)
    assert loaded != empty
    store.write("MATCH (w:Wave {id: 'w1'}) SET w.loaded_at = '2026-02-01T00:00:00+00:00'")
    assert data_version(store) != loaded


def _labelled_counts(store) -> dict[str, dict[str, int]]:
    """The counts as one portable statement gives them: each type from each schema start label."""
    from kb.status import _counts_query

    found = {"nodes": dict.fromkeys(schema.label_names(), 0), "relationships": dict.fromkeys(schema.rel_names(), 0)}
    for row in store.read(_counts_query()):
        found["nodes" if row["kind"] == "node" else "relationships"][row["name"]] += row["c"]
    return found


def test_the_embedded_engines_own_counts_agree_with_counting_from_each_start_label(kb_config):
    # The embedded store reads each count on its own (the engine's kept sizes); on what the loaders
    # wrote, every relationship starts at a label the schema gives its type, so both ways agree.
    from support.demo_graph import demo_graph

    with demo_graph(kb_config, graph="test-status-counts") as store:
        assert store.keeps_counts
        found = counts(store)
        assert found == _labelled_counts(store)
        assert found["relationships"]["CODED_AS"] > 0 and found["nodes"]["Participant"] > 0
        with store.atomic() as unit:
            assert counts(unit) == found


def test_the_embedded_store_counts_a_relationship_from_a_label_its_type_does_not_start_at(kb_config):
    # Written by hand (the loaders never would): counted, so a backup's check of what it read
    # finds it instead of leaving it out unseen.
    from kb.store import open_store

    store = open_store(kb_config, graph="test-status-odd-start")
    try:
        store.drop()
        store.apply_schema()
        store.write("CREATE (:Theme {id: 't'})-[:IN_REGION]->(:Region {id: 'r'})")
        assert counts(store)["relationships"]["IN_REGION"] == 1
        assert _labelled_counts(store)["relationships"]["IN_REGION"] == 0
    finally:
        store.drop()
        store.close()
