"""A package file read column by column with pyarrow, when it is plainly well-formed.

The row reader (reader.py) checks and reports every problem of form, cell by cell, in Python;
for a national file that is most of a load's time. This reader parses a whole file at once,
every cell as text (nothing is coerced: types are checked later, column by column, in
column_records.py), and returns None as soon as anything is out of the ordinary: a byte that is
not UTF-8, a NUL, a header the row reader would report or that looks written with another
delimiter, a row with too few or too many cells, quoting the stdlib reader would refuse. The row
reader then reads the file and names each problem, so a message never depends on which reader ran.

Row numbers are the row reader's: the header is row 1 and each CSV record counts one, so a quoted
line break does not shift the rows after it, and a blank record is skipped but counted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kb import arrow_plain as plain
from loaders.wave.reader import UTF16_BOMS, file_columns, other_delimiter
from loaders.wave.spec import FileSpec

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

UTF8_BOM = b"\xef\xbb\xbf"
_QUOTE, _FIELD_ENDS = ord('"'), (ord(","), ord("\r"), ord("\n"))
_PARSE = pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
BATCH_BYTES = 4 * 1024 * 1024  # of the file per batch of rows: a few MB of columns at a time


@dataclass(frozen=True)
class ColumnTable:
    """A file's data rows as text columns: the known columns its header names, in header order,
    each cell exactly as written; `rows` holds each data row's number (blank records left out)."""

    spec: FileSpec
    names: tuple[str, ...]
    cells: dict[str, pa.Array]
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def simple_quoting(data: bytes) -> bool:
    """Whether every quote of the file opens a field or closes one, in turn: then pyarrow and the
    stdlib reader (strict) split it alike. Pairs of quotes (an escaped quote) are taken out first;
    the check is conservative: a quote inside an unquoted cell sends the file to the row reader,
    which reads it as text, and so does a closing quote followed by more of the cell, which the
    stdlib reader refuses and pyarrow would accept."""
    if b'"' not in data:
        return True
    bare = np.frombuffer(data.replace(b'""', b""), dtype=np.uint8)
    quotes = np.flatnonzero(bare == _QUOTE)
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = bare[np.maximum(opening - 1, 0)]
    after = bare[np.minimum(closing + 1, len(bare) - 1)]
    opens = (opening == 0) | np.isin(before, _FIELD_ENDS)
    closes = (closing == len(bare) - 1) | np.isin(after, _FIELD_ENDS)
    return bool(opens.all() and closes.all())


class QuoteScan:
    """simple_quoting of a file given a piece at a time, in memory of the order of a piece. A run of
    quotes is what `replace(b'""', b"")` leaves of it, one quote when its length is odd, between
    the same bytes; those quotes open and close fields in turn. A run at a piece's end may go on
    in the next, so it is held back, with the byte before it, until the next piece or the end."""

    def __init__(self) -> None:
        self._tail = b""  # what the next piece follows: the last byte seen and any run of quotes after it
        self._quotes = 0  # quotes left by the runs looked at so far
        self._ok = True

    def feed(self, piece: bytes | memoryview) -> None:
        if not len(piece):
            return
        data = self._tail + bytes(piece)
        body = data.rstrip(b'"')
        # the part looked at now ends with a byte that is not a quote; it starts with the one before
        # it (already looked at, not a quote), but at the file's start
        self._tail = data[len(body) - 1 :] if body else data
        self._look(body)

    def _look(self, part: bytes) -> None:
        data = np.frombuffer(part, dtype=np.uint8)
        quotes = np.flatnonzero(data == _QUOTE)
        if not len(quotes):
            return
        breaks = np.flatnonzero(np.diff(quotes) != 1)
        firsts = quotes[np.concatenate(([0], breaks + 1))]
        lasts = quotes[np.concatenate((breaks, [len(quotes) - 1]))]
        odd = (lasts - firsts) % 2 == 0  # a run of odd length leaves one quote
        firsts, lasts = firsts[odd], lasts[odd]
        # -1: the file's start (a quote at the part's start only there) or its end (a quote at the
        # part's end only in the last part: any other ends with a byte that is no quote)
        left = np.where(firsts > 0, data[np.maximum(firsts - 1, 0)].astype(np.int16), -1)
        right = np.where(lasts < len(data) - 1, data[np.minimum(lasts + 1, len(data) - 1)].astype(np.int16), -1)
        opening = (np.arange(len(firsts)) + self._quotes) % 2 == 0
        opens = (left[opening] == -1) | np.isin(left[opening], _FIELD_ENDS)
        closes = (right[~opening] == -1) | np.isin(right[~opening], _FIELD_ENDS)
        self._ok = self._ok and bool(opens.all() and closes.all())
        self._quotes += len(firsts)

    def simple(self) -> bool:
        """simple_quoting of every piece fed, as one file."""
        self._look(self._tail)
        self._tail = b""
        return self._ok and self._quotes % 2 == 0


