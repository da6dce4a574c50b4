"""Helpers for tests of refused wave packages: the problems reported, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave.api import load_package, validate_package


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_package(path)
    return [str(problem) for problem in caught.value.problems]


def load_refused(store, path: Path) -> list[str]:
    """The problems a load reports; the knowledge base must still be empty afterwards."""
    with pytest.raises(ValidationError) as caught:
        load_package(store, path)
    assert store.read("MATCH (n) RETURN count(n) AS n").single_value() == 0
    return [str(problem) for problem in caught.value.problems]
