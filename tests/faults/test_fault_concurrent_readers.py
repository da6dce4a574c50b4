"""Ten readers run the query library while a large wave loads: no errors, and no half-loaded wave.

Each reader is a thread with its own store (its own connection to the engine), as ten app
sessions or `kb query` processes would be. Between library queries each reader takes a snapshot
of the knowledge base in one query: all nodes and relationships, the nodes and relationships of
the wave being loaded, and its Wave node. Every snapshot must equal the one before the load or
the one after it; nothing in between may ever be seen.
"""

from __future__ import annotations

import threading

from kb.queries import library
from support.bigwave import (
    discard,
    load_vocabulary,
    open_data_dir,
    record_figures,
    start_kb,
    wave_footprint,
)
from support.library_runs import run_with_defaults

READERS = 10


class SnapshotReader(threading.Thread):
    """Runs the library with defaults and snapshots the wave until told to stop (then one more pass)."""

    def __init__(self, data_dir, wave_id: str, loaded: threading.Event):
        super().__init__(daemon=True)
        self.store = open_data_dir(data_dir)
        self.wave_id, self.loaded = wave_id, loaded
        self.snapshots: list[tuple] = []
        self.queries = 0
        self.errors: list[str] = []

    def one_pass(self) -> None:
        for name in library():
            run_with_defaults(self.store, name)
            self.queries += 1
            self.snapshots.append(wave_footprint(self.store, self.wave_id))

    def run(self) -> None:
        try:
            while not self.loaded.is_set():
                self.one_pass()
            self.one_pass()  # started after the load ended: sees the wave
        except Exception as exc:  # every error a reader meets is a failure of the test
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.store.close()


def test_ten_readers_during_a_load_see_the_knowledge_base_before_or_after_the_wave(synth_waves, tmp_path):
    data_dir = tmp_path / "readers"
    wave = synth_waves.national_wave
    try:
        load_vocabulary(data_dir, synth_waves)
        with open_data_dir(data_dir) as store:
            before = wave_footprint(store, wave)
            loaded = threading.Event()
            readers = [SnapshotReader(data_dir, wave, loaded) for _ in range(READERS)]
            for reader in readers:
                reader.start()
            loader = start_kb(data_dir, "load", str(synth_waves.national))
            _, err = loader.communicate(timeout=600)
            loaded.set()
            for reader in readers:
                reader.join(timeout=300)
            after = wave_footprint(store, wave)
    finally:
        discard(data_dir)

    assert loader.returncode == 0, err
    assert not any(r.is_alive() for r in readers), "a reader did not finish"
    errors = [e for r in readers for e in r.errors]
    snapshots = [s for r in readers for s in r.snapshots]
    between = [s for s in snapshots if s not in (before, after)]
    record_figures(
        "concurrent_readers",
        {
            "readers": READERS,
            "library_queries": sum(r.queries for r in readers),
            "snapshots": len(snapshots),
            "before": before,
            "after": after,
            "seen_before": snapshots.count(before),
            "seen_after": snapshots.count(after),
            "seen_between": len(between),
            "errors": errors,
        },
    )
    assert errors == []
    assert before[2:] == (0, 0, 0) and after[2] > 0 and after[3] > 0 and after[4] == 1
    assert between == []
    assert before in snapshots and after in snapshots
