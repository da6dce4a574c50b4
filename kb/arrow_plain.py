"""pyarrow arrays and scalars made without importing pandas.

pyarrow imports pandas, when it is installed (it is, for the app), the first time it converts a
Python value: `pa.array` of a list, `pa.scalar`, a compute function given a Python number or text
(it makes a scalar of it), `to_numpy(zero_copy_only=False)`. That import took 34 MB of a wave
load's memory for nothing the load uses. The loader and the bulk packer make their arrays and
scalars here instead, from buffers and pyarrow's builders, which never look for pandas;
tests/test_arrow_plain.py loads a wave and checks that pandas was not imported.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa


def texts(values: Iterable[str | None]) -> pa.Array:
    """A string array of `values` (None as null)."""
    builder = pa.lib.StringBuilder()
    builder.append_values(values)
    return builder.finish()


def text(value: str) -> pa.Scalar:
    """A string scalar."""
    return texts((value,))[0]


def binary(value: bytes) -> pa.Scalar:
    """A large_binary scalar."""
    offsets = pa.py_buffer(np.array([0, len(value)], dtype=np.int64))
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(value)])[0]


def integer(value: int, of: pa.DataType | None = None) -> pa.Scalar:
    """An integer scalar, of the integer type `of` (int64 unless given)."""
    of = of or pa.int64()
    return pa.Array.from_buffers(of, 1, [None, pa.py_buffer(np.array([value], dtype=_dtype(of)))])[0]


def _dtype(of: pa.DataType) -> np.dtype:
    kind = "u" if pa.types.is_unsigned_integer(of) else "i"
    return np.dtype(f"<{kind}{of.bit_width // 8}")


NULL_TEXT = pa.nulls(1, pa.string())[0]
NULL_BOOL = pa.nulls(1, pa.bool_())[0]


def flags(mask: np.ndarray) -> pa.Array:
    """A boolean array of a numpy boolean array (no nulls)."""
    bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits)])


def _valid(array: pa.Array) -> np.ndarray:
    count = len(array)
    bitmap = array.buffers()[0]
    if bitmap is None or not array.null_count:
        return np.ones(count, dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + count].astype(bool)


def bools(mask: pa.Array) -> np.ndarray:
    """A boolean array as numpy's, null as False."""
    count = len(mask)
    bits = np.unpackbits(np.frombuffer(mask.buffers()[1], dtype=np.uint8), bitorder="little")
    flags: np.ndarray = bits[mask.offset : mask.offset + count].astype(bool) & _valid(mask)
    return flags


def ints(array: pa.Array) -> np.ndarray:
    """An integer array without nulls as numpy's (its own buffer, not copied)."""
    if array.null_count:
        raise ValueError("an integer array with nulls")
    return np.frombuffer(array.buffers()[1], dtype=_dtype(array.type))[array.offset : array.offset + len(array)]
