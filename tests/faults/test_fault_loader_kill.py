"""kill -9 of `kb load` at random moments of a large wave load, then recovery.

Generalises tests/test_wave_recovery.py (one kill, mid-write, in-process loader) to kills at
seeded random times spread over the whole load, as measured by a clean load: while the process
starts, validates, copies the graph, writes nodes and relationships, or has just committed. After
each kill a reader sees either the knowledge base as it was before the load or the complete wave,
never part of it; then running the same `kb load` again completes, and the counts equal those of
the clean load.

Normal suite: 3 kill points on a wave of ~15k facts. KB_LONG=1: 20 kill points on ~145k facts.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from loaders.wave.api import list_waves, unload_wave
from support.bigwave import (
    LONG,
    SCALE,
    SEED,
    CleanLoad,
    discard,
    graph_counts,
    kill_times,
    load_vocabulary,
    open_data_dir,
    record_figures,
    run_kb,
    staging_exists,
    start_kb,
    wave_footprint,
)


def kill_loader_at(data_dir: Path, package: Path, at: float) -> str:
    """Start `kb load`, SIGKILL it `at` seconds after it started; what it was doing then.

    'validating' (no staging copy yet), 'writing' (inside the atomic unit) or 'finished' (it
    exited before the kill time: no fault was injected).
    """
    loader = start_kb(data_dir, "load", str(package))
    started = time.monotonic()
    try:
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        if loader.poll() is not None:
            return "finished"
        phase = "writing" if staging_exists(data_dir) else "validating"
        os.kill(loader.pid, signal.SIGKILL)
        return phase
    finally:
        loader.communicate(timeout=60)


def kill_during_load(data_dir: Path, store, waves, at: float) -> tuple[str, float]:
    """Kill a load `at` s after it starts; when the load ended sooner (this machine is shared, so
    a load's time varies), unload the wave and try again earlier, so that every point injects a fault."""
    for _ in range(4):
        phase = kill_loader_at(data_dir, waves.national, at)
        if phase != "finished":
            return phase, at
        unload_wave(store, waves.national_wave)
        at *= 0.6
    return phase, at


def one_kill_and_recovery(data_dir: Path, waves, clean: CleanLoad, at: float) -> dict:
    """Kill a load at `at` s, check what readers see, re-run the load and check it completes."""
    try:
        load_vocabulary(data_dir, waves)
        with open_data_dir(data_dir) as store:
            assert graph_counts(store) == clean.before
            phase, at = kill_during_load(data_dir, store, waves, at)
            seen = graph_counts(store)
            footprint = wave_footprint(store, waves.national_wave)
            if seen == clean.before:
                outcome = "nothing"
                assert footprint[2:] == (0, 0, 0)
                assert [w["wave"] for w in list_waves(store)] == [waves.vocab_wave]
            else:
                # killed after the commit, before the process could exit: the whole wave, as acknowledged
                outcome = "whole wave"
                assert seen == clean.after, f"a partial wave is visible after a kill at {at:.2f}s ({phase})"
            rerun = run_kb(data_dir, "load", str(waves.national))
            assert rerun.returncode == 0, rerun.stderr
            assert graph_counts(store) == clean.after
            assert {w["wave"]: w["status"] for w in list_waves(store)} == {
                waves.vocab_wave: "loaded",
                waves.national_wave: "loaded",
            }
    finally:
        discard(data_dir)
    return {"at_s": round(at, 2), "phase": phase, "seen_after_kill": outcome}


def kill_campaign(tmp_path: Path, waves, clean: CleanLoad, count: int) -> list[dict]:
    times = kill_times(clean.seconds, count, SEED)
    results = [one_kill_and_recovery(tmp_path / f"kill-{i:02d}", waves, clean, at) for i, at in enumerate(times)]
    phases = Counter(r["phase"] for r in results)
    record_figures(
        f"loader_kill_{count}",
        {
            "scale": SCALE,
            "clean_load_s": round(clean.seconds, 2),
            "facts_in_wave": clean.after["nodes total"]
            + clean.after["relationships total"]
            - clean.before["nodes total"]
            - clean.before["relationships total"],
            "kills_injected": count - phases["finished"],
            "phases": dict(phases),
            "partial_waves_seen": 0,
            "reruns_completed": count,
            "points": results,
        },
    )
    return results


def test_three_loader_kills_leave_no_partial_wave_and_the_rerun_completes(synth_waves, clean_load, tmp_path):
    results = kill_campaign(tmp_path, synth_waves, clean_load, 3)
    assert all(r["phase"] != "finished" for r in results), results


@pytest.mark.long
def test_twenty_loader_kills_leave_no_partial_wave_and_the_rerun_completes(synth_waves, clean_load, tmp_path):
    assert LONG
    results = kill_campaign(tmp_path, synth_waves, clean_load, 20)
    # the kills must have hit the load itself, not only its start-up
    assert sum(r["phase"] == "writing" for r in results) >= 3, results
