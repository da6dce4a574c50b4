"""An unchanged reload records itself in the wave's history by one statement, without a unit.

On FalkorDB a unit starts with GRAPH.COPY of the whole graph, which made a national wave's
unchanged reload cost seconds; the engine's own command statistics show whether one ran.
"""

from __future__ import annotations

import json

import pytest

from loaders.report import Changes
from loaders.wave import history
from loaders.wave.api import load_package
from loaders.wave.storecheck import wave_props
from support.paths import WAVE_FIXTURES as FIXTURES

WAVE = "t01-w1"


def _copies(store) -> int:
    """How many GRAPH.COPY commands the embedded engine has run (units started on a live graph)."""
    stats = store._conn.info("commandstats")
    return int(stats.get("cmdstat_graph.COPY", stats.get("cmdstat_graph.copy", {})).get("calls", 0))


def test_an_unchanged_reload_opens_no_unit_and_is_recorded(store):
    assert load_package(store, FIXTURES / WAVE).status == "loaded"
    before = wave_props(store, WAVE)
    copies = _copies(store) if store.kind == "falkordb" else None
    report = load_package(store, FIXTURES / WAVE)
    assert report.status == "unchanged"
    if store.kind == "falkordb":
        assert _copies(store) == copies
    after = wave_props(store, WAVE)
    # Only the history grew, by one 'unchanged' entry; the text is still the JSON of the list.
    assert {k: v for k, v in after.items() if k != "history"} == {k: v for k, v in before.items() if k != "history"}
    loads = json.loads(after["history"])
    assert loads[:-1] == json.loads(before["history"])
    assert (loads[-1]["status"], loads[-1]["source_hash"], loads[-1]["changes"]) == (
        "unchanged",
        before["source_hash"],
        Changes().as_dict(),
    )
    assert after["history"] == json.dumps(loads)


def test_the_history_entry_is_not_written_for_other_bytes(store):
    load_package(store, FIXTURES / WAVE)
    before = wave_props(store, WAVE)["history"]
    load = history.entry("unchanged", "not-the-loaded-hash", Changes(), history.now())
    assert history.record_unchanged(store, WAVE, wave_props(store, WAVE), load) is False
    assert history.record_unchanged(store, "no-such-wave", wave_props(store, WAVE), load) is False
    assert wave_props(store, WAVE)["history"] == before


@pytest.mark.parametrize("times", [2, 3])
def test_repeated_reloads_each_add_one_entry(store, times):
    load_package(store, FIXTURES / WAVE)
    for _ in range(times):
        assert load_package(store, FIXTURES / WAVE).status == "unchanged"
    statuses = [entry["status"] for entry in json.loads(wave_props(store, WAVE)["history"])]
    assert statuses == ["loaded", *["unchanged"] * times]


def test_the_copy_count_sees_a_unit(store):
    if store.kind != "falkordb":
        pytest.skip("GRAPH.COPY is the embedded engine's")
    copies = _copies(store)
    with store.atomic():
        pass
    assert _copies(store) == copies + 1


def test_a_history_changed_since_it_was_read_is_not_overwritten(store):
    load_package(store, FIXTURES / WAVE)
    stale = wave_props(store, WAVE)
    assert load_package(store, FIXTURES / WAVE).status == "unchanged"
    current = wave_props(store, WAVE)["history"]
    load = history.entry("unchanged", stale["source_hash"], Changes(), history.now())
    assert history.record_unchanged(store, WAVE, stale, load) is False
    assert wave_props(store, WAVE)["history"] == current


def test_a_history_with_text_beyond_ascii_is_kept_whole(store, tmp_path):
    # The demo's histories hold such text; the entry is added to the list, never spliced into text.
    load_package(store, FIXTURES / WAVE)
    props = wave_props(store, WAVE)
    load = history.entry("unchanged", props["source_hash"], Changes(), "2026-01-02T03:04:05+00:00 – é…")
    assert history.record_unchanged(store, WAVE, props, load) is True
    assert json.loads(wave_props(store, WAVE)["history"])[-1] == load
