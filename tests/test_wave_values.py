"""Cell values of the wave format: parsing by column type, messages, and the write/read round trip."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import Problem
from loaders.wave.reader import read_csv
from loaders.wave.spec import NODE_FILES, SITE_KINDS, Column
from loaders.wave.values import CellError, format_cell, parse_cell

SPEC_BY_FILE = {spec.file: spec for spec in NODE_FILES}


def col(type_: str, choices=()) -> Column:
    return Column("c", type_, choices=tuple(choices))


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (col("int"), " 42 ", 42),
        (col("int"), "-7", -7),
        (col("float"), "0.25", 0.25),
        (col("bool"), "Y", True),
        (col("bool"), "no", False),
        (col("bool"), "TRUE", True),
        (col("bool"), "0", False),
        (col("date"), "2014", "2014"),
        (col("date"), "2014-06", "2014-06"),
        (col("date"), "2016-02-29", "2016-02-29"),
        (col("enum", SITE_KINDS), "ccg", "ccg"),
        (col("list"), "Doe J; Roe R;", ["Doe J", "Roe R"]),
        (col("refs"), "t01:theme:a;t01:theme:b", ["t01:theme:a", "t01:theme:b"]),
        (col("ref"), "vocab:orgtype:pct", "vocab:orgtype:pct"),
        (col("text"), "two\nlines", "two\nlines"),
        (col("int"), "   ", None),
        (col("refs"), " ; ", None),
    ],
)
def test_cells_parse_to_typed_values(column, raw, expected):
    assert parse_cell(column, raw) == expected


@pytest.mark.parametrize(
    ("column", "raw", "message"),
    [
        (col("int"), "12.5", "'12.5' is not a whole number; write digits only, e.g. 42"),
        (col("float"), "n/a", "'n/a' is not a number; write it with a decimal point, e.g. 0.25"),
        (col("float"), "inf", "'inf' is not a finite number; write a number such as 0.25, or leave the cell empty"),
        (col("bool"), "maybe", "'maybe' is not a yes/no value; use one of Y, N, yes, no, true, false, 1, 0"),
        (col("date"), "2014-13", "'2014-13' is not an ISO date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2014-06"),
        (col("date"), "2015-02-29", "'2015-02-29' is not an ISO date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2014-06"),
        (
            col("enum", SITE_KINDS),
            "town",
            "'town' is not allowed; use one of ccg, locality, cluster, case, group, other",
        ),
        (
            col("list", ("strategic", "practice")),
            "strategic;board",
            "'board' is not allowed; use one of strategic, practice",
        ),
        (
            col("id"),
            "site A",
            "'site A' is not a namespaced id; write it as <study>:<kind>:<key> without spaces, e.g. t01:site:a",
        ),
        (
            col("ref"),
            "t01:site",
            "'t01:site' is not a namespaced id; write it as <study>:<kind>:<key> without spaces, e.g. t01:site:a",
        ),
        (col("str"), "one\ntwo", "a line break is not allowed in this column; put the value on one line"),
        # 64-bit integers: 2**63 - 1 is the largest, -2**63 the smallest; beyond them refused, never clamped
        (
            col("int"),
            "9223372036854775808",
            "'9223372036854775808' is out of range; a whole number must lie between "
            "-9223372036854775808 and 9223372036854775807 (64 bits), so check the value",
        ),
        (
            col("int"),
            "-9223372036854775809",
            "'-9223372036854775809' is out of range; a whole number must lie between "
            "-9223372036854775808 and 9223372036854775807 (64 bits), so check the value",
        ),
        # 5,000 digits: more than Python converts to int; the message quotes 60 of them
        (
            col("int"),
            "1" * 5000,
            f"'{'1' * 60}…' is out of range; a whole number must lie between "
            "-9223372036854775808 and 9223372036854775807 (64 bits), so check the value",
        ),
        (
            col("id"),
            "t01:site:" + "c" * 192,
            f"'t01:site:{'c' * 51}…' is 201 characters long; an id may have at most 200 characters, so shorten its key",
        ),
        (
            col("refs"),
            "t01:site:a;t01:site:" + "c" * 5000,
            f"'t01:site:{'c' * 51}…' is 5009 characters long; an id may "
            "have at most 200 characters, so shorten its key",
        ),
        (col("bool"), "yes\nno", "'yes\\nno' is not a yes/no value; use one of Y, N, yes, no, true, false, 1, 0"),
        (
            col("enum", SITE_KINDS),
            "x" * 70_000,
            f"'{'x' * 60}…' is not allowed; use one of ccg, locality, cluster, case, group, other",
        ),
    ],
)
def test_bad_cells_say_how_to_write_the_value(column, raw, message):
    with pytest.raises(CellError) as caught:
        parse_cell(column, raw)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("+0000000000000000000000042", 42),
    ],
)
def test_whole_numbers_up_to_64_bits_are_read(raw, expected):
    assert parse_cell(col("int"), raw) == expected


def test_an_id_of_200_characters_is_read():
    long_id = "t01:site:" + "c" * 191
    assert parse_cell(col("id"), long_id) == long_id


ANY_COLUMN = st.sampled_from(
    [col(kind) for kind in ("int", "float", "bool", "date", "str", "id", "ref", "refs")]
    + [col("enum", SITE_KINDS), col("list", ("strategic", "practice"))]
)
long_or_broken = st.one_of(
    st.text(), st.text(min_size=1).map(lambda t: t * 3000), st.sampled_from(["a\r\nb", "x\u2028y"])
)


@settings(max_examples=200)
@given(column=ANY_COLUMN, raw=long_or_broken)
def test_a_refused_cell_is_described_in_one_short_line(column, raw):
    try:
        parse_cell(column, raw)
    except CellError as exc:
        message = str(exc)
        assert message.splitlines() == [message]  # no line break of any kind, \u2028 included
        assert len(message) < 400


line_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).map(str.strip).filter(bool)
list_item = line_text.filter(lambda s: ";" not in s).map(str.strip).filter(bool)
ident = st.from_regex(r"[a-z0-9]{1,6}:[a-z]{1,6}:[a-z0-9._-]{1,8}", fullmatch=True)
iso_day = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
iso_date = st.one_of(iso_day, iso_day.map(lambda d: d[:7]), iso_day.map(lambda d: d[:4]))

VALUES_BY_TYPE = {
    "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "bool": st.booleans(),
    "date": iso_date,
    "str": line_text,
    "text": st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1)
    .map(str.strip)
    .filter(bool),
    "list": st.lists(list_item, min_size=1, max_size=4),
    "id": ident,
    "ref": ident,
    "refs": st.lists(ident, min_size=1, max_size=4),
}


@given(data=st.data(), type_=st.sampled_from(sorted(VALUES_BY_TYPE)))
def test_every_value_reads_back_from_the_cell_written_for_it(data, type_):
    value = data.draw(VALUES_BY_TYPE[type_])
    column = col(type_)
    assert parse_cell(column, format_cell(column, value)) == value


organisation_types = SPEC_BY_FILE["organisation_types.csv"]
free_text = VALUES_BY_TYPE["text"]


@settings(max_examples=60)
@given(rows=st.lists(st.tuples(line_text, free_text), min_size=1, max_size=5), bom=st.booleans())
def test_csv_text_with_quotes_commas_and_line_breaks_reads_back(rows, bom):
    # Written with the csv module's RFC 4180 quoting, read back by the reader, row numbers counting records.
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "name", "description"])
    for number, (name, description) in enumerate(rows):
        writer.writerow([f"t01:orgtype:{number}", name, description])
    data = (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
    problems: list[Problem] = []
    table = read_csv(organisation_types, io.BytesIO(data), problems)
    assert problems == []
    assert [row.row for row in table.rows] == list(range(2, len(rows) + 2))
    assert [(row.cells["name"].strip(), row.cells["description"].strip()) for row in table.rows] == rows
