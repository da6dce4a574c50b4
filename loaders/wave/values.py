"""Cell values: turn one CSV cell into a typed value by its column type, and back.

`parse_cell` raises `CellError` with a message that says what is wrong and how to write the value;
the caller adds file, row and column. `format_cell` is its inverse (used to write packages, and by
the round-trip tests), so `parse_cell(c, format_cell(c, v)) == v` for every valid value.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from kb.errors import shorten
from loaders.wave.spec import MAX_ID_LENGTH, Column

LIST_SEPARATOR = ";"
TRUE_WORDS = ("y", "yes", "true", "1")
FALSE_WORDS = ("n", "no", "false", "0")
BOOL_HINT = "Y, N, yes, no, true, false, 1, 0"
ID_PATTERN = re.compile(r"^[^\s:;]+:[^\s:;]+:[^\s;]+$")
INT_PATTERN = re.compile(r"^[+-]?\d+$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Whole numbers are stored as 64-bit integers; the engines clamp or refuse anything beyond.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
INT_MAX_DIGITS = len(str(INT_MAX))


TYPE_DOCS = {
    "id": f"the entity's key: unique in the package, namespaced `<study>:<kind>:<key>`, no spaces, "
    f"at most {MAX_ID_LENGTH} characters",
    "str": "one line of text",
    "text": "free text; may hold line breaks (quote the cell)",
    "int": f"a whole number, e.g. 42, from {INT_MIN} to {INT_MAX} (64 bits)",
    "float": "a decimal number, e.g. 0.25",
    "bool": f"a yes/no value: {BOOL_HINT} (any case)",
    "date": "an ISO date: YYYY, YYYY-MM or YYYY-MM-DD",
    "enum": "one of the allowed values",
    "list": "values separated by `;` (each one of the allowed values, where the column lists them)",
    "ref": "the id of an entity of the label it refers to, defined in this package or in a wave it requires",
    "refs": "several such ids separated by `;`",
}


class CellError(ValueError):
    """A cell that does not hold a value of its column's type; the message says how to fix it."""


def is_iso_date(text: str) -> bool:
    """True for YYYY, YYYY-MM or YYYY-MM-DD naming a real month and day."""
    match = DATE_PATTERN.match(text)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _parse_int(text: str) -> int:
    if not INT_PATTERN.match(text):
        raise CellError(f"'{shorten(text)}' is not a whole number; write digits only, e.g. 42")
    # Count digits before converting: Python refuses to convert more than 4,300 of them.
    if len(text.lstrip("+-").lstrip("0")) > INT_MAX_DIGITS or not INT_MIN <= int(text) <= INT_MAX:
        raise CellError(
            f"'{shorten(text)}' is out of range; a whole number must lie between {INT_MIN} and "
            f"{INT_MAX} (64 bits), so check the value"
        )
    return int(text)


def _parse_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"'{shorten(text)}' is not a number; write it with a decimal point, e.g. 0.25") from None
    if not math.isfinite(value):
        raise CellError(
            f"'{shorten(text)}' is not a finite number; write a number such as 0.25, or leave the cell empty"
        )
    return value


def _parse_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{shorten(text)}' is not a yes/no value; use one of {BOOL_HINT}")


def _parse_date(text: str) -> str:
    if not is_iso_date(text):
        raise CellError(f"'{shorten(text)}' is not an ISO date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2014-06")
    return text


def _parse_choice(column: Column, text: str) -> str:
    if text not in column.choices:
        raise CellError(f"'{shorten(text)}' is not allowed; use one of {', '.join(column.choices)}")
    return text


def _parse_id(text: str) -> str:
    if len(text) > MAX_ID_LENGTH:
        raise CellError(
            f"'{shorten(text)}' is {len(text)} characters long; an id may have at most {MAX_ID_LENGTH} "
            "characters, so shorten its key"
        )
    if not ID_PATTERN.match(text):
        raise CellError(
            f"'{shorten(text)}' is not a namespaced id; write it as <study>:<kind>:<key> without spaces, e.g. "
            "t01:site:a"
        )
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _parse_list(column: Column, text: str) -> list[str] | None:
    items = _split(text)
    if column.type == "refs":
        return [_parse_id(item) for item in items] or None
    if column.choices:
        return [_parse_choice(column, item) for item in items] or None
    return items or None


def _parse_str(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise CellError("a line break is not allowed in this column; put the value on one line")
    return text


def parse_cell(column: Column, raw: str) -> Any:
    """The typed value of `raw` for `column`; None for an empty cell (unknown)."""
    text = raw.strip()
    if not text:
        return None
    if column.verbatim:  # a coded selection's surrounding spaces and line breaks are part of the quotation
        return raw
    kind = column.type
    if kind in ("str", "text"):
        return _parse_str(text) if kind == "str" else text
    if kind == "int":
        return _parse_int(text)
    if kind == "float":
        value = _parse_float(text)
        if column.positive and value <= 0:
            raise CellError(f"'{shorten(text)}' is not above 0; write a positive number, or leave the cell empty")
        return value
    if kind == "bool":
        return _parse_bool(text)
    if kind == "date":
        return _parse_date(text)
    if kind == "enum":
        return _parse_choice(column, text)
    if kind in ("id", "ref"):
        return _parse_id(text)
    if kind in ("list", "refs"):
        return _parse_list(column, text)
    raise CellError(f"column type '{kind}' is not part of the wave format")


def format_cell(column: Column, value: Any) -> str:
    """The cell text that `parse_cell` reads back as `value`."""
    if value is None:
        return ""
    if column.type == "bool":
        return "Y" if value else "N"
    if column.type == "float":
        return repr(float(value))
    if column.type in ("list", "refs"):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)
