"""Read a package's CSV files into frozen rows, streaming, with the stdlib csv module.

Row numbers: the header is row 1 and the first data row is row 2, as a spreadsheet shows them.
They count CSV records, not text lines, so a quoted cell with a line break inside it does not
shift the rows after it. Every row is tied to the spec of its file (`CsvRow.spec`): what a row
becomes is decided by the file it is in, never guessed from the cells it has.

The reader checks form, not content: encoding, header, known columns and cell counts. Values are
checked by validate.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, BinaryIO

from kb.errors import Problem, shorten
from loaders.wave.spec import Column, FileSpec, NodeFile

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

ESCAPED = range(0xDC80, 0xDD00)  # where errors="surrogateescape" puts bytes that are not UTF-8
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Cells kept once however many rows repeat them: ids, references, choices, and locators (every row
# of a table or a respondent's ties points at the same place in the source).
REPEATING_TYPES = ("id", "ref", "enum", "bool")
_ESCAPED_CHAR = re.compile(f"[{chr(ESCAPED.start)}-{chr(ESCAPED.stop - 1)}]")


_COLUMNS: dict[int, tuple[FileSpec, tuple[Column, ...]]] = {}  # id(spec) -> (spec, columns); specs are constants


def file_columns(spec: FileSpec) -> tuple[Column, ...]:
    """The CSV columns of a file, in documentation order (an OBSERVED_IN row's wave is implicit)."""
    cached = _COLUMNS.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    if isinstance(spec, NodeFile):
        columns = spec.columns
    else:
        columns = tuple(c for c in (spec.start, spec.end) if c.type != "wave") + spec.columns
    _COLUMNS[id(spec)] = (spec, columns)
    return columns


def origin_file(file: str, origin: str | None) -> str:
    """How problems name a file: `evidence.csv`, or `evidence.csv (from coding/interviews.qdpx)` for
    rows converted from another file of the package."""
    return f"{file} (from {origin})" if origin else file


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of a package file as text: known columns only, by name.

    `origin` names the package file the row was converted from (a .qdpx, coded_segments.csv), or
    is None for a row the package's own CSV file holds.
    """

    spec: FileSpec
    row: int
    cells: Mapping[str, str]
    origin: str | None = None

    @property
    def file(self) -> str:
        return origin_file(self.spec.file, self.origin)


@dataclass(frozen=True)
class CsvTable:
    """A package file: the known columns its header has and its data rows."""

    spec: FileSpec
    columns: tuple[str, ...]
    rows: Iterable[CsvRow]  # a tuple, or an iterator read as it is consumed (read_csv's `lazy`)
    # the problem that kept the whole file from being read (its encoding, its delimiter), so that
    # references to the ids it would define are not reported one by one (see causes.py)
    cause: Problem | None = None
    # the file to read again from its start, given by a lazy read whose header had nothing to report:
    # a validator may read it column by column (columns.py) and leave `rows` unread, to be read if
    # the columns will not do
    source: FileSource | None = None


def table_from_rows(spec: FileSpec, rows: list[Mapping[str, str]], origin: str, problems: list[Problem]) -> CsvTable:
    """A table of rows converted from the package file `origin`, numbered as the converted CSV file
    would number them (first row 2); cells are checked as read_csv checks them."""
    known = [column.name for column in file_columns(spec)]
    out = []
    for number, cells in enumerate(rows, start=2):
        values = {}
        for name in known:
            text = cells.get(name, "")
            issue = _cell_problem(text)
            if issue:
                problems.append(Problem(origin_file(spec.file, origin), f"the cell {issue}", row=number, column=name))
                text = _clean(text)
            values[name] = text
        out.append(CsvRow(spec, number, MappingProxyType(values), origin))
    return CsvTable(spec, tuple(known), tuple(out))


class HashingStream(io.RawIOBase):
    """A byte stream that hashes what passes through it (the package's source hash)."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        data = self.raw.read(len(view))
        view[: len(data)] = data
        self.sha.update(data)
        return len(data)

    def drain(self) -> str:
        """Read what is left and return the hex digest of the whole stream."""
        for chunk in iter(lambda: self.raw.read(1 << 20), b""):
            self.sha.update(chunk)
        return self.sha.hexdigest()


class FileSource:
    """A package file that can be read again from its start while the package's files are open,
    hashed as it is read. `digest` is the sha256 of the bytes a reader that used them read whole
    (set by it), so that the package's hash is of the bytes validated."""

    def __init__(self, opener: Callable[[], BinaryIO]):
        self._opener = opener
        self.digest: str | None = None

    @contextmanager
    def stream(self) -> Iterator[HashingStream]:
        """The file's bytes from its start, hashed as they are read."""
        raw = self._opener()
        try:
            yield HashingStream(raw)
        finally:
            raw.close()


def _bad_bytes(text: str) -> str | None:
    """The first byte that was not UTF-8, as 0xNN, or None."""
    found = _ESCAPED_CHAR.search(text)
    return f"0x{ord(found.group()) - 0xDC00:02X}" if found else None


def _cell_problem(text: str) -> str | None:
    if text.isascii():  # most cells: no undecodable byte can hide in them
        return "contains a NUL character; remove it" if "\x00" in text else None
    bad = _bad_bytes(text)
    if bad:
        return f"is not valid UTF-8 (byte {bad}); save the file as UTF-8"
    if "\x00" in text:
        return "contains a NUL character; remove it"
    return None


def _header(spec: FileSpec, number: int, cells: list[str], problems: list[Problem]) -> list[str | None]:
    """Each header cell's known column name (None for a cell to ignore), recording header problems."""
    known = {column.name for column in file_columns(spec)}
    allowed = ", ".join(column.name for column in file_columns(spec))
    names: list[str | None] = []
    for position, raw in enumerate(cells, start=1):
        name = raw.strip()
        issue = _cell_problem(name)
        if issue:
            problems.append(Problem(spec.file, f"header cell {position} {issue}", row=number))
            name = ""
        if not name:
            if not issue:
                problems.append(
                    Problem(spec.file, f"header cell {position} is empty; name the column or delete it", row=number)
                )
        elif name not in known:
            problems.append(
                Problem(spec.file, f"unknown column; allowed columns are {allowed}", row=number, column=shorten(name))
            )
            name = ""
        elif name in names:
            problems.append(
                Problem(spec.file, "the column appears twice in the header; keep one", row=number, column=name)
            )
            name = ""
        names.append(name or None)
    for column in file_columns(spec):
        if column.required and column.name not in names:
            problems.append(
                Problem(spec.file, f"required column '{column.name}' is missing; add it to the header", row=number)
            )
    return names


def other_delimiter(spec: FileSpec, header: list[str]) -> str | None:
    """The delimiter the header row was written with, when it is not a comma: the one of ';', tab
    and '|' that splits it into the most column names of the file, if that is more than a comma
    gives and at least two (a one-column header is not evidence)."""
    known = {column.name for column in file_columns(spec)}
    line = ",".join(header)
    with_commas = sum(cell.strip() in known for cell in header)
    counts = {d: sum(cell.strip().strip('"') in known for cell in line.split(d)) for d in (";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] >= 2 and counts[best] > with_commas else None


def _clean(text: str) -> str:
    """The cell with undecodable bytes shown as U+FFFD and NULs dropped (already reported), so the
    rest of the row can still be checked without follow-on problems."""
    return "".join("\ufffd" if ord(char) in ESCAPED else char for char in text if char != "\x00")


def _row(
    spec: FileSpec,
    number: int,
    names: list[str | None],
    cells: list[str],
    repeating: frozenset[str],
    problems: list[Problem],
) -> CsvRow:
    if len(cells) != len(names):
        hint = (
            "quote cells that contain commas"
            if len(cells) > len(names)
            else "every row needs one cell per column (empty cells are fine)"
        )
        problems.append(
            Problem(spec.file, f"the row has {len(cells)} cells but the header has {len(names)}; {hint}", row=number)
        )
        cells = (cells + [""] * len(names))[: len(names)]  # still check the cells that line up
    values: dict[str, str] = {}
    for name, text in zip(names, cells, strict=True):
        if name is None:
            continue
        issue = _cell_problem(text)
        if issue:
            problems.append(Problem(spec.file, f"the cell {issue}", row=number, column=name))
            text = _clean(text)
        # Ids, references and choices repeat across rows (every tie names two people): one copy each.
        values[name] = sys.intern(text) if name in repeating else text
    return CsvRow(spec, number, MappingProxyType(values))


def _records(stream: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return csv.reader(text, strict=True)


def _numbered(records: Iterator[list[str]], spec: FileSpec, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every record that is not blank; unreadable records become problems."""
    number = 0
    while True:
        try:
            cells = next(records)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader resumes at the next line
            number += 1
            problems.append(
                Problem(spec.file, f"cannot be read as CSV here ({exc}); check the quoting of this row", row=number)
            )
            continue
        number += 1
        if any(cell.strip() for cell in cells):
            yield number, cells


def read_csv(
    spec: FileSpec,
    stream: io.RawIOBase | io.BufferedIOBase,
    problems: list[Problem],
    lazy: bool = False,
    again: Callable[[], BinaryIO] | None = None,
) -> CsvTable:
    """The rows of one package file; problems are appended to `problems`, never raised.

    With `lazy` the table's rows are an iterator read from `stream` as it is consumed (so a
    national file is never held, as text rows or as bytes), and, when its header had nothing to
    report, the table's `source` reads the file again from its start with `again`.
    """
    before = len(problems)
    table = _read_rows(spec, stream, problems, lazy)
    if not lazy or again is None or len(problems) > before or table.cause is not None:
        return table
    return CsvTable(table.spec, table.columns, table.rows, source=FileSource(again))


def _read_rows(
    spec: FileSpec, stream: io.RawIOBase | io.BufferedIOBase, problems: list[Problem], lazy: bool
) -> CsvTable:
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
    if buffered.peek(2)[:2] in UTF16_BOMS:
        cause = Problem(spec.file, "is saved as UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)")
        problems.append(cause)
        return CsvTable(spec, (), (), cause)
    numbered = _numbered(_records(buffered), spec, problems)
    first = next(numbered, None)
    if first is None:
        columns = ", ".join(column.name for column in file_columns(spec))
        problems.append(
            Problem(spec.file, f"the file is empty; give it a header row ({columns}) or leave the file out")
        )
        return CsvTable(spec, (), ())
    delimiter = other_delimiter(spec, first[1])
    if delimiter:
        shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
        cause = Problem(
            spec.file,
            f"this file looks {shown}-separated; the wave format uses commas, so save it as comma-separated "
            "CSV (CSV UTF-8 in spreadsheet programs)",
            row=first[0],
        )
        problems.append(cause)
        return CsvTable(spec, (), (), cause)
    names = _header(spec, first[0], first[1], problems)
    repeating = frozenset(c.name for c in file_columns(spec) if c.type in REPEATING_TYPES or c.name == "locator")
    rows = (_row(spec, number, names, cells, repeating, problems) for number, cells in numbered)
    return CsvTable(spec, tuple(name for name in names if name), rows if lazy else tuple(rows))
