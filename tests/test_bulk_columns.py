"""Column-wise packing (kb/store/falkor_columns.py) gives the very bytes the row-wise Encoder gives.

The rows are the ones the wave loader writes: the plans of the demo packages and of a synthetic
national wave, each made against a real knowledge base holding the waves it requires, plus rows of
every value type and the values the command refuses.
"""

from __future__ import annotations

import numpy as np
import pytest

from kb.store import falkor_bulk as bulk
from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE, VOCAB_WAVE
from loaders.wave.api import demo_packages, load_package
from loaders.wave.plan import build_plan
from loaders.wave.references import read_reference_lists
from loaders.wave.storecheck import check_against_store
from loaders.wave.validate import read_and_validate

INDEXED = frozenset({"id", "doi"})
LIMIT = 4096


def _row_tokens(name, rows):
    encoder = bulk.Encoder(name, bulk.property_keys(rows), INDEXED, LIMIT)
    return list(encoder.tokens(encoder.record(row) for row in rows))


def _edge_row_tokens(name, rows, ids):
    encoder = bulk.Encoder(name, bulk.property_keys(row["props"] for row in rows), INDEXED, LIMIT)
    return list(encoder.tokens(bulk.edge_records(encoder, rows, ids, ids, name)))


def _same_bytes(plan):
    """Every node group and relationship group of the plan packs to the same tokens both ways;
    (rows checked, chunks the plan gave as columns, types of the chunks it gave as dictionaries)."""
    checked = as_columns = 0
    as_rows: set[str] = set()
    for label, rows in plan.nodes.items():
        made = rows[:]
        assert list(bulk.column_tokens(label, made, None, INDEXED, LIMIT)) == _row_tokens(label, made)
        checked += len(made)
        # the plan's own columns, chunk by chunk as bulk_nodes takes them
        chunks = [made[i : i + bulk.NODE_CHUNK_ROWS] for i in range(0, len(made), bulk.NODE_CHUNK_ROWS)]
        expected = [token for chunk in chunks for token in _row_tokens(label, chunk)]
        packed = []
        for keys, values in bulk._node_chunks(rows):
            as_columns += isinstance(values, dict)
            packed += list(bulk._node_tokens(label, keys, values, INDEXED, LIMIT))
        assert packed == expected
    for (rel, _, _), rows in plan.relationships.items():
        made = rows[:]
        names = sorted({row["start"] for row in made} | {row["end"] for row in made})
        ids = {name: 7 * number + (1 << 40) for number, name in enumerate(names)}  # any uint64 stands for a node
        pairs = np.array([(ids[row["start"]], ids[row["end"]]) for row in made], dtype="<u8").reshape(-1, 2)
        props = [row["props"] for row in made]
        assert list(bulk.column_tokens(rel, props, pairs, INDEXED, LIMIT)) == _edge_row_tokens(rel, made, ids)
        checked += len(made)
        # the plan's own columns (no dictionary per row), chunk by chunk as bulk_relationships takes them
        chunks = [made[i : i + bulk.CHUNK_ROWS] for i in range(0, len(made), bulk.CHUNK_ROWS)]
        expected = [token for chunk in chunks for token in _edge_row_tokens(rel, chunk, ids)]
        packed = []
        for starts, ends, keys, values in bulk._column_chunks(rows):
            as_columns += isinstance(values, dict)  # the plan's columns, not dictionaries
            if not isinstance(values, dict):
                as_rows.add(rel)
            ends_of = bulk._end_ids(starts, ends, ids, ids, rel)
            packed += list(bulk._tokens(rel, keys, values, ends_of, INDEXED, LIMIT))
        assert packed == expected
    return checked, as_columns, as_rows


def _check_packages(store, packages):
    checked = as_columns = 0
    as_rows: set[str] = set()
    for package in packages:
        pkg = read_reference_lists(read_and_validate(package))
        with store.atomic() as unit:
            rows, chunks, types = _same_bytes(build_plan(pkg, check_against_store(unit, pkg)))
        checked, as_columns, as_rows = checked + rows, as_columns + chunks, as_rows | types
        load_package(store, package)  # the next package may require this one
    assert as_columns > 0
    return checked, as_rows


def test_demo_rows_pack_to_the_same_bytes(embedded_store):
    checked, _ = _check_packages(embedded_store, demo_packages())
    assert checked > 500  # every planned row of the curated studies


def test_synthetic_rows_pack_to_the_same_bytes(embedded_store, tmp_path, monkeypatch):
    synthesize(tmp_path / "england", 0.02, seed=4)
    monkeypatch.setattr(bulk, "CHUNK_BYTES", 64 * 1024)  # many tokens per group: the cuts must match too
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 1000)  # and many chunks
    monkeypatch.setattr(bulk, "NODE_CHUNK_ROWS", 300)  # a node file's chunks cut across its batches
    packages = [tmp_path / "england" / PACKAGES[wave] for wave in (VOCAB_WAVE, NATIONAL_WAVE)]
    checked, as_rows = _check_packages(embedded_store, packages)
    assert checked > 10_000
    # what node rows imply (AT, CODED_AS, FROM, ...) comes as columns too: only the manifest's
    # relationships, the Study's wave and the wave's publications, are made as dictionaries
    assert as_rows <= {"HAS_WAVE", "REPORTED_IN"}


