"""The parameter header of a Cypher command to the embedded engine ("CYPHER `k`=value ... ").

The falkordb client inlines parameters into the query text, one Python call per value
(`falkordb.helpers.stringify_param_value`), and `check` walked every value once more before it.
A national load sends about 300,000 values that way, nearly all in a few shapes: lists of ids,
lists of numbers, and UNWIND rows given as lists of scalars. `header` renders those shapes a whole
list (or a whole column of rows) at a time with str.join, map and str.replace, checking them in
the same pass, and gives exactly the client's text. Anything else, and any value a check would
refuse, goes the old way: `check` (which raises the one-line error) and then the client's own
header, so errors and their order are unchanged.

Why the joined text can be escaped at once: the client escapes a string by replacing each
backslash with two and each double quote with backslash-quote, a map of single characters. On
texts joined by a NUL (which no accepted value holds, and which is checked by counting) that map
gives the concatenation of each text's escaping, and the NULs, untouched, then become the quotes
and commas between items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kb import schema
from kb.errors import QueryError
from kb.store.base import INT64_MAX, INT64_MIN, check_values

# FalkorDB 4.16 kills its whole process when a uniquely indexed key is longer than 4,096 bytes of
# UTF-8 (measured: 4,096 stores, 4,097 crashes, for ASCII, 'é', '€' and emoji alike). Every indexed
# property of the schema is guarded on every write path, whatever the query, so no input can take
# the engine down.
MAX_INDEXED_BYTES = 4096
INDEXED = frozenset(key.prop for key in schema.unique_keys() + schema.indexes())

_NUMBERS = frozenset({int, float, bool})  # the client renders these with str(); exact types only
_SCALARS = _NUMBERS | {type(None)}
_NULL: dict[Any, str] = {None: "null"}  # map(_NULL.get, values, texts): "null" for None, the value's str() otherwise


class _Slow(Exception):
    """A value the fast pass does not render or would refuse: the old way decides."""


def header(graph: Any, params: Mapping[str, Any] | None) -> tuple[dict[str, Any], str]:
    """The checked parameters and the text the client's `graph._build_params_header` gives for them.

    Raises the QueryError `check` raises for a value the engine cannot take, and the client's
    ValueError for an empty parameter or map key, or one holding a backtick."""
    checked = dict(params or {})
    try:
        return checked, _header(checked)
    except _Slow:
        checked = check(checked)
        return checked, str(graph._build_params_header(checked))


def check(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """`params`, refused with a QueryError if a value cannot reach the embedded engine unchanged."""

    # The client inlines parameters into the query text; a NUL byte would cut it short.
    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, str):
            if "\x00" in value:
                raise QueryError("a parameter value contains a NUL character, which the embedded engine cannot store")
            try:
                size = len(value.encode("utf-8"))
            except UnicodeEncodeError as error:
                raise QueryError(
                    f"a parameter value holds a character with no UTF-8 form ({value[error.start]!r}); "
                    "fix the text's encoding"
                ) from None
            if key in INDEXED and size > MAX_INDEXED_BYTES:
                raise QueryError(
                    f"'{key}' is {size} bytes long in UTF-8; the embedded engine indexes at most "
                    f"{MAX_INDEXED_BYTES}, so shorten it"
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)

    checked = check_values(params)
    for name, value in checked.items():
        walk(value, name)
    return checked


def _header(params: dict[str, Any]) -> str:
    parts = ["CYPHER "]
    for name, value in params.items():
        _key(name)
        parts.append(f"`{name}`={_value(value, name)} ")
    return "".join(parts)


def _key(name: Any) -> None:
    # The client refuses an empty name or one with a backtick, and str()s any other type.
    if type(name) is not str or not name or "`" in name:
        raise _Slow


def _value(value: Any, key: str) -> str:
    kind = type(value)
    if kind is str:
        return _text(value, key)
    if kind is float or kind is bool:
        return str(value)
    if kind is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise _Slow
        return str(value)
    if value is None:
        return "null"
    if kind is list or kind is tuple:
        return _list(value, key)
    if kind is dict:
        parts = []
        for k, v in value.items():
            _key(k)
            parts.append(f"`{k}`:{_value(v, k)}")
        return "{" + ",".join(parts) + "}"
    raise _Slow


def _text(value: str, key: str) -> str:
    if "\x00" in value:
        raise _Slow
    if not value.isascii():
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise _Slow from None
    else:
        size = len(value)
    if size > MAX_INDEXED_BYTES and key in INDEXED:
        raise _Slow
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(values: Sequence[Any], key: str) -> str:
    if not values:
        return "[]"
    kinds = set(map(type, values))
    if kinds == {str}:
        return "[" + _joined_texts(values, key).replace("\x00", '","') + "]"
    if kinds <= _SCALARS:
        return "[" + ",".join(_scalars(values, kinds)) + "]"
    if kinds <= {list, tuple}:
        widths = set(map(len, values))
        if len(widths) == 1:
            return _rows(values, key, widths.pop())
    return "[" + ",".join([_value(v, key) for v in values]) + "]"


def _rows(rows: Sequence[Sequence[Any]], key: str, width: int) -> str:
    """Rows of one width, rendered column by column: a column is mostly of one type (an id, a
    measure), so each is a list of one shape, and zip puts the rows back together."""
    if width == 0:
        return "[" + ",".join(["[]"] * len(rows)) + "]"
    columns = [_column(column, key) for column in zip(*rows, strict=True)]
    return "[[" + "],[".join(map(",".join, zip(*columns, strict=True))) + "]]"


def _column(values: Sequence[Any], key: str) -> Iterable[str]:
    kinds = set(map(type, values))
    if kinds == {str}:
        return _joined_texts(values, key).replace("\x00", '"\x00"').split("\x00")
    if kinds <= _SCALARS:
        return _scalars(values, kinds)
    return [_value(v, key) for v in values]


def _joined_texts(values: Sequence[str], key: str) -> str:
    """The texts escaped as the client escapes them, inside one pair of quotes, NUL between them."""
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:
        raise _Slow  # a text holds a NUL
    if joined.isascii():
        longest = max(map(len, values)) if key in INDEXED and len(joined) > MAX_INDEXED_BYTES else 0
    else:
        try:
            size = len(joined.encode("utf-8"))
            # Each text's own length in UTF-8; a lone surrogate fails the whole text's encoding above.
            longest = max(map(len, map(str.encode, values))) if key in INDEXED and size > MAX_INDEXED_BYTES else 0
        except UnicodeEncodeError:
            raise _Slow from None
    if longest > MAX_INDEXED_BYTES:
        raise _Slow
    return '"' + joined.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scalars(values: Sequence[Any], kinds: set[type]) -> Iterable[str]:
    if int in kinds:
        ints = values if kinds <= {int, bool} else [v for v in values if type(v) is int]
        if min(ints) < INT64_MIN or max(ints) > INT64_MAX:
            raise _Slow
    if type(None) in kinds:
        return map(_NULL.get, values, map(str, values))
    return map(str, values)
