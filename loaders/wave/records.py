"""The typed, frozen records a validated package is made of.

A record's kind comes from the file it was read from (its `spec`), never from the cells it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from loaders.citations.model import ReadResult
from loaders.report import LoadWarning
from loaders.wave.manifest import Manifest
from loaders.wave.reader import origin_file
from loaders.wave.spec import NodeFile, RelFile


def row_source(file: str, row: int) -> str:
    """Provenance of a row: '<file> row <n>' (header = row 1, first data row = row 2)."""
    return f"{file} row {row}"


def row_sources(file: str, rows: Iterable[int]) -> list[str]:
    """row_source of each of `rows`, formatted by str's % in C (400,000 ties at national scale)."""
    return list(map((file.replace("%", "%%") + " row %d").__mod__, rows))


def _source(file: str, row: int, origin: str | None) -> str:
    # Converted rows keep the '<file> row <n>' prefix that identifies an entity's defining
    # relationships (remove.py, storecheck.py), and say which package file they came from.
    return row_source(file, row) + (f" (from {origin})" if origin else "")


class ColumnRow(Mapping[str, Any]):
    """One row of a file's typed columns, read where the columns hold it: the values of a node
    record made column by column (column_records.py). A dict per row took about 650 bytes for an
    evidence row; this takes about 80 and a pointer per column in the lists the batch's rows share.
    It equals the dict the row path makes for the row."""

    __slots__ = ("_at", "_columns")

    def __init__(self, columns: Mapping[str, list[Any]], at: int):
        self._columns, self._at = columns, at

    def __getitem__(self, key: str) -> Any:
        return self._columns[key][self._at]

    def get(self, key: str, default: Any = None) -> Any:
        column = self._columns.get(key)
        return default if column is None else column[self._at]

    def where(self) -> tuple[Mapping[str, list[Any]], int]:
        """The columns the row is read from and its place in them, for code that reads every
        value of many rows (node_rows.py): a lookup in them costs no method call."""
        return self._columns, self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # compared by value, like the dict it stands for

    def __repr__(self) -> str:
        return repr(dict(self.items()))


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A row of a node file: one entity, every column typed (None where the cell is empty).

    `origin` is the package file the row was converted from (see reader.CsvRow), or None.
    """

    spec: NodeFile
    row: int
    # read it through `values`; kept bare because a proxy per row adds up (a dict, or a ColumnRow)
    typed: Mapping[str, Any]
    origin: str | None = None

    @property
    def values(self) -> Mapping[str, Any]:
        """Every column's typed value, read-only."""
        return MappingProxyType(self.typed)

    @property
    def id(self) -> str:
        key: str = self.typed["id"]  # validated: every node row has an id (no cast: this runs per reference)
        return key

    @property
    def file(self) -> str:
        """The file as problems name it."""
        return origin_file(self.spec.file, self.origin)

    @property
    def source(self) -> str:
        return _source(self.spec.file, self.row, self.origin)


@dataclass(frozen=True, slots=True)
class RelRecord:
    """A row of a relationship file: (start)-[spec.rel {values}]->(end); end None means the loading wave."""

    spec: RelFile
    row: int
    start: str
    end: str | None
    typed: dict[str, Any]  # read it through `values`, as for NodeRecord
    origin: str | None = None

    @property
    def values(self) -> Mapping[str, Any]:
        """The row's typed values besides its ends, read-only."""
        return MappingProxyType(self.typed)

    @property
    def file(self) -> str:
        return origin_file(self.spec.file, self.origin)

    @property
    def source(self) -> str:
        return _source(self.spec.file, self.row, self.origin)


@dataclass(frozen=True)
class RefUse:
    """A reference to an entity the package does not define, to be found in the waves it requires."""

    file: str
    row: int | None
    column: str | None
    id: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceLists:
    """A package's reference lists, each parsed once: every list with the publication citing it."""

    lists: tuple[tuple[ReadResult, str], ...] = ()
    warnings: tuple[LoadWarning, ...] = ()  # entries that could not be read, or were read after a repair


@dataclass(frozen=True)
class Identity:
    """What says which package a load is: its wave, its study and the sha256 over its files."""

    wave_id: str
    study_id: str
    source_hash: str


@dataclass(frozen=True)
class ValidatedPackage:
    """A package that passed every check that needs no database; what load_package writes."""

    path: Path
    manifest: Manifest
    # in file order; read_and_validate's are node_rows.NodeRecords: whole when read, light when planned
    nodes: Sequence[NodeRecord]
    # in file order; a file read column by column is held as columns (loaders.wave.record_blocks)
    relationships: Sequence[RelRecord]
    labels: Mapping[str, str]  # id -> label of every entity the package defines
    external_refs: tuple[RefUse, ...]  # references into required waves, checked against a store
    citation_files: Mapping[str, bytes]  # reference lists named under `citations`, for the citations loader
    source_hash: str
    store_checked: bool = False  # True when the references and shared entities were checked in a store
    references: ReferenceLists = ReferenceLists()  # parsed by references.read_reference_lists
    warnings: tuple[LoadWarning, ...] = ()  # what the coded data's conversion and the reference lists left unsettled
    # rows converted from coded data that name a participant or site defined elsewhere (see validate._attaches)
    attached: tuple[NodeRecord, ...] = ()

    @property
    def wave_id(self) -> str:
        return cast(str, self.manifest.wave_id)  # validated: never None

    @property
    def study_id(self) -> str:
        return cast(str, self.manifest.study_id)  # validated: never None

    @property
    def identity(self) -> Identity:
        return Identity(self.wave_id, self.study_id, self.source_hash)

    def counts(self) -> dict[str, int]:
        """Rows per file, for reports."""
        out: dict[str, int] = {}
        # the nodes as validation kept them (node_rows.NodeRecords.light): rows are counted, not read again
        nodes: Sequence[NodeRecord] = getattr(self.nodes, "light", self.nodes)
        records: Iterable[NodeRecord | RelRecord] = chain(nodes, self.relationships)
        for record in records:
            out[record.file] = out.get(record.file, 0) + 1
        return out
