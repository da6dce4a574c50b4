"""A relationship file's rows kept as columns, and sequences that join such blocks with records.

A national wave's advice ties are most of its rows. As one RelRecord each (an object, a dict of
its values, a row number) they took about 290 bytes a tie, held from validation to the write; as
columns (a pointer per value, the values themselves shared or small) they take about 60. A
`RelBlock` is a file read column by column (column_records.py), and gives each row as the very
RelRecord the row path makes, made when it is asked for; the checks, the plan and the writer
read its columns directly where they look at every row (its ends, its values by column).

`Parts` is a sequence of records (or plan items) made of such blocks and of lists, in order:
what validation collects and the plan groups, without copying a block into records.
"""

from __future__ import annotations

from abc import abstractmethod
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, Generic, TypeVar, overload

import numpy as np

from loaders.wave.records import RelRecord
from loaders.wave.spec import RelFile

Item = TypeVar("Item")


class Coded(Sequence[Any]):
    """A column of values that repeat (a tie's ends, its relation, its locator) as a 4-byte code a
    row into its distinct values: 4 bytes a tie rather than a pointer's 8. Indexing and iteration
    give the values themselves; a slice is a list of them."""

    __slots__ = ("_index", "codes", "words")

    def __init__(self, words: list[Any], codes: array[int]):
        self.words, self.codes = words, codes
        self._index: dict[Any, int] | None = None  # value -> code, while later batches are added

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return list(map(self.words.__getitem__, self.codes[index]))
        return self.words[self.codes[index]]

    def __iter__(self) -> Iterator[Any]:
        return map(self.words.__getitem__, self.codes)

    def extend(self, other: Coded) -> None:
        """Add `other`'s values (a later batch's, with codes of its own) after these."""
        index = self._index
        if index is None:
            index = self._index = {word: code for code, word in enumerate(self.words)}
        found = list(map(index.get, other.words))
        for place, code in enumerate(found):
            if code is None:  # a value no earlier batch had
                word = other.words[place]
                found[place] = index[word] = len(self.words)
                self.words.append(word)
        mapping = np.array(found, dtype=np.int32)
        self.codes.frombytes(mapping[np.frombuffer(other.codes, dtype=np.int32)].tobytes())

    def has_none(self) -> bool:
        """Whether any value is None (an empty cell), told from the codes."""
        unknown = [code for code, word in enumerate(self.words) if word is None]
        return bool(unknown) and bool(np.isin(np.frombuffer(self.codes, dtype=np.int32), unknown).any())

    def settle(self) -> None:
        """No more batches: the index of values is let go."""
        self._index = None


@overload
def pick(column: array[Any], indexes: Sequence[int]) -> array[Any]: ...  # type: ignore[overload-overlap]


@overload
def pick(column: Sequence[Any], indexes: Sequence[int]) -> list[Any]: ...


def pick(column: Sequence[Any], indexes: Sequence[int]) -> list[Any] | array[Any]:
    """The values of `column` at `indexes`, gathered by numpy where the column allows (a national
    file's ties are taken apart by key in a few of these rather than a Python step a value): a
    coded column's values as a list, a C array as a C array of its type, anything else as a list."""
    at = np.asarray(indexes, dtype=np.intp)
    if isinstance(column, Coded):
        return list(map(column.words.__getitem__, np.frombuffer(column.codes, dtype=np.int32)[at].tolist()))
    if isinstance(column, array):
        return array(column.typecode, np.frombuffer(column, dtype=column.typecode)[at].tobytes())
    return list(map(column.__getitem__, at.tolist()))


def _extended(column: Sequence[Any], more: Sequence[Any]) -> Sequence[Any]:
    """`column` with `more` after it: coded when both are, else a list (a float column of C doubles
    stays one while every batch's is)."""
    if isinstance(column, Coded) and isinstance(more, Coded):
        column.extend(more)
        return column
    if isinstance(column, array) and isinstance(more, array):
        column.extend(more)
        return column
    out = column if isinstance(column, list) else list(column)
    out.extend(more)
    return out


def row_numbers(rows: Sequence[int]) -> array[int]:
    """Row numbers in 4 bytes each where they fit (a national file's rows all do), else 8."""
    return array("i" if not rows or max(rows) < 1 << 31 else "q", rows)


