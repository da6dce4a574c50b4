"""The embedded adapter's parameter header (kb/store/falkor_params.py).

The header must be, byte for byte, the text the falkordb client's `Graph._build_params_header`
makes of the same parameters, whatever their shape; values the engine cannot take must be refused
with the errors the adapter gave before, in the same order; and values sent that way must come
back from the engine unchanged.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from falkordb.graph import Graph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import QueryError
from kb.store import falkor_params
from kb.store.falkor_params import MAX_INDEXED_BYTES

# A client graph that never reaches an engine: the header is built without one.
CLIENT = Graph(SimpleNamespace(execute_command=None), "g")


def client_header(params: dict[str, Any]) -> str:
    return str(CLIENT._build_params_header(params))


def header(params: dict[str, Any]) -> str:
    return falkor_params.header(CLIENT, params)[1]


TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


def scalars(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(1 << 63), (1 << 63) - 1),
        floats,
        TEXT,
        st.sampled_from(['"', "\\", '\\"', "a\\\\b", "é€😀", "", "null", "None"]),
    )


def rows(scalar: st.SearchStrategy[Any]) -> st.SearchStrategy[list[list[Any]]]:
    """UNWIND rows as the loaders send them: rows of one width."""
    return st.integers(0, 5).flatmap(
        lambda width: st.lists(
            st.lists(st.one_of(scalar, st.lists(scalar, max_size=3)), min_size=width, max_size=width), max_size=8
        )
    )


SCALAR = scalars(st.floats(allow_nan=False, allow_infinity=False))
MAP_KEY = st.one_of(st.sampled_from(["id", "name", "@type", "a-b", "x y"]), TEXT.filter(lambda k: k and "`" not in k))
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(MAP_KEY, inner, max_size=4),
    ),
    max_leaves=40,
)
ROWS = rows(SCALAR)
# Rows whose columns are each of one type, as the measures write-back sends them.
TYPED_ROWS = st.lists(
    st.tuples(TEXT, st.floats(allow_nan=False, allow_infinity=False), st.integers(-5, 5), st.none() | st.floats()),
    max_size=8,
).map(lambda rows: [list(row) for row in rows])
NAME = st.one_of(st.sampled_from(["rows", "id", "keys", "wave"]), TEXT.filter(lambda k: k and "`" not in k))
PARAMS = st.dictionaries(NAME, st.one_of(VALUE, ROWS, TYPED_ROWS, st.lists(TEXT), st.lists(SCALAR)), max_size=4)


@settings(max_examples=600, deadline=None)
@given(PARAMS)
def test_the_header_is_the_clients_for_any_value(params):
    assert header(params) == client_header(params)


@pytest.mark.parametrize(
    "value,text",
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ('\\"', r'"\\\""'),
        ("", '""'),
        ("é€😀", '"é€😀"'),
        ([], "[]"),
        ([""], '[""]'),
        (["", ""], '["",""]'),
        (['a"', "b\\"], r'["a\"","b\\"]'),
        ([[1, 2], [3]], "[[1,2],[3]]"),
        ([[], []], "[[],[]]"),
        ([["a", 0.5, None], ["b", None, 2]], '[["a",0.5,null],["b",null,2]]'),
        ((1, (2, "x")), '[1,[2,"x"]]'),
        (1e-300, "1e-300"),
        (0.1, "0.1"),
        (-0.0, "-0.0"),
        ([1e16, 2.5, -0.0], "[1e+16,2.5,-0.0]"),
        (True, "True"),
        ([True, False, 1], "[True,False,1]"),
        (None, "null"),
        ([None, None], "[null,null]"),
        ({"@type": "x", "n": [1]}, '{`@type`:"x",`n`:[1]}'),
        (-(1 << 63), str(-(1 << 63))),
    ],
)
def test_values_are_written_as_the_client_writes_them(value, text):
    assert header({"x": value}) == f"CYPHER `x`={text} "
    assert header({"x": value}) == client_header({"x": value})


def test_no_parameters_still_give_the_header_word():
    # The adapter has always sent a header, an empty one for no parameters.
    assert falkor_params.header(CLIENT, None) == ({}, "CYPHER ")
    assert header({"a": 1, "b": "t"}) == 'CYPHER `a`=1 `b`="t" '


class Point:
    """A value of a type the fast pass does not know: the client renders it with str()."""

    def __str__(self) -> str:
        return "point({x: 1})"


class Text(str):
    pass


@pytest.mark.parametrize(
    "value", [b"raw", [b"raw", "t"], Point(), [Point()], Text('q"'), [Text("a"), "b"], {"k": (b"x",)}]
)
def test_shapes_the_fast_pass_leaves_get_the_clients_text(value):
    assert header({"x": value}) == client_header({"x": value})


@pytest.mark.parametrize(
    "params,message",
    [
        ({"": 1}, "Cypher parameter name cannot be empty"),
        ({"a`b": 1}, "Cypher parameter name cannot contain a backtick"),
        ({"x": {"": 1}}, "Cypher map key cannot be empty"),
        ({"x": [[{"a`": 1}]]}, "Cypher map key cannot contain a backtick"),
    ],
)
def test_names_the_client_refuses_are_refused_as_it_refuses_them(params, message):
    with pytest.raises(ValueError, match=message):
        header(params)


LONG = "k" * (MAX_INDEXED_BYTES + 1)
LONG_UTF8 = "é" * (MAX_INDEXED_BYTES // 2 + 1)  # 2 bytes each: 4,098 bytes in 2,049 characters


@pytest.mark.parametrize(
    "params,message",
    [
        ({"x": "a\x00b"}, "a parameter value contains a NUL character"),
        ({"rows": ["a", "b\x00"]}, "a parameter value contains a NUL character"),
        ({"rows": [["a", 1], ["b\x00", 2]]}, "a parameter value contains a NUL character"),
        ({"x": "half \ud800"}, r"holds a character with no UTF-8 form \('\\ud800'\)"),
        ({"rows": ["é", "\udc80"]}, r"holds a character with no UTF-8 form \('\\udc80'\)"),
        ({"rows": [["é"], ["\udc80"]]}, r"holds a character with no UTF-8 form \('\\udc80'\)"),
        ({"id": LONG}, f"'id' is {MAX_INDEXED_BYTES + 1} bytes long in UTF-8"),
        ({"id": ["a", LONG]}, f"'id' is {MAX_INDEXED_BYTES + 1} bytes long in UTF-8"),
        ({"id": ["é", LONG_UTF8]}, f"'id' is {MAX_INDEXED_BYTES + 2} bytes long in UTF-8"),
        ({"rows": [{"id": LONG}]}, f"'id' is {MAX_INDEXED_BYTES + 1} bytes long in UTF-8"),
        ({"rows": [[1 << 63]]}, "parameter 'rows' holds 9223372036854775808, outside the 64-bit integers"),
        ({"rows": [0.5, -(1 << 63) - 1]}, "parameter 'rows' holds -9223372036854775809, outside"),
        ({"rows": [None, 1 << 64]}, "parameter 'rows' holds 18446744073709551616, outside"),
        ({"x": {1: "a"}}, "parameter 'x' has a map key 1 that is not text"),
        # The integer check walks every parameter before the text checks, as before.
        ({"a": "x\x00", "b": [1 << 63]}, "parameter 'b' holds 9223372036854775808"),
    ],
)
def test_values_the_engine_cannot_take_are_refused_with_the_old_errors(params, message):
    with pytest.raises(QueryError, match=message):
        header(params)


def test_long_texts_are_refused_only_where_they_are_indexed():
    params = {"names": [LONG, LONG_UTF8], "rows": [[LONG]]}
    assert header(params) == client_header(params)


def test_many_ids_and_measure_rows_match_the_client():
    # The two shapes a national load sends most: lookups of ids, and measures rows to write back.
    ids = [f"syn:person:{i:06d}" for i in range(20_000)]
    rows = [[ids[i], i / 7, None if i % 3 else 0.25, i % 11, 1e-5 * i] for i in range(5_000)]
    params = {"keys": ids, "rows": rows, "wave": "syn:wave:1"}
    assert header(params) == client_header(params)


ROUND_TRIP = [
    'quote " and back\\slash',
    "",
    "é€😀 ﬁ",
    [],
    [["a", 0.1, None, 3], ["b", 1e-300, -2.5, -(1 << 63)]],
    [[1, [2, ["x"]]], []],
    {"@type": "t", "n": [True, False]},
    (1 << 63) - 1,
    0.1,
]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_values_sent_as_parameters_come_back_unchanged(embedded_store, value):
    expected = list(value) if isinstance(value, tuple) else value
    assert embedded_store.read("RETURN $x AS x", {"x": value}).single_value() == expected
    assert embedded_store.write("RETURN $x AS x", {"x": value}).single_value() == expected


def test_negative_zero_comes_back_negative(embedded_store):
    got = embedded_store.read("RETURN $x AS x", {"x": -0.0}).single_value()
    assert got == 0 and math.copysign(1.0, got) == -1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Within 1e300: the engine's 15-digit reply rounds the largest doubles up past the largest.
@given(rows(scalars(st.floats(-1e300, 1e300))))
def test_rows_of_any_shape_come_back_unchanged(embedded_store, sent):
    assert_same(embedded_store.write("RETURN $rows AS rows", {"rows": sent}).single_value(), sent)


def assert_same(got: Any, sent: Any) -> None:
    if isinstance(sent, float):
        # The engine replies with 15 significant digits, whichever way the value was written.
        assert got == pytest.approx(sent, rel=1e-14, abs=1e-300)
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent)
        for g, s in zip(got, sent, strict=True):
            assert_same(g, s)
    else:
        assert got == sent and type(got) is type(sent)
