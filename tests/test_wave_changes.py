"""What a load changed, compared element by element (loaders/wave/changes.py), without a database."""

from __future__ import annotations

from loaders.report import Changes
from loaders.wave.changes import Elements, add_changes, compare

TIE = ("ADVISED_BY", "t:p:1", "t:p:2")
NODE = ("Site", "t:site:a", "")


def _elements(*items: tuple[tuple[str, str, str], dict], kept: tuple = ()) -> Elements:
    elements = Elements()
    for key, props in items:
        elements.add(key, props, kept=key in kept)
    return elements


def test_a_double_read_back_in_its_last_digits_is_the_same_value():
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; an engine may hand back 0.3.
    before = _elements((TIE, {"weight": 0.1 + 0.2, "wave": "w"}))
    assert compare(before, _elements((TIE, {"weight": 0.3, "wave": "w"}))) == Changes()
    assert compare(before, _elements((TIE, {"weight": 0.31, "wave": "w"}))) == Changes(updated={"ADVISED_BY": 1})


def test_repeated_relationships_are_matched_one_for_one():
    # Two ties between the same people, of two relations; one relation changes, a third tie comes.
    before = _elements((TIE, {"relation": "advice"}), (TIE, {"relation": "knowledge"}))
    after = _elements((TIE, {"relation": "advice"}), (TIE, {"relation": "collaboration"}), (TIE, {"relation": "x"}))
    assert compare(before, after) == Changes(created={"ADVISED_BY": 1}, updated={"ADVISED_BY": 1})


def test_what_stays_or_was_there_is_no_change():
    # A node another wave also owns stays when this wave no longer defines it; a shared node was
    # there before the load and is not created by it; `waves` and a Wave's bookkeeping are not compared.
    before = _elements((NODE, {"name": "A", "waves": ["w1", "w2"]}), kept=(NODE,))
    assert compare(before, Elements()) == Changes()
    assert compare(Elements(), _elements((NODE, {"name": "A"})), existed=[NODE]) == Changes()
    wave = ("Wave", "w1", "")
    old = _elements((wave, {"title": "One", "status": "loaded", "loaded_at": "2014", "history": "[]"}))
    assert compare(old, _elements((wave, {"title": "One", "status": "loading", "waves": ["w1"]}))) == Changes()


def test_changes_of_two_parts_add_up():
    one = Changes(created={"Work": 2}, updated={"OBSERVED_IN": 1})
    two = Changes(created={"Work": 1, "CITES": 3}, removed={"Author": 1})
    assert add_changes(one, two) == Changes(
        created={"Work": 3, "CITES": 3}, updated={"OBSERVED_IN": 1}, removed={"Author": 1}
    )
