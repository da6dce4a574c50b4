"""A wave package's CSV file read row by row and typed as the loader types its cells: what the
benchmark's bulk-loader files (bulk_csv.py) and their measures (bulk_measures.py) are made from."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.wave.reader import file_columns
from loaders.wave.spec import NodeFile, RelFile
from loaders.wave.values import parse_cell


def typed_rows(path: Path, spec: NodeFile | RelFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, the row's typed values) of each data row; the header is row 1."""
    columns = {column.name: column for column in file_columns(spec)}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, cells in enumerate(csv.DictReader(handle), start=2):
            yield number, {name: parse_cell(columns[name], text) for name, text in cells.items() if name in columns}
