"""Fixtures of the fault tests: the generated waves and a clean load to measure against.

Tests marked `long` run only with KB_LONG=1 (they take minutes); the normal suite runs a short
version of each.
"""

from __future__ import annotations

import os
import time

import pytest

from support.bigwave import (
    CleanLoad,
    SynthWaves,
    discard,
    graph_counts,
    load_vocabulary,
    make_waves,
    open_data_dir,
    start_kb,
)

LONG_REASON = "set KB_LONG=1 to run the long mode"


def pytest_runtest_setup(item):
    if item.get_closest_marker("long") and os.environ.get("KB_LONG") != "1":
        pytest.skip(LONG_REASON)


@pytest.fixture(scope="session")
def synth_waves(tmp_path_factory) -> SynthWaves:
    return make_waves(tmp_path_factory.mktemp("synth") / "england")


@pytest.fixture(scope="session")
def clean_load(synth_waves, tmp_path_factory) -> CleanLoad:
    data_dir = tmp_path_factory.mktemp("clean")
    try:
        load_vocabulary(data_dir, synth_waves)
        with open_data_dir(data_dir) as store:
            before = graph_counts(store)
            started = time.monotonic()
            loader = start_kb(data_dir, "load", str(synth_waves.national))
            _, err = loader.communicate(timeout=600)
            seconds = time.monotonic() - started
            assert loader.returncode == 0, err
            after = graph_counts(store)
    finally:
        discard(data_dir)
    return CleanLoad(before, after, seconds)
