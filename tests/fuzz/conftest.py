"""Fixtures of the fuzz suite: the base graph the inputs are loaded against, and the tally of outcomes.

Tests marked `long` run only with KB_LONG=1: together they try more than 10,000 generated inputs.
"""

from __future__ import annotations

import os

import pytest

from support.fuzz.harness import LONG, BaseGraph, Tally

LONG_REASON = "set KB_LONG=1 to run the long mode"


def pytest_runtest_setup(item):
    if item.get_closest_marker("long") and os.environ.get("KB_LONG") != "1":
        pytest.skip(LONG_REASON)


@pytest.fixture(scope="session")
def tally():
    """Outcomes of every generated input of the session, written to $KB_FIGURES_DIR/fuzz-*.json if set."""
    counts = Tally()
    yield counts
    counts.save("fuzz-long" if LONG else "fuzz-normal")


@pytest.fixture(scope="session")
def fuzz_base(tmp_path_factory):
    """The base wave t01-w1 in a data directory and engine of their own: an input that crashes the
    engine must not take the other tests' engine down with it."""
    base = BaseGraph(tmp_path_factory.mktemp("fuzzdata"))
    yield base
    base.close()
