"""Records made from a file's text columns (columns.py), each column typed at once with pyarrow.

The same records, in the same order, as validate.py makes row by row with values.parse_cell, for
a file in which every cell is right. Each type is checked over the whole column against a pattern
no stricter and no looser than parse_cell's, for the values the pattern covers; a column holding
anything else (a cell in error, or a value only parse_cell's rules decide, such as a number in
non-ASCII digits) raises NotPlain, and the caller reads the file row by row instead, so that every
problem is named by the row path, with its row and column, exactly as ever.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kb import arrow_plain as plain
from loaders.wave.columns import ColumnTable
from loaders.wave.reader import REPEATING_TYPES, file_columns
from loaders.wave.record_blocks import Coded, RelBlock, row_numbers
from loaders.wave.records import ColumnRow, NodeRecord
from loaders.wave.spec import MAX_ID_LENGTH, Column, NodeFile, RelFile
from loaders.wave.values import FALSE_WORDS, LIST_SEPARATOR, TRUE_WORDS, is_iso_date

# Python's str.strip and the \s of values.ID_PATTERN, spelled out for pyarrow's RE2, whose \s is narrower.
_ASCII_SPACE = r"\t\n\x0b\x0c\r \x1c-\x1f"
_ID = f"^[^{_ASCII_SPACE}:;]+:[^{_ASCII_SPACE}:;]+:[^{_ASCII_SPACE};]+$"
_INT = r"^[+-]?[0-9]+$"
_FLOAT = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_INT_DIGITS = 18  # fewer digits than 2**63 has: always in range; longer numbers go to the row path
# Scalars made once, without pyarrow importing pandas (kb/arrow_plain.py)
_ZERO, _MAX_ID = plain.integer(0), plain.integer(MAX_ID_LENGTH)


class NotPlain(Exception):
    """A column holds a value the row path must judge (usually a cell in error)."""


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(mask, skip_nulls=True).as_py() is not False)


def _require(mask: pa.Array) -> None:
    if not _all(mask):
        raise NotPlain


def _strip(array: pa.Array) -> pa.Array:
    """Every cell as str.strip leaves it: pyarrow trims ASCII alone the same way."""
    if _all(pc.string_is_ascii(array)) and _all_false(pc.match_substring_regex(array, "[\\x1c-\\x1f]")):
        return pc.ascii_trim_whitespace(array)
    return plain.texts([None if text is None else text.strip() for text in array.to_pylist()])


def _all_false(mask: pa.Array) -> bool:
    return not bool(pc.any(mask, skip_nulls=True).as_py())


def _nulled(text: pa.Array) -> pa.Array:
    """Empty cells as null: unknown."""
    return pc.if_else(pc.equal(pc.utf8_length(text), _ZERO), plain.NULL_TEXT, text)


def _matches(text: pa.Array, pattern: str) -> None:
    _require(pc.match_substring_regex(text, pattern))


def _ids(text: pa.Array) -> None:
    """values._parse_id over a column of non-empty cells (nulls skipped)."""
    _require(pc.less_equal(pc.utf8_length(text), _MAX_ID))
    if not _all(pc.string_is_ascii(text)):
        raise NotPlain  # \s of a non-ASCII id is Unicode's; the row path decides
    _matches(text, _ID)


def _member(text: pa.Array, words: tuple[str, ...]) -> pa.Array:
    """Whether each cell is one of `words`; null where the cell is empty (pyarrow's is_in says False)."""
    found = pc.is_in(text, plain.texts(words))
    return pc.if_else(text.is_valid(), found, plain.NULL_BOOL)


def _choices(text: pa.Array, column: Column) -> None:
    _require(_member(text, column.choices))


def _list(text: pa.Array, column: Column) -> list[Any]:
    """A list or refs column: each cell's items, stripped, empties dropped, as a tuple (None when none)."""
    items = pc.split_pattern(text, LIST_SEPARATOR)
    flat = _nulled(_strip(items.values))  # every item, in the order of `items.offsets`
    if column.type == "refs":
        _ids(flat)
    elif column.choices:
        _choices(flat, column)
    offsets = plain.ints(items.offsets)
    # references and choices repeat (an evidence row's themes): one string per distinct value
    values = _pylist(flat, column.type == "refs" or bool(column.choices))
    present = plain.bools(text.is_valid())
    out: list[Any] = []
    for i, start in enumerate(offsets[:-1]):
        kept = tuple(v for v in values[start : offsets[i + 1]] if v is not None) if present[i] else ()
        out.append(kept or None)
    return out


def _pylist(text: pa.Array, repeating: bool, coded: bool = False) -> Any:
    """The column's values as Python objects; a repeating column's text (ids, choices, locators)
    as one interned string per distinct value, as the row reader keeps it; with `coded`, a
    repeating column as a Coded column of them (record_blocks.py)."""
    if not repeating:
        return text.to_pylist()
    encoded = pc.dictionary_encode(text)
    words = [sys.intern(word) for word in encoded.dictionary.to_pylist()]
    indexes = plain.ints(pc.fill_null(encoded.indices, plain.integer(len(words), encoded.indices.type)))
    if coded:
        return Coded([*words, None], array("i", indexes.astype(np.int32).tobytes()))
    return np.array([*words, None], dtype=object)[indexes].tolist()


def _numbers(text: pa.Array, column: Column, wanted: bool = True) -> list[Any] | None:
    """The column's numbers; None, once checked, when they are not `wanted` (see checked_column)."""
    if column.type == "int":
        _matches(text, _INT)
        _require(pc.less_equal(pc.utf8_length(pc.utf8_ltrim(text, "+-0")), plain.integer(_INT_DIGITS)))
        if not wanted:
            return None
        return pc.cast(pc.utf8_ltrim(text, "+"), pa.int64()).to_pylist()  # type: ignore[no-any-return]
    _matches(text, _FLOAT)
    values = pc.cast(text, pa.float64())
    _require(pc.is_finite(values))
    if column.positive:
        _require(pc.greater(values, _ZERO))
    return values.to_pylist() if wanted else None


def _words(text: pa.Array, column: Column, coded: bool = False, wanted: bool = True) -> Any:
    """The column's values; None, once checked, when they are not `wanted` (see checked_column)."""
    if column.type == "bool":
        _require(pc.string_is_ascii(text))
        lower = pc.ascii_lower(text)
        _require(_member(lower, TRUE_WORDS + FALSE_WORDS))
        return _member(lower, TRUE_WORDS).to_pylist() if wanted else None
    if column.type == "date":
        _matches(text, _DATE)
        if not all(is_iso_date(day) for day in pc.unique(text).drop_null().to_pylist()):
            raise NotPlain
    elif column.type == "enum":
        _choices(text, column)
    elif column.type in ("id", "ref"):
        _ids(text)
    elif column.type == "str":
        _require(pc.invert(pc.match_substring_regex(text, "[\\r\\n]")))
    if not wanted:
        return None
    return _pylist(text, column.type in REPEATING_TYPES or column.name == "locator", coded)


def typed_column(raw: pa.Array, column: Column, coded: bool = False) -> Any:
    """values.parse_cell of every cell of the column, or NotPlain; with `coded`, a column of
    repeating text (ids, choices, locators) as a Coded column (record_blocks.py)."""
    stripped = _nulled(_strip(raw))
    if column.verbatim:  # kept as written when it holds anything
        return pc.if_else(stripped.is_valid(), raw, plain.NULL_TEXT).to_pylist()
    if column.type in ("list", "refs"):
        return _list(stripped, column)
    if column.type in ("int", "float"):
        return _numbers(stripped, column)
    if column.type in ("str", "text", "bool", "date", "enum", "id", "ref"):
        return _words(stripped, column, coded)
    raise NotPlain


def checked_column(raw: pa.Array, column: Column) -> bool:
    """typed_column's checks of the column, or NotPlain, without making its values as Python
    objects: whether a value is unknown (None). A node file's columns that validation does not keep
    (node_rows.py) are only checked, so a quote or a name is not made a string to be dropped. A
    value of these types is None exactly where the stripped cell is empty; a list or a verbatim
    column (a list with only empty items is None) is typed in full."""
    if column.verbatim or column.type in ("list", "refs"):
        return any(value is None for value in typed_column(raw, column))
    stripped = _nulled(_strip(raw))
    if column.type in ("int", "float"):
        _numbers(stripped, column, wanted=False)
    elif column.type in ("str", "text", "bool", "date", "enum", "id", "ref"):
        _words(stripped, column, wanted=False)
    else:
        raise NotPlain
    return bool(stripped.null_count > 0)


def _typed(
    table: ColumnTable, columns: tuple[Column, ...], coded: bool = False, keep: frozenset[str] | None = None
) -> dict[str, Any]:
    """Each column's typed values, of those in `keep` when given (the others are only checked); a
    column the header lacks is unknown in every row."""
    out: dict[str, list[Any]] = {}
    for column in columns:
        if keep is not None and column.name not in keep:
            if column.name in table.cells and checked_column(table.cells[column.name], column) and column.required:
                raise NotPlain  # "a value is required", said by the row path
            continue
        if column.name not in table.cells:
            out[column.name] = [None] * len(table)
            continue
        values = typed_column(table.cells[column.name], column, coded)
        if column.required and (
            values.has_none() if isinstance(values, Coded) else any(value is None for value in values)
        ):
            raise NotPlain  # "a value is required", said by the row path
        out[column.name] = values
    return out


def typed_columns(table: ColumnTable, columns: tuple[Column, ...]) -> dict[str, list[Any]]:
    """Each of `columns` typed, or NotPlain (a column the header lacks: unknown in every row)."""
    return _typed(table, columns)


def node_records(
    table: ColumnTable, spec: NodeFile, study_id: str | None, keep: frozenset[str] | None = None
) -> list[NodeRecord]:
    """validate._node of every row, or NotPlain; with `keep`, every column is checked but only those
    named are kept in the records (node_rows.py reads the others again for the write)."""
    typed = _typed(table, spec.columns, keep=None if keep is None else keep | {"id"})
    ids = typed["id"]
    if study_id and not all(i is None or i.startswith(study_id + ":") for i in ids):
        raise NotPlain
    return [
        NodeRecord(spec, row, ColumnRow(typed, i))
        for i, (row, key) in enumerate(zip(table.rows.tolist(), ids, strict=True))
        if key is not None
    ]


def rel_records(table: ColumnTable, spec: RelFile) -> RelBlock:
    """validate._rel of every row, or NotPlain: the records as one block of columns (record_blocks.py)."""
    # A national wave's ties: their ends, relations and locators repeat, kept as 4-byte codes
    typed = _typed(table, file_columns(spec), coded=True)
    starts = typed.pop(spec.start.name)
    ends = typed.pop(spec.end.name) if spec.end.type != "wave" else [None] * len(table)
    if spec.distinct_ends and any(s == e and s is not None for s, e in zip(starts, ends, strict=True)):
        raise NotPlain
    for column in file_columns(spec):
        values = typed.get(column.name)
        if column.type == "float" and values is not None and None not in values:
            # 8 bytes a value rather than a float object and its pointer: a national wave's tie weights
            typed[column.name] = array("d", values)  # a sequence of floats
    to_wave = spec.end.type == "wave"
    block = RelBlock(spec, row_numbers(table.rows.tolist()), starts, ends, typed)
    pairs = zip(starts, ends, strict=True)
    if all(s is not None and (to_wave or e is not None) for s, e in pairs):
        return block
    pairs = zip(starts, ends, strict=True)
    return block.take([i for i, (s, e) in enumerate(pairs) if s is not None and (to_wave or e is not None)])
