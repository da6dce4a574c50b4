"""A later wave of the synthetic England, written from the first for tests of two waves of one study."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path


def second_wave(source: Path, target: Path, keep_tie: Callable[[int], int], wave: str = "syn-england-2") -> Path:
    """A later wave of the same study: the same entities (so shared), fewer ties and evidence."""
    shutil.copytree(source, target)
    manifest = target / "wave.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: syn-england-1", f"id: {wave}")
    manifest.write_text(text.replace("phase: 1", "phase: 3"), encoding="utf-8")
    for name, keep in (("advice_ties.csv", keep_tie), ("evidence.csv", lambda n: n % 5)):
        path = target / name
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([rows[0], *(row for n, row in enumerate(rows[1:]) if keep(n))])
    return target
