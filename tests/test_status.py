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
