"""Fuzzing the wave loader: broken CSV files, manifests and zips load or are refused, writing nothing.

Each case is the base package (tests/fixtures/waves/t01-w1, already loaded in the base graph)
with drawn edits, loaded with `load_package`: an edited package with the same wave id is an
update of a loaded wave, so a refused one must leave the loaded version untouched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.wave.api import load_package, validate_package
from support.fuzz.harness import SURVEY, check_case, examples
from support.fuzz.packages import PackageCase, csv_cases, manifest_cases, zip_cases


def load_case(fuzz_base, tally, kind: str, case: PackageCase) -> str:
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = case.write(Path(tmp))
        check_case(
            fuzz_base, f"{kind} (validate)", tally, lambda: validate_package(path, fuzz_base.store), writes=False
        )
        return check_case(fuzz_base, kind, tally, lambda: load_package(fuzz_base.store, path))


@examples(50)
@given(case=csv_cases())
def test_broken_csv_files_load_or_are_refused(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave csv", case)


@examples(40)
@given(case=manifest_cases())
def test_broken_manifests_load_or_are_refused(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave manifest", case)


@examples(20)
@given(case=zip_cases())
def test_hostile_zips_load_or_are_refused(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave zip", case)


@pytest.mark.long
@examples(1500)
@given(case=csv_cases())
def test_long_broken_csv_files(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave csv", case)


@pytest.mark.long
@examples(1200)
@given(case=manifest_cases())
def test_long_broken_manifests(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave manifest", case)


@pytest.mark.long
@examples(600)
@given(case=zip_cases())
def test_long_hostile_zips(fuzz_base, tally, case):
    load_case(fuzz_base, tally, "wave zip", case)


def population_case(value: int) -> PackageCase:
    return PackageCase(edits=(("site_observations.csv", (("cell", 1, 1, str(value)),)),))


POPULATION = "MATCH (:Site {id: 't01:site:a'})-[o:OBSERVED_IN]->() RETURN o.population AS population"


def check_integer(fuzz_base, tally, value: int) -> None:
    """A whole number in an int column is stored exactly as written, or refused; never changed."""
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = population_case(value).write(Path(tmp))
        stored = []

        def load_and_read():
            load_package(fuzz_base.store, path)
            stored.append(fuzz_base.store.read(POPULATION).single_value())

        outcome = check_case(fuzz_base, "wave int cell", tally, load_and_read)
    if outcome == "accepted" and stored != [value]:
        if not SURVEY:
            raise AssertionError(f"{value} was stored as {stored[0]}")
        tally.crashes["wave int cell: accepted, but stored as another number (beyond 64 bits)"] += 1


@examples(20)
@given(value=st.one_of(st.integers(), st.integers(min_value=2**62, max_value=2**70).map(lambda v: v * (-1) ** (v % 2))))
def test_whole_numbers_are_stored_exactly_or_refused(fuzz_base, tally, value):
    check_integer(fuzz_base, tally, value)


@pytest.mark.long
@examples(300)
@given(value=st.one_of(st.integers(), st.integers(min_value=2**62, max_value=2**70).map(lambda v: v * (-1) ** (v % 2))))
def test_long_whole_numbers(fuzz_base, tally, value):
    check_integer(fuzz_base, tally, value)
