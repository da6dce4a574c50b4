"""The benchmark's arithmetic: nearest-rank percentiles and the judgement of each target."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from kb.bench.latency import percentile
from kb.bench.targets import evaluate


def test_nearest_rank_percentiles_of_twenty_runs():
    samples = [float(n) for n in range(20, 0, -1)]
    assert percentile(samples, 0.5) == 10.0  # 10 of 20 at or below
    assert percentile(samples, 0.95) == 19.0  # 19 of 20 at or below


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50), st.floats(min_value=0.01, max_value=1))
def test_a_percentile_is_a_sample_with_enough_samples_at_or_below_it(samples, share):
    value = percentile(samples, share)
    assert value in samples
    assert sum(1 for s in samples if s <= value) >= share * len(samples)


GOOD = {
    "scale": 1.0,
    "load": {
        "fresh": {"seconds": 10.0, "created_total": 700_000, "vmhwm_mb": 240.0},
        "reload": {"seconds": 0.3, "changed_nothing": True},
        "bulk": {"elements_per_s": 60_000.0},
        "fresh_vs_bulk": 1.1,
    },
    "scales": [
        {"share": 0.25, "seconds": 2.6, "vmhwm_mb": 200.0},
        {"share": 0.5, "seconds": 5.0, "vmhwm_mb": 220.0},
        {"share": 1.0, "seconds": 10.0, "vmhwm_mb": 240.0},
    ],
    "queries": [
        {"query": "a", "params": "defaults", "p95_ms": 40.0},
        {"query": "a", "params": "synthetic", "p95_ms": 99.0},
    ],
    "ui": [{"page": "overview", "cold_s": 1.9, "errors": []}],
}


def judged(figures: dict) -> dict[str, bool | None]:
    return {t["target"]: t["met"] for t in evaluate(figures)}


def test_figures_inside_every_limit_meet_every_target():
    assert judged(GOOD) == {
        "fresh load vs bulk loader": True,
        "unchanged reload": True,
        "loader peak RSS": True,
        "loader RSS growth": True,  # 240 / 220 = 1.09
        "load time growth": True,  # 10 / 5 = 2.0
        "query p95 (defaults parameters)": True,
        "query p95 (synthetic parameters)": True,
        "UI page render (cold cache)": True,
    }


def test_each_limit_crossed_fails_its_own_target_only():
    bad = copy.deepcopy(GOOD)
    bad["load"]["fresh_vs_bulk"] = 0.44
    bad["load"]["reload"]["changed_nothing"] = False  # within time, but it wrote something
    bad["scales"][2]["seconds"] = 11.5  # 11.5 / 5 = 2.3
    bad["queries"][1]["p95_ms"] = 100.5
    assert judged(bad) == {
        "fresh load vs bulk loader": False,
        "unchanged reload": False,
        "loader peak RSS": True,
        "loader RSS growth": True,
        "load time growth": False,
        "query p95 (defaults parameters)": True,
        "query p95 (synthetic parameters)": False,
        "UI page render (cold cache)": True,
    }


def test_memory_targets_use_vmhwm_and_judge_growth_between_half_and_full_scale():
    bad = copy.deepcopy(GOOD)
    bad["load"]["fresh"]["vmhwm_mb"] = 251.0  # just over 250 MB
    bad["scales"][1]["vmhwm_mb"], bad["scales"][2]["vmhwm_mb"] = 200.0, 251.0  # 1.255 x
    result = {t["target"]: (t["measured"], t["met"]) for t in evaluate(bad)}
    assert result["loader peak RSS"] == (251.0, False)
    assert result["loader RSS growth"] == (1.255, False)


def test_an_unchanged_reload_is_judged_by_its_own_seconds():
    slow = copy.deepcopy(GOOD)
    slow["load"]["reload"]["seconds"] = 0.6  # changes nothing, but takes longer than 0.5 s
    assert judged(slow)["unchanged reload"] is False
    slow["load"]["reload"]["seconds"] = 0.5
    assert judged(slow)["unchanged reload"] is True


def test_what_was_not_measured_is_neither_met_nor_failed():
    missing = copy.deepcopy(GOOD)
    missing["load"]["bulk"] = {"error": "falkordb-bulk-insert not found; pip install falkordb-bulk-loader"}
    del missing["load"]["fresh_vs_bulk"]
    missing["ui"] = []
    targets = {t["target"]: t for t in evaluate(missing)}
    assert targets["fresh load vs bulk loader"]["met"] is None
    assert targets["fresh load vs bulk loader"]["note"] == "bulk loader not run"
    assert targets["UI page render (cold cache)"]["met"] is None
    assert targets["UI page render (cold cache)"]["note"] == "no UI pages found"


def test_a_failed_query_fails_the_latency_target_and_is_named():
    failing = copy.deepcopy(GOOD)
    failing["queries"].append({"query": "broken", "params": "defaults", "error": "the engine refused the query: x"})
    target = next(t for t in evaluate(failing) if t["target"] == "query p95 (defaults parameters)")
    assert target["met"] is False
    assert target["note"] == "; failed: broken"


def test_stage_clock_splits_the_load_at_each_new_stage(monkeypatch):
    from kb.bench import child

    ticks = iter([0.0, 2.0, 2.5, 5.0, 5.5])  # the start, each change of stage, the finish
    monkeypatch.setattr(child.time, "perf_counter", lambda: next(ticks))
    clock = child.StageClock()
    for done, stage in [(1, "nodes"), (2, "nodes"), (5, "relationships"), (9, "wave"), (9, "wave")]:
        clock(done, 9, stage)
    assert clock.finish() == {"prepare": 2.0, "nodes": 0.5, "relationships": 2.5, "wave": 0.5}
