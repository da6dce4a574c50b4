"""A package's node records, the values only the write needs read again from the files at the write.

A national wave's node rows are mostly text no check looks at (an evidence row's quote, a
participant's name), and held from validation to the write they were about 110 MB at scale 1.
A node file read column by column (column_records.py) is therefore kept by validation with only
what the checks, the store's checks and the plan need of each row: its id, its references, its
locator and the properties the knowledge base indexes (`kept_columns`). Every other value is
typed again when the package is written, by reading the file a second time, a batch of rows at a
time (`NodeRecords.complete`): the same bytes typed the same way make the same records, and the
bytes are held to the sha256 taken of them when they were validated, so a file changed between
the two readings is refused (ChangedFile, a ValidationError) before a row of it is sent, inside
the load's atomic unit: nothing is written.

`NodeRecords` is what a validated package holds as its `nodes`: iterated or indexed it gives the
whole records, equal to the row path's; `light` gives the kept ones, for the steps that look at
every row but only at what was kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from kb.errors import KBError, Problem, ValidationError
from kb.schema import LABELS
from loaders.wave.column_records import NotPlain, node_records
from loaders.wave.columns import NotColumnar, read_column_batches
from loaders.wave.records import NodeRecord
from loaders.wave.source import open_package_files
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
    """How to read a node file again: its package, its spec, its bytes' sha256 when validated, and the
    study id its ids were checked against."""

    path: Path
    spec: NodeFile
    digest: str
    study_id: str | None


def _records_again(again: ReadAgain) -> Iterator[NodeRecord]:
    """The file's whole records, in file order, from its bytes read again; ChangedFile if they differ."""
    name = again.spec.file
    with open_package_files(again.path) as files:
        data = files.read(name) if name in files.names() else b""
    if hashlib.sha256(data).hexdigest() != again.digest:
        raise ChangedFile(
            [Problem(name, "changed while the package was being loaded; nothing was written, load the package again")]
        )
    # The same bytes were read by columns before, so they are again; the caller's file_pool holds the columns.
    batches = read_column_batches(again.spec, data, AGAIN_BATCH_BYTES)
    if batches is None:
        raise _unreadable(name)
    try:
        for columns in batches:
            records = node_records(columns, again.spec, again.study_id)
            del columns  # the batch's Arrow columns, freed before the next is read
            yield from records
    except (NotPlain, NotColumnar):
        raise _unreadable(name) from None


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
        again: Iterator[NodeRecord] = iter(())
        for record in records:
            if not self.light_record(record):
                yield record
                continue
            if record.spec.file != current:
                current, again = record.spec.file, _records_again(self._again[record.spec.file])
            for whole in again:
                if whole.row == record.row:
                    yield whole
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
