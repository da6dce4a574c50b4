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

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kb import arrow_plain as plain
from loaders.wave.reader import UTF16_BOMS, file_columns, other_delimiter
from loaders.wave.spec import FileSpec

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


def _batches(spec: FileSpec, body: bytes, batch_bytes: int) -> Iterator[ColumnTable] | None:
    width = body.split(b"\n", 1)[0].count(b",") + 1  # at least as many columns as the header has
    read_options = pa_csv.ReadOptions(autogenerate_column_names=True, block_size=batch_bytes)
    try:
        reader = pa_csv.open_csv(pa.BufferReader(body), read_options=read_options, **_options(width))
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
                return
            except (pa.ArrowInvalid, UnicodeDecodeError):
                raise NotColumnar from None
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
    return _batches(spec, body, batch_bytes or BATCH_BYTES)


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
