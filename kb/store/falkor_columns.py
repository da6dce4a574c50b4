"""GRAPH.BULK records packed column by column with numpy: the bytes falkor_bulk.Encoder packs row by row.

A chunk of rows is taken apart (by falkor_bulk) into one column per property; each column is
encoded at once by the type its values share (text through pyarrow's UTF-8 buffers, numbers and
booleans as numpy arrays), then the columns are interleaved into records with one scatter per
column. A column of anything else (lists, a mix of types) is packed value by value with the
caller's `pack` (falkor_bulk's), each distinct value once; so is a column holding a value the
command cannot carry, and `pack` refuses it with its message before anything is sent.
tests/test_bulk_columns.py checks the bytes against Encoder's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# A column: each record's length in it and its bytes, record after record.
Column = tuple[np.ndarray, np.ndarray]
_NONE, _BOOL, _DOUBLE, _STRING, _LONG = 0, 1, 2, 3, 4
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
    present = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data_buffer = array.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    sizes = np.diff(offsets).astype(np.int64)
    lengths = np.where(present, sizes + 2, 1)
    out = np.zeros(int(lengths.sum()), dtype=np.uint8)  # the terminating NULs and the none bytes are zeros
    starts = np.cumsum(lengths) - lengths
    out[starts[present]] = _STRING
    text = sizes[present]
    if text.sum():
        src = offsets[:-1][present].astype(np.int64)
        shift = np.repeat(starts[present] + 1 - src, text)
        source = np.repeat(src, text) + (np.arange(int(text.sum())) - np.repeat(np.cumsum(text) - text, text))
        out[source + shift] = data[source]
    return lengths, out


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
    kinds = set(map(type, values)) - {type(None)}
    if kinds == {str}:
        array = pa.array(values, pa.string())
        carried = not pc.any(pc.match_substring(array, "\x00")).as_py() and not (
            indexed and pc.any(pc.greater(pc.binary_length(array), limit)).as_py()
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


def interleave(columns: Sequence[Column], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The records (every column's bytes of a row, in column order) and each record's length."""
    sizes = np.zeros(count, dtype=np.int64)
    for lengths, _ in columns:
        sizes += lengths
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    at = np.cumsum(sizes) - sizes  # where each record starts
    for lengths, data in columns:
        src = np.cumsum(lengths) - lengths
        out[np.repeat(at - src, lengths) + np.arange(len(data))] = data
        at = at + lengths
    return out, sizes


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
