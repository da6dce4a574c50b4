"""kill -9 of the embedded engine itself: during a load, and during reads.

The engine persists with an append-only file fsynced before every reply, and a wave becomes
visible only when its staging copy is renamed over the live graph. So a crash can cost at most
the load in progress, never a wave whose load was acknowledged; the process that was talking to
the engine must stop with one clear line rather than hang or print a traceback.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kb import engine
from kb.errors import QueryError
from kb.queries import library
from loaders.wave.api import list_waves, load_package
from support.bigwave import (
    LONG,
    CleanLoad,
    content_digest,
    discard,
    graph_counts,
    load_vocabulary,
    open_data_dir,
    record_figures,
    run_kb,
    start_kb,
    wait_for_staging,
    wave_footprint,
)
from support.library_runs import run_with_defaults

LOST_START = "lost the connection to the embedded engine ("
LOST_END = "); run `kb engine status`"
READERS = 4


def crash_engine_mid_load(data_dir: Path, package: Path) -> tuple[int, str]:
    """Start `kb load`, kill the engine once the load writes, and wait for the loader to end."""
    loader = start_kb(data_dir, "load", str(package))
    assert wait_for_staging(data_dir, loader), "the load ended before it began writing"
    engine.kill(data_dir)
    _, err = loader.communicate(timeout=120)  # a hang fails here, with TimeoutExpired
    return loader.returncode, err


def test_an_engine_crash_during_a_load_fails_the_loader_in_one_line_and_loses_no_wave(
    synth_waves, clean_load, tmp_path
):
    data_dir = tmp_path / "engine-crash-load"
    try:
        load_vocabulary(data_dir, synth_waves)
        with open_data_dir(data_dir) as store:
            acknowledged = list_waves(store)
        code, err = crash_engine_mid_load(data_dir, synth_waves.national)

        with open_data_dir(data_dir) as store:  # starts the engine again, replaying its file
            assert list_waves(store) == acknowledged
            assert graph_counts(store) == clean_load.before
            assert wave_footprint(store, synth_waves.national_wave)[2:] == (0, 0, 0)
            rerun = run_kb(data_dir, "load", str(synth_waves.national))
            assert rerun.returncode == 0, rerun.stderr
            assert graph_counts(store) == clean_load.after
    finally:
        discard(data_dir)
    record_figures(
        "engine_kill_load",
        {"loader_exit_code": code, "loader_stderr": err.strip(), "waves_lost": 0, "rerun_completed": True},
    )
    lines = err.strip().splitlines()
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("error: " + LOST_START) and lines[0].endswith(LOST_END), err


def restart_during_load(data_dir: Path, package: Path) -> tuple[int, str]:
    """Kill the engine mid-load and start it again at once, while the loader may still be retrying."""
    loader = start_kb(data_dir, "load", str(package))
    assert wait_for_staging(data_dir, loader), "the load ended before it began writing"
    engine.kill(data_dir)
    engine.start(data_dir)
    _, err = loader.communicate(timeout=300)
    return loader.returncode, err


def engine_restarts(data_dir: Path, waves, clean: CleanLoad, trials: int) -> list[str]:
    """A crash and an immediate restart in mid-load: the load completes whole or fails leaving nothing."""
    outcomes = []
    for trial in range(trials):
        folder = data_dir / f"trial-{trial:02d}"
        try:
            load_vocabulary(folder, waves)
            code, err = restart_during_load(folder, waves.national)
            with open_data_dir(folder) as store:
                seen = graph_counts(store)
                if code == 0:
                    assert seen == clean.after, "a load that survived an engine restart wrote a different wave"
                else:
                    assert seen == clean.before, err
            last_line = err.strip().splitlines()[-1] if err.strip() else ""
            outcomes.append(f"completed: {last_line}" if code == 0 else f"failed cleanly (exit {code}): {last_line}")
        finally:
            discard(folder)
    return outcomes


def test_an_engine_restarted_in_mid_load_leaves_the_whole_wave_or_none(synth_waves, clean_load, tmp_path):
    outcomes = engine_restarts(tmp_path, synth_waves, clean_load, 1)
    record_figures("engine_restart_load_1", {"outcomes": outcomes})


@pytest.mark.long
def test_ten_engine_restarts_in_mid_load_leave_the_whole_wave_or_none(synth_waves, clean_load, tmp_path):
    assert LONG
    outcomes = engine_restarts(tmp_path, synth_waves, clean_load, 10)
    record_figures("engine_restart_load_10", {"outcomes": outcomes})


class Reader(threading.Thread):
    """Runs every library query with its defaults, over and over, on its own store, until one fails."""

    def __init__(self, data_dir: Path):
        super().__init__(daemon=True)
        self.store = open_data_dir(data_dir)
        self.queries = 0
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            while True:
                for name in library():
                    run_with_defaults(self.store, name)
                    self.queries += 1
        except Exception as exc:  # what the reader's user would see is exactly what is checked
            self.error = exc
        finally:
            self.store.close()


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_an_engine_crash_during_reads_gives_readers_a_query_error_and_keeps_the_data(synth_waves, tmp_path):
    data_dir = tmp_path / "engine-crash-reads"
    try:
        load_vocabulary(data_dir, synth_waves)
        with open_data_dir(data_dir) as store:
            load_package(store, synth_waves.national)
            before, waves = content_digest(store), list_waves(store)
        readers = [Reader(data_dir) for _ in range(READERS)]
        for reader in readers:
            reader.start()
        wait_until(lambda: all(r.queries >= 5 for r in readers), 60)
        engine.kill(data_dir)
        for reader in readers:
            reader.join(timeout=60)
        assert not any(r.is_alive() for r in readers), "a reader hung after the engine died"

        with open_data_dir(data_dir) as store:
            assert content_digest(store) == before
            assert list_waves(store) == waves
    finally:
        discard(data_dir)
    errors = [f"{type(r.error).__name__}: {r.error}" for r in readers]
    record_figures(
        "engine_kill_reads",
        {
            "readers": READERS,
            "queries_before_crash": sum(r.queries for r in readers),
            "errors": errors,
            "data_changed": False,
        },
    )
    for reader in readers:
        assert isinstance(reader.error, QueryError), errors
        assert str(reader.error).startswith(LOST_START) and str(reader.error).endswith(LOST_END), errors
