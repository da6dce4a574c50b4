"""GRAPH.BULK records packed column by column with numpy: the bytes falkor_bulk.Encoder packs row by row.

A chunk of rows is taken apart (by falkor_bulk) into one column per property; each column is
encoded at once by the type its values share (text framed by pyarrow, numbers and booleans as
numpy arrays), then the columns are joined into records row by row by pyarrow's element-wise
join, in C: no index array per byte (a chunk of 20,000 evidence texts took about 90 MB that
way). A column of anything else (lists, a mix of types) is packed value by value with the
caller's `pack` (falkor_bulk's), each distinct value once; so is a column holding a value the
command cannot carry, and `pack` refuses it with its message before anything is sent.
tests/test_bulk_columns.py checks the bytes against Encoder's.
"""

from __future__ import annotations

from array import array as CArray
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kb import arrow_plain as plain

# A column: each record's length in it and its bytes, record after record.
Column = tuple[np.ndarray, np.ndarray]
_NONE, _BOOL, _DOUBLE, _STRING, _LONG = 0, 1, 2, 3, 4
# The type byte before a text, a NUL and nothing, as text scalars for pyarrow's join (made without
# pyarrow importing pandas: kb/arrow_plain.py)
_STRING_CODE, _NUL, _EMPTY = plain.text(chr(_STRING)), plain.text("\x00"), plain.text("")
Pack = Callable[[Any, str, bool, int], bytes]  # one value, its property's name, indexed, the indexed limit


def _fixed(code: int, width: int, present: np.ndarray, payload: np.ndarray) -> Column:
    """A column of a type byte and `width` bytes per present value, one byte (none) per absent one."""
    count = len(present)
    lengths = np.where(present, 1 + width, 1).astype(np.int64)
    out = np.zeros(int(lengths.sum()), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    out[starts[present]] = code
    raw = payload.view(np.uint8).reshape(count, width)[present]
    where = starts[present][:, None] + 1 + np.arange(width)
    out[where.ravel()] = raw.ravel()
    return lengths, out


def _strings(array: pa.Array) -> Column:
    """Each present text as its type byte, its UTF-8 and a NUL, each absent one as the none byte:
    framed by pyarrow's element-wise join, in C, with no index array per byte of text."""
    framed = pc.fill_null(pc.binary_join_element_wise(_STRING_CODE, array, _NUL, _EMPTY), _NUL)
    offsets = np.frombuffer(framed.buffers()[1], dtype=np.int32)[framed.offset : framed.offset + len(framed) + 1]
    data_buffer = framed.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return np.diff(offsets).astype(np.int64), data[offsets[0] : offsets[-1]]


def _packed(values: list[Any], name: str, indexed: bool, limit: int, pack: Pack) -> Column:
    """Any values, each distinct one packed once by falkor_bulk (lists repeat: every node's `waves`)."""
    seen: dict[Any, bytes] = {}
    parts: list[bytes] = []
    for value in values:
        key = (value.__class__, tuple(value) if isinstance(value, list) else value)
        try:
            data = seen[key]
        except KeyError:
            data = seen[key] = pack(value, name, indexed, limit)
        except TypeError:  # unhashable items: pack it as it is
            data = pack(value, name, indexed, limit)
        parts.append(data)
    return np.fromiter(map(len, parts), np.int64, len(parts)), np.frombuffer(b"".join(parts), dtype=np.uint8)


def encode_column(values: list[Any], name: str, indexed: bool, limit: int, pack: Pack) -> Column:
    """One property's values, each packed as `pack` packs it."""
    if isinstance(values, CArray) and values.typecode == "d":  # a float column kept as C doubles
        numbers = np.frombuffer(values, dtype=np.float64).astype("<f8", copy=False)
        if np.isfinite(numbers).all():
            return _fixed(_DOUBLE, 8, np.ones(len(numbers), dtype=bool), numbers)
    kinds = set(map(type, values)) - {type(None)}
    if kinds == {str}:
        try:
            array = plain.texts(values)
        except UnicodeEncodeError:  # a lone surrogate: `pack` refuses it below, naming the property
            return _packed(values, name, indexed, limit, pack)
        carried = not pc.any(pc.match_substring(array, "\x00")).as_py() and not (
            indexed and pc.any(pc.greater(pc.binary_length(array), plain.integer(limit))).as_py()
        )
        if carried:
            return _strings(array)
    present = np.fromiter((value is not None for value in values), bool, len(values))
    if kinds == {float}:
        numbers = np.array([0.0 if value is None else value for value in values], dtype="<f8")
        if np.isfinite(numbers).all():
            return _fixed(_DOUBLE, 8, present, numbers)
    elif kinds == {int}:
        try:
            whole = np.array([0 if value is None else value for value in values], dtype="<i8")
        except OverflowError:
            pass  # packed one by one below, which names the property
        else:
            return _fixed(_LONG, 8, present, whole)
    elif kinds == {bool}:
        flags = np.array([bool(value) for value in values], dtype=np.uint8)
        return _fixed(_BOOL, 1, present, flags)
    return _packed(values, name, indexed, limit, pack)


def _as_binary(column: Column) -> pa.Array:
    """A column as a pyarrow binary array, one value per record (its buffers are the column's)."""
    lengths, data = column
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(pa.large_binary(), len(lengths), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def interleave(columns: Sequence[Column], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The records (every column's bytes of a row, in column order) and each record's length,
    joined row by row by pyarrow (no index array per byte: a chunk of long texts stays small)."""
    if not columns or not count:
        return np.zeros(0, dtype=np.uint8), np.zeros(count, dtype=np.int64)
    no_separator = plain.binary(b"")
    joined = pc.binary_join_element_wise(*(_as_binary(column) for column in columns), no_separator)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset : joined.offset + count + 1]
    data = np.frombuffer(joined.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]], np.diff(offsets)


def tokens(header: bytes, records: np.ndarray, sizes: np.ndarray, chunk_bytes: int) -> Iterator[tuple[bytes, int]]:
    """(token, entities in it): the header and then records until the token reaches `chunk_bytes`,
    where falkor_bulk.Encoder.tokens cuts them."""
    starts = np.concatenate(([0], np.cumsum(sizes)))
    first, count = 0, len(sizes)
    while first < count:
        filled = len(header) + starts[first + 1 :] - starts[first]
        last = min(first + int(np.searchsorted(filled, chunk_bytes, side="left")) + 1, count)
        yield header + records[starts[first] : starts[last]].tobytes(), last - first
        first = last
