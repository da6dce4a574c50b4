"""Write wave packages from Python: wave.yaml from a mapping, CSV files from typed rows.

For scripts that produce packages (a survey export turned into a wave, the tests' generated
packages). Cells are written with values.format_cell, so whatever is written here reads back as
the same values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kb.errors import UsageError
from loaders.wave.manifest import MANIFEST
from loaders.wave.package import SPECS
from loaders.wave.reader import file_columns
from loaders.wave.values import format_cell


def write_manifest(folder: str | Path, manifest: Mapping[str, Any]) -> Path:
    """Write `manifest` as the package's wave.yaml (the folder is created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST
    path.write_text(yaml.safe_dump(dict(manifest), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_table(folder: str | Path, file: str, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write one of the format's CSV files from rows of typed values keyed by column name.

    The header lists every column of the file; a column a row lacks is left empty.
    """
    if file not in SPECS:
        raise UsageError(f"'{file}' is not a file of the wave format; see docs/wave-format.md")
    columns = file_columns(SPECS[file])
    path = Path(folder) / file
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([column.name for column in columns])
        for row in rows:
            unknown = set(row) - {column.name for column in columns}
            if unknown:
                raise UsageError(f"{file}: unknown column(s) {', '.join(sorted(unknown))}")
            writer.writerow([format_cell(column, row.get(column.name)) for column in columns])
    return path
