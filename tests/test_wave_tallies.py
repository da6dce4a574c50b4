"""Per-wave tallies (loaders/wave/tallies.py) and the `wave_changes` that reads them.

What a tally means is stated once, as a count over the graph (`counted`): nodes naming the wave in
`waves` with the wave's study, by label; relationships whose `wave` is the wave and whose start
node has the wave's study, by type, CITES aside. After every load, update and unload the tallies
on each Wave must equal those counts, and `wave_changes` must give exactly the rows of its form that
reads the graph (the parts the query keeps for waves loaded before tallies), on the demo and on two
synthetic waves of one study.
"""

from __future__ import annotations

import shutil

import pytest

from kb.queries import get_query, run_named
from kb.synth import synthesize
from loaders.wave import tallies
from loaders.wave.api import load_package, unload_wave
from support.demo_graph import demo_graph
from support.synthetic_waves import second_wave
from support.wave_pairs import unguarded

GUARD = "WHERE x1.tally_labels IS NULL OR x2.tally_labels IS NULL\nWITH w1, w2\n"


def counted(store, wave: str) -> dict[str, dict[str, int]]:
    """The tallies of `wave` by their definition, counted over the whole graph."""
    study = store.read("MATCH (w:Wave {id: $w}) RETURN w.study AS s", {"w": wave}).single_value()
    params = {"w": wave, "s": study}
    nodes = store.read(
        "MATCH (n) WHERE n.study = $s AND $w IN n.waves RETURN labels(n)[0] AS k, count(n) AS c", params
    ).rows
    rels = store.read(
        "MATCH (a)-[r]->() WHERE r.wave = $w AND a.study = $s AND type(r) <> 'CITES' "
        "RETURN type(r) AS k, count(r) AS c",
        params,
    ).rows
    return {"nodes": {r["k"]: r["c"] for r in nodes}, "relationships": {r["k"]: r["c"] for r in rels}}


def assert_tallies_true(store) -> None:
    waves = store.read("MATCH (w:Wave) RETURN w.id AS id ORDER BY id").values("id")
    kept = tallies.read(store, waves)
    for wave in waves:
        assert kept[wave][1] == counted(store, wave), wave


def reference_cypher() -> str:
    """wave_changes as it read the graph: its parts without the tallied ones and the kept pairs, unguarded."""
    parts = get_query("wave_changes").cypher.split("UNION ALL\n")
    assert len(parts) == 7 and all(GUARD in parts[i] for i in (4, 6))
    kept = [parts[0], unguarded(parts[1]), parts[4], parts[6]]
    both = "MATCH (x1:Wave {id: w1})\nWITH w1, w2, x1\nMATCH (x2:Wave {id: w2})\n" + GUARD
    assert all(both in part for part in kept[2:])
    return "UNION ALL\n".join(part.replace(both, "") for part in kept)


def assert_same_as_reference(store, study: str, w1: str, w2: str) -> list[dict]:
    params = get_query("wave_changes").bind({"study": study, "from_wave": w1, "to_wave": w2})
    rows = run_named(store, "wave_changes", params).rows
    assert rows == store.read(reference_cypher(), params).rows
    return rows


@pytest.fixture(scope="module")
def demo(kb_config):
    with demo_graph(kb_config, graph="demo_tallies") as store:
        yield store


def test_the_demo_waves_hold_true_tallies(demo):
    assert_tallies_true(demo)


def test_wave_changes_on_the_demo_is_what_reading_the_graph_gives(demo):
    waves = demo.read("MATCH (w:Wave) RETURN w.study AS study, w.id AS id ORDER BY study, id").rows
    compared = 0
    for a in waves:
        for b in waves:
            if a["study"] == b["study"] and a["id"] != b["id"]:
                rows = assert_same_as_reference(demo, a["study"], a["id"], b["id"])
                compared += bool([r for r in rows if r["change"] in ("entities", "relationships")])
    assert compared >= 4  # s17's waves differ in what they hold


@pytest.fixture
def synthetic(tmp_path):
    synthesize(tmp_path / "syn", scale=0.02, seed=1)
    return tmp_path / "syn"


def test_two_synthetic_waves_through_load_update_and_unload(store, synthetic, tmp_path):
    for folder in ("00-syn-vocab", "10-syn-england", "20-syn-literature"):
        load_package(store, synthetic / folder)
    later = second_wave(synthetic / "10-syn-england", tmp_path / "w2", lambda n: n % 7)
    assert load_package(store, later).status == "loaded"
    assert_tallies_true(store)
    rows = assert_same_as_reference(store, "syn", "syn-england-1", "syn-england-2")
    kinds = {(r["change"], r["kind"]) for r in rows}
    assert {("entities", "Evidence"), ("relationships", "ADVISED_BY"), ("relationships", "CODED_AS")} <= kinds
    assert_same_as_reference(store, "syn", "syn-england-2", "syn-england-1")
    assert_same_as_reference(store, "syn", "syn-england-1", "syn-literature-1")  # CITES on one side

    # Reload with changes: fewer ties again; the tallies follow the update.
    shutil.rmtree(later)
    later = second_wave(synthetic / "10-syn-england", tmp_path / "w2", lambda n: n % 3)
    assert load_package(store, later).status == "updated"
    assert_tallies_true(store)
    assert_same_as_reference(store, "syn", "syn-england-1", "syn-england-2")

    # Unloading the first wave hands the shared entities' defining relationships to the second.
    unload_wave(store, "syn-england-1")
    assert_tallies_true(store)
    moved = counted(store, "syn-england-2")["relationships"]
    assert moved.get("AT", 0) > 0 and moved.get("STUDIED", 0) > 0
    assert_same_as_reference(store, "syn", "syn-england-2", "syn-literature-1")


def test_a_wave_without_tallies_is_counted_from_the_graph(store, synthetic, tmp_path):
    for folder in ("00-syn-vocab", "10-syn-england"):
        load_package(store, synthetic / folder)
    load_package(store, second_wave(synthetic / "10-syn-england", tmp_path / "w2", lambda n: n % 4))
    params = {"study": "syn", "from_wave": "syn-england-1", "to_wave": "syn-england-2"}
    tallied = run_named(store, "wave_changes", params).rows
    # As if the first wave had been loaded before tallies existed.
    store.write(
        "MATCH (w:Wave {id: 'syn-england-1'}) REMOVE w.tally_labels, w.tally_label_counts, w.tally_types, "
        "w.tally_type_counts"
    )
    assert tallies.read(store, ["syn-england-1"])["syn-england-1"][1] is None
    assert run_named(store, "wave_changes", params).rows == tallied
