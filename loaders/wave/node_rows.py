"""A package's node records, the values only the write needs read again from the files at the write.

A national wave's node rows are mostly text no check looks at (an evidence row's quote, a
participant's name), which was held from validation to the write. A node file read column by
column (column_records.py) is therefore kept by validation with only what the checks, the store's
checks and the plan need of each row: its id, its references, its locator and the properties the
knowledge base indexes (`kept_columns`). The other columns are typed again when the rows are
written, by reading the file a second time, a megabyte of it at a time (`NodeRecords.complete`):
the same bytes typed by the same code give the same values. The bytes are held to the sha256 taken
of them as they were validated, so a file changed between the two readings is refused
(ChangedFile, a ValidationError naming the file) inside the load's atomic unit: nothing is
written. Neither reading holds the file whole: each hashes it as it reads it.

`NodeRecords` is what a validated package holds as its `nodes`: iterated or indexed it gives the
whole records, equal to the row path's; `light` gives the kept ones, for the steps that look at
every row but only at what was kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from kb.errors import KBError, Problem, ValidationError
from kb.schema import LABELS
from loaders.wave.column_records import NotPlain, typed_columns
from loaders.wave.columns import NotColumnar, stream_column_batches
from loaders.wave.reader import HashingStream
from loaders.wave.records import ColumnRow, NodeRecord
from loaders.wave.source import PackageFiles, open_package_files
from loaders.wave.spec import NodeFile

# Smaller than validation's batches: a batch's whole typed columns are held while its rows are written.
AGAIN_BATCH_BYTES = 1024 * 1024
INDEXED = {spec.name: spec.indexed for spec in LABELS}  # properties the knowledge base indexes, per label


def kept_columns(spec: NodeFile) -> frozenset[str]:
    """The columns validation keeps of a node file read by columns: what any step before the write
    reads of every row (ids, references, the locator, indexed values)."""
    refs = {column.name for column in spec.columns if column.type in ("ref", "refs")}
    return frozenset({"id", "locator", *refs, *INDEXED.get(spec.label, ())})


class ChangedFile(ValidationError):
    """A package file's bytes differ, when read for the write, from those validated."""


@dataclass(frozen=True)
class ReadAgain:
    """How to read a node file again: its package, its spec and its bytes' sha256 when validated."""

    path: Path
    spec: NodeFile
    digest: str


def _changed(name: str) -> ChangedFile:
    return ChangedFile(
        [Problem(name, "changed while the package was being loaded; nothing was written, load the package again")]
    )


def _digest(files: PackageFiles, name: str) -> str:
    """The sha256 of the file's bytes, read a megabyte at a time ('' for a file no longer there)."""
    if name not in files.names():
        return ""
    with files.open(name) as raw:
        stream = HashingStream(raw)
        return stream.drain()


def _rows_again(again: ReadAgain) -> Iterator[tuple[int, Mapping[str, list[Any]], int]]:
    """(row number, the batch's columns not kept, the row's place in them) of every data row of the
    file, from its bytes read again; ChangedFile if they differ from those validated. Only the
    columns validation did not keep are typed again: the same bytes were checked then.

    The file is never held whole: its bytes are hashed first, so a file changed since validation
    is refused before a row of it is given, then read a batch at a time and hashed again as they
    are, so that one changed in between is refused when it has been read (still inside the load's
    unit, before it is committed)."""
    spec = again.spec
    kept = kept_columns(spec)
    rest = tuple(column for column in spec.columns if column.name not in kept)
    with open_package_files(again.path) as files:
        if _digest(files, spec.file) != again.digest:
            raise _changed(spec.file)
        with files.open(spec.file) as raw:
            stream = HashingStream(raw)
            # The same bytes were read by columns before, so they are again; the caller's file_pool holds the columns.
            batches = stream_column_batches(spec, stream, AGAIN_BATCH_BYTES)
            if batches is None:
                raise _unreadable(spec.file)
            try:
                for columns in batches:
                    typed = typed_columns(columns, rest)
                    rows = columns.rows.tolist()
                    del columns  # the batch's Arrow columns, freed before its rows are written
                    for place, row in enumerate(rows):
                        yield row, typed, place
            except (NotPlain, NotColumnar):
                raise _unreadable(spec.file) from None
            if stream.drain() != again.digest:
                raise _changed(spec.file)


def _whole(record: NodeRecord, typed: Mapping[str, list[Any]], place: int, names: tuple[str, ...]) -> NodeRecord:
    """The record with every column's value (`names`, the file's columns in order): those kept, and
    those typed again (`typed` at `place`). This runs once per node row written: the kept values are
    read straight from the lists the record's ColumnRow reads, with no call per value."""
    light = record.typed
    if isinstance(light, ColumnRow):
        kept, at = light.where()
        values = {name: kept[name][at] if name in kept else typed[name][place] for name in names}
    else:
        values = {name: light[name] if name in light else typed[name][place] for name in names}
    return NodeRecord(record.spec, record.row, values, record.origin)


def _unreadable(name: str) -> KBError:
    # The bytes were checked equal to those read by columns before: typed the same way, they cannot fail.
    return KBError(f"{name} could not be read again as it was validated; nothing was written, load the package again")


class NodeRecords(Sequence[NodeRecord]):
    """A package's node records in order; those of the files in `again` kept light (see module doc)."""

    def __init__(self, light: Sequence[NodeRecord], again: Mapping[str, ReadAgain] | None = None):
        self._light = tuple(light)
        self._again = dict(again or {})

    @property
    def light(self) -> tuple[NodeRecord, ...]:
        """The records as validation kept them: a file read again keeps only `kept_columns`."""
        return self._light

    def light_record(self, record: NodeRecord) -> bool:
        """Whether `record` is kept light (its file is read again for the write)."""
        return record.origin is None and record.spec.file in self._again

    def complete(self, records: Iterable[NodeRecord]) -> Iterator[NodeRecord]:
        """The whole record of each of `records` (kept records of this package, in package order),
        reading each file kept light once more, a batch at a time, only when one of its records comes."""
        current: str | None = None
        names: tuple[str, ...] = ()
        again: Iterator[tuple[int, Mapping[str, list[Any]], int]] = iter(())
        for record in records:
            if not self.light_record(record):
                yield record
                continue
            if record.spec.file != current:
                current, again = record.spec.file, _rows_again(self._again[record.spec.file])
                names = tuple(column.name for column in record.spec.columns)
            for row, typed, place in again:
                if row == record.row:
                    yield _whole(record, typed, place, names)
                    break
            else:
                raise _unreadable(record.spec.file)

    def __len__(self) -> int:
        return len(self._light)

    @overload
    def __getitem__(self, index: int) -> NodeRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[NodeRecord]: ...

    def __getitem__(self, index: int | slice) -> NodeRecord | list[NodeRecord]:
        if isinstance(index, slice):
            return list(self.complete(self._light[index]))
        return next(self.complete((self._light[index],)))

    def __iter__(self) -> Iterator[NodeRecord]:
        return self.complete(self._light)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # compared by value, like the tuple it stands for

    def __repr__(self) -> str:
        return f"NodeRecords({len(self)} records, {len(self._again)} files read again)"
