"""Write a wave package's CSV files one row at a time, with headers taken from loaders/wave/spec.py.

A sink never holds rows: each `write` formats the cells with the wave format's own `format_cell`
and hands them to a csv writer. It counts what it wrote, and the graph elements those rows will
become (one node per node-file row, one relationship per filled link reference or relationship-file
row), so the benchmark can check the loader's counts against the generator's.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from loaders.wave.reader import file_columns
from loaders.wave.spec import NODE_FILES, REL_FILES, NodeFile, RelFile
from loaders.wave.values import format_cell

_ALL_SPECS: tuple[NodeFile | RelFile, ...] = (*NODE_FILES, *REL_FILES)
SPECS: dict[str, NodeFile | RelFile] = {spec.file: spec for spec in _ALL_SPECS}


class CsvSink:
    """One package file, open for writing rows given as keyword arguments named after its columns."""

    def __init__(self, folder: Path, file: str):
        self.spec = SPECS[file]
        self.columns = file_columns(self.spec)
        self._names = frozenset(column.name for column in self.columns)
        self._links = _link_columns(self.spec)
        self._handle = open(folder / file, "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow([column.name for column in self.columns])
        self.rows = 0
        self.nodes = 0
        self.relationships = 0

    def write(self, **values: Any) -> None:
        unknown = values.keys() - self._names
        if unknown:
            raise KeyError(f"{self.spec.file} has no column(s) {', '.join(sorted(unknown))}")
        self._writer.writerow([format_cell(column, values.get(column.name)) for column in self.columns])
        self.rows += 1
        if isinstance(self.spec, RelFile):
            self.relationships += 1
            return
        self.nodes += 1
        self.relationships += 1 if self.spec.study_rel else 0
        for name in self._links:
            value = values.get(name)
            self.relationships += len(value) if isinstance(value, (list, tuple)) else int(value is not None)

    def close(self) -> None:
        self._handle.close()


def _link_columns(spec: NodeFile | RelFile) -> tuple[str, ...]:
    return tuple(link.column for link in spec.links) if isinstance(spec, NodeFile) else ()


class PackageWriter:
    """A package folder: wave.yaml, README.md and the CSV files opened as they are first asked for."""

    def __init__(self, folder: Path, manifest: dict[str, Any], readme: str):
        self.folder = folder
        self.manifest = manifest
        self.readme = readme
        self._sinks: dict[str, CsvSink] = {}
        self.extra_files: list[str] = []

    def __enter__(self) -> PackageWriter:
        self.folder.mkdir(parents=True, exist_ok=False)
        return self

    def sink(self, file: str) -> CsvSink:
        if file not in self._sinks:
            self._sinks[file] = CsvSink(self.folder, file)
        return self._sinks[file]

    def __exit__(self, *exc: object) -> None:
        for sink in self._sinks.values():
            sink.close()
        if exc[0] is not None:
            return
        text = yaml.safe_dump(self.manifest, sort_keys=False, allow_unicode=True, width=1000)
        (self.folder / "wave.yaml").write_text(text, encoding="utf-8")
        (self.folder / "README.md").write_text(self.readme, encoding="utf-8")

    def summary(self) -> dict[str, Any]:
        """Rows per file and the nodes and relationships the files define."""
        return {
            "wave": self.manifest["wave"]["id"],
            "folder": self.folder.name,
            "rows": {name: sink.rows for name, sink in sorted(self._sinks.items())},
            "nodes": sum(sink.nodes for sink in self._sinks.values()),
            "relationships": sum(sink.relationships for sink in self._sinks.values()),
            "extra_files": len(self.extra_files),
        }
