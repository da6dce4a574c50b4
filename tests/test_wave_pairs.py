"""The participant comparisons each load keeps for the pairs of its study's waves (loaders/wave/pairs.py).

`wave_changes` reads a pair's counts from the later-loaded Wave when it keeps them, and compares the
participants as the query runs when neither Wave does. The two must give the very same rows, for
every pair of the demo's waves and of synthetic waves of one study, in both directions, after a
load, an update of a wave and an unload; the counts must follow the update and leave with the
unloaded wave. Where a test states a number, it comes from the package files: the synthetic
participants are observed in a wave exactly where its survey measures them (`measured`).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kb.queries import get_query, run_named
from kb.synth import synthesize
from loaders.wave import pairs, tallies
from loaders.wave.api import load_package, unload_wave
from support.cypher_lint import assert_valid_neo4j_cypher
from support.demo_graph import demo_graph
from support.synthetic_waves import second_wave
from support.wave_pairs import unguarded

STORED = 2  # the part of wave_changes that reads the kept counts


def computing_cypher() -> str:
    """wave_changes as it was before pairs were kept: the participant part always compares."""
    parts = get_query("wave_changes").cypher.split("UNION ALL\n")
    assert "pair_counts" in parts[STORED]
    parts[1] = unguarded(parts[1])
    del parts[STORED]
    return "UNION ALL\n".join(parts)


def kept(store) -> dict[str, list[str]]:
    rows = store.read("MATCH (w:Wave) RETURN w.id AS id, w.pair_waves AS others").rows
    return {r["id"]: r["others"] for r in rows}


def assert_kept_equals_computed(store, study: str) -> int:
    """Every pair of the study's waves, both ways: the kept answer is the computed one. Returns how
    many pairs were answered from kept counts (all of them, when every wave was loaded with them)."""
    waves = store.read("MATCH (w:Wave) WHERE w.study = $s RETURN w.id AS id ORDER BY id", {"s": study}).values("id")
    holds = kept(store)
    answered = 0
    for a in waves:
        for b in waves:
            if a == b:
                continue
            params = get_query("wave_changes").bind({"study": study, "from_wave": a, "to_wave": b})
            assert run_named(store, "wave_changes", params).rows == store.read(computing_cypher(), params).rows, (a, b)
            answered += b in (holds[a] or []) or a in (holds[b] or [])
    return answered


def participant_counts(store, w1: str, w2: str) -> dict[tuple[str, str], tuple[int, int]]:
    rows = run_named(store, "wave_changes", {"study": "syn", "from_wave": w1, "to_wave": w2}).rows
    return {(r["item"], r["property"]): (r["before"], r["after"]) for r in rows if r["change"] == "participant values"}


def measured(package: Path) -> set[str]:
    """The participants a wave's survey measures: the respondents of its advice ties, and the
    participants they name at their own site (a site's network is its respondents' ties; a
    participant is measured in its own site's network; an alter may be an organisation)."""
    with (package / "participants.csv").open(encoding="utf-8", newline="") as fh:
        site = {row["id"]: row["site"] for row in csv.DictReader(fh)}
    with (package / "advice_ties.csv").open(encoding="utf-8", newline="") as fh:
        ties = [(row["respondent"], row["alter"]) for row in csv.DictReader(fh)]
    return {r for r, _ in ties} | {a for r, a in ties if a in site and site[a] == site[r]}


@pytest.fixture(scope="module")
def demo(kb_config):
    with demo_graph(kb_config, graph="demo_pairs") as store:
        yield store


def test_the_demo_keeps_every_pair_and_answers_as_computing(demo):
    studies = demo.read("MATCH (w:Wave) RETURN DISTINCT w.study AS s ORDER BY s").values("s")
    for study in studies:
        waves = demo.read("MATCH (w:Wave) WHERE w.study = $s RETURN count(w) AS n", {"s": study}).single_value()
        # each unordered pair of the study's k waves once, on the wave loaded later: k(k-1)/2 of them
        assert assert_kept_equals_computed(demo, study) == waves * (waves - 1)
    counts = demo.read("MATCH (w:Wave) RETURN size(w.pair_waves) AS k, size(w.pair_counts) AS n").rows
    assert all(r["n"] == pairs.WIDTH * r["k"] for r in counts)


def test_synthetic_waves_through_load_update_and_unload(store, tmp_path):
    synthesize(tmp_path / "syn", scale=0.02, seed=1)
    first = tmp_path / "syn" / "10-syn-england"
    for folder in ("00-syn-vocab", "10-syn-england", "20-syn-literature"):
        load_package(store, tmp_path / "syn" / folder)
    later = second_wave(first, tmp_path / "w2", lambda n: n % 3)
    assert load_package(store, later).status == "loaded"
    # kept on the later wave, in the order of the ids
    assert kept(store)["syn-england-2"] == ["syn-england-1", "syn-literature-1", "syn-vocab-1"]
    assert assert_kept_equals_computed(store, "syn") == 12  # 4 waves: 6 pairs, both ways

    # The literature wave observes nobody: every participant England observed has its role removed.
    observed = measured(first)
    gone = participant_counts(store, "syn-england-1", "syn-literature-1")
    assert gone[("removed", "role")] == (len(observed), 0)
    back = participant_counts(store, "syn-literature-1", "syn-england-1")
    assert back[("added", "role")] == (0, len(observed))
    # The second wave shares every participant and ties fewer: a participant in no tie of it has no
    # degree there; nobody's role changes (the same participants.csv).
    dropped = len(observed - measured(later))
    between = participant_counts(store, "syn-england-1", "syn-england-2")
    assert between.get(("removed", "degree"), (0, 0)) == (dropped, 0)
    assert ("changed", "role") not in between and ("added", "degree") not in between

    # An update that keeps a quarter of the ties: the kept counts follow it.
    shutil.rmtree(later)
    later = second_wave(first, tmp_path / "w2", lambda n: n % 4 == 0)
    assert load_package(store, later).status == "updated"
    dropped_now = len(observed - measured(later))
    assert dropped_now > dropped
    assert participant_counts(store, "syn-england-1", "syn-england-2")[("removed", "degree")] == (dropped_now, 0)
    assert participant_counts(store, "syn-england-2", "syn-england-1")[("added", "degree")] == (0, dropped_now)
    holds = kept(store)
    assert "syn-england-2" not in (holds["syn-literature-1"] or [])  # forgotten by the waves before it
    assert assert_kept_equals_computed(store, "syn") == 12

    # Unloading the first wave: the waves that kept a comparison with it forget it.
    unload_wave(store, "syn-england-1")
    holds = kept(store)
    assert holds["syn-england-2"] == ["syn-literature-1", "syn-vocab-1"]
    assert holds["syn-literature-1"] == ["syn-vocab-1"]
    assert all(
        len(store.read("MATCH (w:Wave {id: $id}) RETURN w.pair_counts AS c", {"id": w}).single_value())
        == pairs.WIDTH * len(others or [])
        for w, others in holds.items()
        if w.startswith("syn")
    )
    assert assert_kept_equals_computed(store, "syn") == 6


def test_a_pair_kept_by_neither_wave_is_compared_as_the_query_runs(store, tmp_path):
    synthesize(tmp_path / "syn", scale=0.02, seed=1)
    for folder in ("00-syn-vocab", "10-syn-england"):
        load_package(store, tmp_path / "syn" / folder)
    load_package(store, second_wave(tmp_path / "syn" / "10-syn-england", tmp_path / "w2", lambda n: n % 4 == 0))
    answer = participant_counts(store, "syn-england-1", "syn-england-2")
    assert answer
    # As if both had been loaded before pairs were kept.
    store.write("MATCH (w:Wave) WHERE w.study = 'syn' REMOVE w.pair_waves, w.pair_counts")
    assert participant_counts(store, "syn-england-1", "syn-england-2") == answer
    assert assert_kept_equals_computed(store, "syn") == 0


def test_the_statements_are_valid_neo4j_cypher(tmp_path):
    """No Neo4j runs here, so Neo4j's own linter (tools/cypher-lint) checks what a load and an unload send."""
    statements = {
        "compare": pairs.COMPARE,
        "others": pairs.OTHERS,
        "write": pairs.WRITE,
        "forget": pairs.FORGET,
        "tallies": tallies.WRITE,
    }
    assert_valid_neo4j_cypher(statements, tmp_path / "statements")