MIXED = [
    {"id": "t:x:1", "n": 3, "f": 0.25, "b": True, "s": "é€😀", "l": ["a", "b"], "m": 1},
    {"id": "t:x:2", "n": None, "f": -1e300, "b": False, "s": "", "l": [], "m": "one"},
    {"id": "t:x:3", "n": -(1 << 63), "f": None, "b": None, "l": [1, 2.5, True, None], "m": None},
    {"id": "t:x:4", "n": (1 << 63) - 1, "f": 5e-324, "s": None, "l": None, "m": [["nested"]]},
    {"id": "t:x:5"},
]


def test_every_value_type_packs_to_the_same_bytes():
    assert list(bulk.column_tokens("Thing", MIXED, None, INDEXED, LIMIT)) == _row_tokens("Thing", MIXED)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "t:x:1", "text": "a\x00b"}, "contains a NUL character"),
        ({"id": "t:x:1", "text": "half \ud800 a pair"}, r"property 'text' holds a character with no UTF-8 form"),
        ({"id": "t:x:1", "l": ["fine", "\udfff"]}, r"property 'l' holds a character with no UTF-8 form"),
        ({"id": "t:x:" + "y" * 5000}, "indexed values may have at most"),
        ({"id": "t:x:1", "n": 1 << 63}, "does not fit in 64 bits"),
        ({"id": "t:x:1", "f": float("nan")}, "is not a finite number"),
    ],
)
def test_values_the_command_cannot_carry_are_refused_as_before(row, message):
    with pytest.raises(bulk.BulkValueError, match=message):
        list(bulk.column_tokens("Thing", [{"id": "t:x:0"}, row], None, INDEXED, LIMIT))
    with pytest.raises(bulk.BulkValueError, match=message):
        _row_tokens("Thing", [{"id": "t:x:0"}, row])


def test_relationship_ends_are_found_by_id_whatever_the_ids_hold(embedded_store):
    from kb.schema import label

    plain = [f"t:site:{number}" for number in range(5)]
    odd = ["t:site:with space", "t:site:é"]
    with embedded_store.atomic() as unit:
        unit.create_nodes("Site", [{"id": key, "name": key} for key in plain + odd])
    truth = {
        row["key"]: row["node"] for row in embedded_store.read("MATCH (n:Site) RETURN n.id AS key, id(n) AS node").rows
    }
    assert bulk.node_ids(embedded_store.read, label("Site"), plain) == {key: truth[key] for key in plain}
    assert bulk.node_ids(embedded_store.read, label("Site"), plain + odd + ["t:site:missing"]) == truth


def test_known_ids_read_a_label_whole_only_when_much_of_it_is_wanted(embedded_store, monkeypatch):
    from kb.schema import label

    keys = [f"t:site:{number}" for number in range(8)] + ["t:site:with space", "t:site:é"]
    with embedded_store.atomic() as unit:
        unit.create_nodes("Site", [{"id": key} for key in keys])
    truth = {
        row["key"]: row["node"] for row in embedded_store.read("MATCH (n:Site) RETURN n.id AS key, id(n) AS node").rows
    }
    monkeypatch.setattr(bulk, "SCAN_MIN", 2)
    # 3 of 10 wanted: at least a quarter, so every Site's id is read and kept (the rest included)
    known = bulk.KnownIds(embedded_store.read)
    assert known.need(label("Site"), keys[:3] + keys[:1]) == truth
    # 2 of 10: under a quarter, so only those two are looked up
    known = bulk.KnownIds(embedded_store.read)
    assert known.need(label("Site"), [keys[8], keys[9]]) == {k: truth[k] for k in keys[8:]}
    # an id no node has is not found, either way
    assert bulk.KnownIds(embedded_store.read).need(label("Site"), ["t:site:missing"]) == {}
    assert bulk.KnownIds(embedded_store.read).need(label("Site"), ["t:site:missing", *keys[:2]]) == truth


def test_known_ids_keep_the_loaders_own_id_strings(embedded_store, monkeypatch):
    # The loader interns every id it reads; the ids kept from the engine's replies are those same
    # objects, not a second copy of each, whichever way they were looked up.
    import sys

    from kb.schema import label

    keys = [sys.intern(f"t:site:kept-{number}") for number in range(6)] + [sys.intern("t:site:kept with space")]
    with embedded_store.atomic() as unit:
        unit.create_nodes("Site", [{"id": key} for key in keys])
    monkeypatch.setattr(bulk, "SCAN_MIN", 2)
    whole = bulk.KnownIds(embedded_store.read).need(label("Site"), keys[:4])  # most wanted: read whole
    one_by_one = bulk.KnownIds(embedded_store.read).need(label("Site"), keys[-1:])  # a few, and an odd one
    by_text = bulk.node_ids(embedded_store.read, label("Site"), keys[:1])  # the joined-text lookup
    for found in (whole, one_by_one, by_text):
        assert found
        assert all(any(key is mine for mine in keys) for key in found)
