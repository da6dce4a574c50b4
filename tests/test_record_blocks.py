"""Gathering a relationship block's columns by numpy gives what reading them row by row gives.

The expected values are written out from the columns below, not from running the code: a coded
column's values are its words at its codes, and a view's rows are the block's rows at its indexes.
"""

from __future__ import annotations

from array import array

from loaders.wave.record_blocks import (
    BlockView,
    Coded,
    Parts,
    RelBlock,
    item_end_columns,
    item_ends,
    item_starts,
    pick,
)
from loaders.wave.spec import REL_FILES

SPEC = REL_FILES[0]


def _coded(words: list, codes: list[int]) -> Coded:
    return Coded(words, array("i", codes))


def _block() -> RelBlock:
    # five rows: starts a b a c b, ends x None y x None (None: the loading wave), a float column
    starts = _coded(["a", "b", "c"], [0, 1, 0, 2, 1])
    ends = _coded(["x", None, "y"], [0, 1, 2, 0, 1])
    typed = {"weight": array("d", [1.0, 2.0, 3.0, 4.0, 5.0]), "note": ["n0", None, "n2", "n3", "n4"]}
    return RelBlock(SPEC, array("i", [2, 3, 4, 5, 6]), starts, ends, typed)


def test_pick_gathers_each_kind_of_column():
    block = _block()
    assert pick(block.starts, array("i", [3, 0, 4])) == ["c", "a", "b"]
    weights = pick(block.typed["weight"], [1, 4])
    assert isinstance(weights, array) and weights.typecode == "d" and list(weights) == [2.0, 5.0]
    assert pick(block.typed["note"], [1, 2]) == [None, "n2"]
    assert pick(block.starts, []) == []


def test_a_taken_block_holds_the_rows_at_the_indexes():
    block = _block()
    taken = block.take(array("i", [1, 3]))
    assert list(taken.rows) == [3, 5] and taken.rows.typecode == "i"
    assert [(r.start, r.end, r.values["weight"], r.values["note"]) for r in taken] == [
        ("b", None, 2.0, None),
        ("c", "x", 4.0, "n3"),
    ]


def test_ends_and_starts_of_blocks_views_and_tuples():
    block = _block()
    view = BlockView(block, array("i", [0, 1, 4]))
    items = Parts()
    items.add_block(view)
    items.append(("d", "z", None, {}))  # what a node row implies: start, end, record, properties
    items.add_block(block)
    row_by_row = list(item_ends(items, "w"))
    assert row_by_row == [("a", "x"), ("b", "w"), ("b", "w"), ("d", "z")] + [
        ("a", "x"),
        ("b", "w"),
        ("a", "y"),
        ("c", "x"),
        ("b", "w"),
    ]
    starts, ends = item_end_columns(items, "w")
    assert list(zip(starts, ends, strict=True)) == row_by_row
    assert item_starts(items) == {"a", "b", "c", "d"}
    # a view's distinct starts are those of its own rows, not every start of its block
    assert item_starts(BlockView(block, array("i", [1, 4]))) == {"b"}


def test_adding_what_a_node_row_implies_is_appending_its_tuple():
    added, appended = Parts(), Parts()
    items = [("a", "x", None, None), ("b", "y", "record", {"k": 1})]
    for item in items:
        added.add_implied(*item)
        appended.append(item)
    added.append("a record")  # another kind of item starts a part of its own
    appended.append("a record")
    assert list(added) == list(appended) == [*items, "a record"]
    assert len(added) == 3 and len(added.parts) == 2


def test_row_sources_are_each_rows_source():
    from loaders.wave.records import row_source, row_sources

    # a file name holding the format's own characters is written as it is
    assert row_sources("ties 100%.csv", array("i", [2, 40_001])) == ["ties 100%.csv row 2", "ties 100%.csv row 40001"]
    assert row_sources("a.csv", [7]) == [row_source("a.csv", 7)]
