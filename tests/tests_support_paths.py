"""Paths shared by tests: the repository, its demo packages and (when present) the seed documents."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "studies"
SEEDS = REPO.parent / "shared" / "seeds"