class _Checked(io.RawIOBase):
    """A file's bytes, from `head` on (read already) and then its stream, checked as pyarrow reads
    them for what read_column_batches checks of a whole file first: a NUL, any visible text, the
    quoting (`plain` says, once all is read)."""

    def __init__(self, head: bytes, stream: io.RawIOBase | BinaryIO):
        super().__init__()
        self._head, self._stream = head, stream
        self.quotes = QuoteScan()
        self.nul = False
        self.text = False
        self._see(head)

    def _see(self, data: bytes) -> None:
        self.nul = self.nul or b"\x00" in data
        self.text = self.text or bool(data.strip())
        self.quotes.feed(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        if self._head:
            data, self._head = self._head[: len(view)], self._head[len(view) :]
        else:
            data = self._stream.read(len(view))
            self._see(data)
        view[: len(data)] = data
        return len(data)

    def plain(self) -> bool:
        return not self.nul and self.text and self.quotes.simple()


def _header_names(spec: FileSpec, header: list[str]) -> tuple[str, ...] | None:
    """The header's column names when the row reader would find nothing to say about them."""
    known = {column.name for column in file_columns(spec)}
    names = tuple(cell.strip() for cell in header)
    if any(name not in known for name in names) or len(set(names)) != len(names):
        return None
    if any(column.required and column.name not in names for column in file_columns(spec)):
        return None
    if other_delimiter(spec, header) is not None:
        return None
    return names


def _blank(cells: list[pa.Array]) -> np.ndarray:
    """Which rows have nothing but whitespace in every cell (the row reader skips them, by
    str.strip): rows with no visible ASCII character anywhere are few, and checked in Python."""
    maybe = np.ones(len(cells[0]), dtype=bool)
    for array in cells:
        maybe &= plain.bools(pc.match_substring_regex(array, "^[^\\x21-\\x7e]*$"))
    blank = np.zeros(len(maybe), dtype=bool)
    for i in np.flatnonzero(maybe):
        blank[i] = not any(array[i].as_py().strip() for array in cells)
    return blank


class NotColumnar(Exception):
    """A later part of a file read in batches turned out not to be plainly well-formed: the row
    reader must read the whole file (the records made from earlier batches are dropped)."""


def _options(width: int) -> dict[str, object]:
    return {
        "parse_options": _PARSE,
        "convert_options": pa_csv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(width)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }


def _kept(spec: FileSpec, cells: list[pa.Array], names: tuple[str, ...], first_row: int) -> ColumnTable:
    """A batch's data rows, numbered from `first_row`, blank records left out."""
    numbers = np.arange(first_row, first_row + len(cells[0]) if cells else first_row, dtype=np.int64)
    if len(numbers):
        keep = ~_blank(cells)
        if not keep.all():
            mask = plain.flags(keep)
            cells = [pc.filter(array, mask) for array in cells]
            numbers = numbers[keep]
    return ColumnTable(spec, names, dict(zip(names, cells, strict=True)), numbers)


def _batches(
    spec: FileSpec, body: bytes | _Checked, first_line: bytes, batch_bytes: int
) -> Iterator[ColumnTable] | None:
    width = first_line.split(b"\n", 1)[0].count(b",") + 1  # at least as many columns as the header has
    read_options = pa_csv.ReadOptions(autogenerate_column_names=True, block_size=batch_bytes)
    source = pa.BufferReader(body) if isinstance(body, bytes) else body
    try:
        reader = pa_csv.open_csv(source, read_options=read_options, **_options(width))
        first = reader.read_next_batch()
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        return None  # a row with another number of cells, text that is not UTF-8: the row reader says where
    if any(field.type != pa.string() for field in first.schema) or first.num_rows == 0:
        return None
    header = [first.column(i)[0].as_py() for i in range(first.num_columns)]
    names = _header_names(spec, header)
    if names is None:
        return None

    def batches() -> Iterator[ColumnTable]:
        yield _kept(spec, [first.column(i).slice(1) for i in range(first.num_columns)], names, 2)
        row = first.num_rows  # the last row number so far: the header is row 1, each record counts one
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                if isinstance(body, _Checked) and not body.plain():
                    raise NotColumnar from None
                return
            except (pa.ArrowInvalid, UnicodeDecodeError):
                raise NotColumnar from None
            if isinstance(body, _Checked) and body.nul:
                raise NotColumnar
            yield _kept(spec, [batch.column(i) for i in range(batch.num_columns)], names, row + 1)
            row += batch.num_rows

    return batches()


def read_column_batches(spec: FileSpec, data: bytes, batch_bytes: int | None = None) -> Iterator[ColumnTable] | None:
    """The file `data` (its bytes) as text columns, a batch of rows (about `batch_bytes` of the
    file) at a time, so a national file is never held whole as columns; None when the row reader
    must read it. A batch found malformed raises NotColumnar: then the row reader must, too."""
    if data[:2] in UTF16_BOMS or b"\x00" in data:
        return None
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    if not body.strip() or not simple_quoting(body):
        return None
    return _batches(spec, body, body, batch_bytes or BATCH_BYTES)


def stream_column_batches(
    spec: FileSpec, stream: io.RawIOBase | BinaryIO, batch_bytes: int | None = None
) -> Iterator[ColumnTable] | None:
    """read_column_batches of the file `stream` reads, never held whole: what is checked of the whole
    file first there is checked here as it is read, and a file that fails it raises NotColumnar
    once it is all read (the records made are dropped, as for a malformed batch); None when the
    first bytes already say the row reader must read it."""
    head = stream.read(64 * 1024)
    while b"\n" not in head:  # the header line, for the number of columns
        more = stream.read(64 * 1024)
        if not more:
            break
        head += more
    if head[:2] in UTF16_BOMS or b"\x00" in head:
        return None
    body = _Checked(head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head, stream)
    return _batches(spec, body, head, batch_bytes or BATCH_BYTES)


def read_columns(spec: FileSpec, data: bytes) -> ColumnTable | None:
    """The file `data` (its bytes) as text columns, whole, or None: then the row reader must read it."""
    batches = read_column_batches(spec, data)
    if batches is None:
        return None
    try:
        parts = list(batches)
    except NotColumnar:
        return None
    names = parts[0].names
    cells = {name: pa.concat_arrays([part.cells[name] for part in parts]) for name in names}
    return ColumnTable(spec, names, cells, np.concatenate([part.rows for part in parts]))
