"""Edits that break files the way people and tools break them, as small hypothesis-drawn tuples.

An edit is a short tuple (kind, arguments...) applied to bytes or to a CSV table, so a failing
case prints as a few readable edits of a known-good file, never as megabytes of generated data:
huge fields are made when the edit is applied.

    byte edits   ("encode", codec) ("delimiter", char) ("newlines", text) ("insert", pos, bytes)
                 ("delete", pos, n) ("truncate", pos) ("huge", pos, size, quoted) ("flip", pos, xor)
    table edits  ("cell", row, column, text) ("dup_row", row) ("drop_row", row) ("extra_column", name, text)

Positions, rows and columns are taken modulo the size of what they edit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

ENCODINGS = ("utf-8-sig", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis", "utf-7", "ascii")
TOKENS = (
    b'"',
    b'""',
    b'"\n"',
    b"\x00",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x1b[31m",
    b'=HYPERLINK("http://x","y")',
    b"\\",
    b"'",
    b"$id",
    b"'}) DETACH DELETE n //",
    b"&amp;",
    b"<!ENTITY x 'y'>",
    b"%",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"*a",
    b"&a ",
)
# The csv module's default field limit is 131,072 characters; the sizes sit on both sides of it.
HUGE_SIZES = (131_000, 131_073, 400_000)
CELL_SAMPLES = (
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "1e-400",
    "-0",
    "0x1F",
    "1_000",
    "9" * 25,
    "-" + "9" * 19,
    "9223372036854775807",
    "9223372036854775808",
    "1" * 5000,
    "\u0663",
    "\u00b2",
    "=1+2",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=cmd",
    "a;b;;c",
    ";",
    "t01:site:a;t01:site:b",
    "t01:site:zz",
    "x:y:z",
    " t01:site:a ",
    "t01 site a",
    "t01:person:p1",
    "t01:org:trust-a",
    "t01:theme:leadership",
    "'",
    '"',
    "\\",
    "MATCH (n) DETACH DELETE n",
    "$id",
    "{id: 'x'}",
    "\u202e",
    "\ufeff",
    "\x00",
    "Y",
    "maybe",
    "2013-02-30",
    "0000",
    "9999-12-31",
    "2014-13",
    "\r\n",
    "line\nbreak",
    "x" * 70_000,
    "\u00e9",
    "\u65e5\u672c\u8a9e",
    "\U0001f642",
    "gp",
    "advice",
    "ccg",
)


def positions() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=10**6)


def byte_edits() -> st.SearchStrategy[tuple]:
    """One edit of a file's bytes."""
    return st.one_of(
        st.tuples(st.just("encode"), st.sampled_from(ENCODINGS)),
        st.tuples(st.just("delimiter"), st.sampled_from([";", "\t", "|", " ", "\x00"])),
        st.tuples(st.just("newlines"), st.sampled_from(["\r\n", "\r", "\n\n", "\u2028"])),
        st.tuples(
            st.just("insert"), positions(), st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=16))
        ),
        st.tuples(st.just("delete"), positions(), st.integers(min_value=1, max_value=64)),
        st.tuples(st.just("truncate"), positions()),
        st.tuples(st.just("huge"), positions(), st.sampled_from(HUGE_SIZES), st.booleans()),
        st.tuples(st.just("flip"), positions(), st.integers(min_value=1, max_value=255)),
    )


def cell_values() -> st.SearchStrategy[str]:
    """Text for one cell: known troublemakers, numbers of every size, and arbitrary text."""
    return st.one_of(
        st.sampled_from(CELL_SAMPLES),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
        st.integers().map(str),
        st.floats().map(repr),
    )


def table_edits() -> st.SearchStrategy[tuple]:
    """One edit of a CSV table that keeps it well-formed CSV: the values and the shape change."""
    index = st.integers(min_value=0, max_value=1000)
    return st.one_of(
        st.tuples(st.just("cell"), index, index, cell_values()),
        st.tuples(st.just("dup_row"), index),
        st.tuples(st.just("drop_row"), index),
        st.tuples(st.just("extra_column"), st.sampled_from(["bogus", "id", "", " name ", "ID"]), cell_values()),
    )


def _at(data: bytes, pos: int) -> int:
    return pos % (len(data) + 1)


def apply_byte_edit(data: bytes, edit: tuple) -> bytes:
    kind, *args = edit
    if kind == "encode":
        return data.decode("utf-8", errors="replace").encode(args[0], errors="replace")
    if kind == "delimiter":
        return data.replace(b",", args[0].encode())
    if kind == "newlines":
        return data.replace(b"\n", args[0].encode())
    if kind == "insert":
        at = _at(data, args[0])
        return data[:at] + args[1] + data[at:]
    if kind == "delete":
        at = _at(data, args[0])
        return data[:at] + data[at + args[1] :]
    if kind == "truncate":
        return data[: _at(data, args[0])]
    if kind == "huge":
        at, field = _at(data, args[0]), b"x" * args[1]
        return data[:at] + (b'"' + field + b'"' if args[2] else field) + data[at:]
    if kind == "flip":
        if not data:
            return data
        at = args[0] % len(data)
        return data[:at] + bytes([data[at] ^ args[1]]) + data[at + 1 :]
    raise ValueError(f"unknown byte edit {kind}")


def _table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv_bytes(rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def apply_table_edit(data: bytes, edit: tuple) -> bytes:
    """Apply a table edit to well-formed UTF-8 CSV (the known-good files)."""
    rows = _table(data)
    if not rows:
        return data
    kind, *args = edit
    if kind == "cell":
        row = rows[args[0] % len(rows)]
        if row:
            row[args[1] % len(row)] = args[2]
    elif kind == "dup_row":
        rows.append(list(rows[args[0] % len(rows)]))
    elif kind == "drop_row":
        del rows[args[0] % len(rows)]
    elif kind == "extra_column":
        rows = [row + ([args[0]] if number == 0 else [args[1]]) for number, row in enumerate(rows)]
    else:
        raise ValueError(f"unknown table edit {kind}")
    return _csv_bytes(rows)


def apply_edits(data: bytes, edits: Iterable[tuple]) -> bytes:
    """Table edits first (they need well-formed CSV), then byte edits, in the order drawn."""
    edits = list(edits)
    for edit in (e for e in edits if e[0] in ("cell", "dup_row", "drop_row", "extra_column")):
        data = apply_table_edit(data, edit)
    for edit in (e for e in edits if e[0] not in ("cell", "dup_row", "drop_row", "extra_column")):
        data = apply_byte_edit(data, edit)
    return data


def file_edits(table: bool = True) -> st.SearchStrategy[tuple]:
    """Zero to three edits of one file; `table` allows table edits (for CSV files)."""
    one = st.one_of(table_edits(), byte_edits()) if table else byte_edits()
    return st.lists(one, min_size=1, max_size=3).map(tuple)


def yaml_values() -> st.SearchStrategy[Any]:
    """Values a YAML manifest could hold in any key: scalars of every type, lists and maps of them."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
        st.sampled_from(CELL_SAMPLES[:60]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=8,
    )