class RecordRows(Sequence[RelRecord]):
    """Rows given as RelRecords made when asked for: a subclass says how many (`__len__`) and
    makes the one at a position from 0 (`at`); indexing, slices and iteration follow from those."""

    __slots__ = ()

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def at(self, position: int) -> RelRecord: ...

    @overload
    def __getitem__(self, index: int) -> RelRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[RelRecord]: ...

    def __getitem__(self, index: int | slice) -> RelRecord | list[RelRecord]:
        if isinstance(index, slice):
            return [self.at(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.at(index)

    def __iter__(self) -> Iterator[RelRecord]:
        return map(self.at, range(len(self)))


class RelBlock(RecordRows):
    """Rows of one relationship file as columns: row numbers, start ids, end ids (None: the loading
    wave) and each other column's typed values, in the order a row's `typed` names them."""

    __slots__ = ("ends", "rows", "spec", "starts", "typed")

    def __init__(
        self, spec: RelFile, rows: array[int], starts: list[str], ends: list[str | None], typed: dict[str, list[Any]]
    ):
        self.spec, self.rows, self.starts, self.ends, self.typed = spec, rows, starts, ends, typed

    def __len__(self) -> int:
        return len(self.starts)

    def record(self, i: int) -> RelRecord:
        """Row `i` as the row path's RelRecord."""
        return RelRecord(
            self.spec,
            self.rows[i],
            self.starts[i],
            self.ends[i],
            {name: column[i] for name, column in self.typed.items()},
        )

    def at(self, position: int) -> RelRecord:
        return self.record(position)

    def extend(self, other: RelBlock) -> None:
        """Add the rows of `other` (a later batch of the same file) after this block's."""
        rows = other.rows
        if self.rows.typecode != rows.typecode:  # one of the two needs 8 bytes a row: both take them
            self.rows, rows = array("q", self.rows), array("q", rows)
        self.rows.extend(rows)
        self.starts = _extended(self.starts, other.starts)  # type: ignore[assignment]  # a sequence of ids
        self.ends = _extended(self.ends, other.ends)  # type: ignore[assignment]  # a sequence of ids
        for name, column in self.typed.items():
            # a float column of a later batch with an empty cell makes the column a list again
            self.typed[name] = _extended(column, other.typed[name])  # type: ignore[assignment]

    def settle(self) -> None:
        """The whole file is in: coded columns let go of what they needed to add batches."""
        for column in (self.starts, self.ends, *self.typed.values()):
            if isinstance(column, Coded):
                column.settle()

    def window(self, start: int, stop: int) -> RelBlock:
        """Rows start..stop as a block of their own (the columns' pointers copied, not the values)."""
        return RelBlock(
            self.spec,
            self.rows[start:stop],
            self.starts[start:stop],
            self.ends[start:stop],
            {name: column[start:stop] for name, column in self.typed.items()},
        )

    def take(self, indexes: Sequence[int]) -> RelBlock:
        """The rows at `indexes` (ascending, each once) as a block of their own; all of them: this block."""
        if len(indexes) == len(self):
            return self
        return RelBlock(
            self.spec,
            pick(self.rows, indexes),  # an array of row numbers stays one
            pick(self.starts, indexes),
            pick(self.ends, indexes),
            {name: pick(column, indexes) for name, column in self.typed.items()},
        )

    def view(self, indexes: array[int]) -> Sequence[RelRecord]:
        """The rows at `indexes` (ascending, each once), read through this block: all of them, this block."""
        return self if len(indexes) == len(self) else BlockView(self, indexes)


class BlockView(RecordRows):
    """Some rows of a block, by their indexes (4 bytes a row): what the plan keeps of a file whose
    rows go to several keys (ties to participants and to organisations), without copying them."""

    __slots__ = ("block", "indexes")

    def __init__(self, block: RelBlock, indexes: array[int]):
        self.block, self.indexes = block, indexes

    def __len__(self) -> int:
        return len(self.indexes)

    def at(self, position: int) -> RelRecord:
        return self.block.record(self.indexes[position])

    def window(self, start: int, stop: int) -> RelBlock:
        """Rows start..stop as a block of their own (see RelBlock.window)."""
        return self.block.take(self.indexes[start:stop])

    def ends(self) -> Iterator[tuple[str, str | None]]:
        """(start id, end id or None) of each row."""
        return zip(pick(self.block.starts, self.indexes), pick(self.block.ends, self.indexes), strict=True)


class Tuples(Sequence[tuple[Any, ...]]):
    """Tuples of one length, kept as one list per place: what a node row implies (start id, end id,
    record, the link's properties) in 24 bytes a row rather than a tuple's 80, and the same
    tuple made again when asked for."""

    __slots__ = ("columns",)

    def __init__(self, width: int):
        self.columns: tuple[list[Any], ...] = tuple([] for _ in range(width))

    @property
    def width(self) -> int:
        return len(self.columns)

    def append(self, item: tuple[Any, ...]) -> None:
        for column, value in zip(self.columns, item, strict=True):
            column.append(value)

    def __len__(self) -> int:
        return len(self.columns[0])

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | list[tuple[Any, ...]]:
        if isinstance(index, slice):
            return list(zip(*(column[index] for column in self.columns), strict=True))
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.columns, strict=True)


class Parts(Sequence[Item], Generic[Item]):
    """Items in order, held as blocks (RelBlock) and lists: `append` adds one item, `add_block` a
    whole block; indexing and iteration give items (a block's rows as records)."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._parts: list[Sequence[Item]] = []
        self._length = 0
        for item in items:
            self.append(item)

    def append(self, item: Item) -> None:
        last = self._parts[-1] if self._parts else None
        if isinstance(item, tuple):  # a plan's item for what a node row implies: kept by place
            kept = last if isinstance(last, Tuples) and last.width == len(item) else None
            if kept is None:
                kept = Tuples(len(item))
                self._parts.append(kept)  # type: ignore[arg-type]  # items of this part are tuples
            kept.append(item)
        else:
            if not isinstance(last, list):
                last = []
                self._parts.append(last)
            last.append(item)
        self._length += 1

    def add_implied(self, start: str, end: str, record: Any, props: Any) -> None:
        """`append((start, end, record, props))` (what a node row implies), without making the tuple."""
        last = self._parts[-1] if self._parts else None
        if isinstance(last, Tuples) and last.width == 4:
            kept = last
        else:
            kept = Tuples(4)
            self._parts.append(kept)  # type: ignore[arg-type]  # items of this part are tuples
        starts, ends, records, properties = kept.columns
        starts.append(start)
        ends.append(end)
        records.append(record)
        properties.append(props)
        self._length += 1

    def add_block(self, block: Sequence[Item]) -> None:
        if len(block):
            self._parts.append(block)
            self._length += len(block)

    @property
    def parts(self) -> list[Sequence[Item]]:
        """The blocks and lists, in order (a list holds the items added one by one)."""
        return self._parts

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return list(self)[index]
            return [item for part in self._window_parts(start, stop) for item in part]
        if index < 0:
            index += self._length
        for part in self._parts:
            if index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError(index)

    def window(self, start: int, stop: int) -> Sequence[Item]:
        """Items start..stop: a block when they all lie in one, else a list."""
        parts = self._window_parts(start, stop)
        if len(parts) == 1 and isinstance(parts[0], RelBlock | BlockView):
            return parts[0]  # type: ignore[return-value]  # a block only ever holds RelRecords
        return [item for part in parts for item in part]

    def _window_parts(self, start: int, stop: int) -> list[Sequence[Item]]:
        out: list[Sequence[Item]] = []
        offset = 0
        for part in self._parts:
            size = len(part)
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                out.append(part.window(lo, hi) if isinstance(part, RelBlock | BlockView) else part[lo:hi])  # type: ignore[arg-type]
            offset += size
            if offset >= stop:
                break
        return out

    def __iter__(self) -> Iterator[Item]:
        return chain.from_iterable(self._parts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Parts({list(self)!r})"


def records_of(rels: Sequence[RelRecord], wanted: Callable[[RelFile], bool]) -> Iterator[RelRecord]:
    """The records of the files `wanted` picks, in order; a block of another file is not looked at."""
    for part in rels.parts if isinstance(rels, Parts) else [rels]:
        if isinstance(part, RelBlock):
            if wanted(part.spec):
                yield from part
        else:
            yield from (rel for rel in part if wanted(rel.spec))


def item_ends(items: Sequence[Any], wave: str) -> Iterator[tuple[str, str]]:
    """(start id, end id) of each relationship item of a plan (a RelRecord, a block's row, or a
    tuple that starts with both ends' ids), a block's read from its columns."""
    for part in items.parts if isinstance(items, Parts) else [items]:
        if isinstance(part, RelBlock | BlockView):
            pairs = zip(part.starts, part.ends, strict=True) if isinstance(part, RelBlock) else part.ends()
            yield from ((start, wave if end is None else end) for start, end in pairs)
            continue
        for item in part:
            if isinstance(item, RelRecord):
                yield item.start, wave if item.end is None else item.end
            else:
                yield item[0], item[1]


def _distinct(column: Sequence[Any], indexes: Sequence[int] | None = None) -> set[Any]:
    """The distinct values of `column` (at `indexes` only, when given): a coded column's from its
    distinct codes, without a Python step a row."""
    if isinstance(column, Coded):
        codes = np.frombuffer(column.codes, dtype=np.int32)
        if indexes is not None:
            codes = codes[np.asarray(indexes, dtype=np.intp)]
        return set(map(column.words.__getitem__, np.unique(codes).tolist()))
    return set(column) if indexes is None else set(pick(column, indexes))


def item_starts(items: Sequence[Any]) -> set[str]:
    """The distinct start ids of a plan's relationship items (see item_ends)."""
    found: set[str] = set()
    for part in items.parts if isinstance(items, Parts) else [items]:
        if isinstance(part, RelBlock):
            found |= _distinct(part.starts)
        elif isinstance(part, BlockView):
            found |= _distinct(part.block.starts, part.indexes)
        else:
            found.update(start for start, _ in item_ends(part, ""))
    return found


def item_end_columns(items: Sequence[Any], wave: str) -> tuple[list[str], list[str]]:
    """The start ids and the end ids of a plan's relationship items as two lists (see item_ends),
    a block's gathered from its columns."""
    starts: list[str] = []
    ends: list[str] = []
    for part in items.parts if isinstance(items, Parts) else [items]:
        if isinstance(part, RelBlock | BlockView):
            block, indexes = (part, None) if isinstance(part, RelBlock) else (part.block, part.indexes)
            starts += block.starts if indexes is None else pick(block.starts, indexes)
            got: Sequence[str | None] = block.ends if indexes is None else pick(block.ends, indexes)
            ends += [wave if end is None else end for end in got] if None in _distinct(block.ends) else got  # type: ignore[arg-type]  # no None left
        else:
            for start, end in item_ends(part, wave):
                starts.append(start)
                ends.append(end)
    return starts, ends
