"""A file read by columns a batch of rows at a time (columns.read_column_batches) gives what the whole
file gives: the same cells and row numbers across batch boundaries, the same records, and a file
found malformed in a later batch goes to the row path, which names its problems as ever."""

from __future__ import annotations

import pyarrow as pa
import pytest

from kb.errors import ValidationError
from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE
from loaders.wave import columns, validate
from loaders.wave.columns import NotColumnar, read_column_batches, read_columns
from loaders.wave.package import SPECS

SMALL = 2048  # bytes of a file per batch: a synthetic file of scale 0.02 then takes many


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    out = tmp_path_factory.mktemp("batches") / "england"
    synthesize(out, 0.02, seed=4)
    return out / PACKAGES[NATIONAL_WAVE]


def _joined(batches):
    parts = list(batches)
    names = parts[0].names
    cells = {name: pa.concat_arrays([part.cells[name] for part in parts]).to_pylist() for name in names}
    return len(parts), names, cells, [row for part in parts for row in part.rows.tolist()]


def _whole(table):
    return table.names, {name: array.to_pylist() for name, array in table.cells.items()}, table.rows.tolist()


def test_batches_of_every_synthetic_file_join_to_the_whole_file(national):
    many = 0
    for path in sorted(national.glob("*.csv")):
        data = path.read_bytes()
        count, names, cells, rows = _joined(read_column_batches(SPECS[path.name], data, SMALL))
        assert (names, cells, rows) == _whole(read_columns(SPECS[path.name], data)), path.name
        many += count > 1
    assert many >= 3  # the larger files really were read in several batches


@pytest.mark.parametrize("batch_bytes", [64, 100, 256])
def test_rows_keep_their_numbers_across_batches(batch_bytes):
    spec = SPECS["sites.csv"]
    rows = [b"t:site:%03d,Site %d,ccg," % (n, n) for n in range(40)]
    rows[5] = b't:site:005,"Site\nfive",ccg,"two\nlines"'  # one record, two lines
    rows[17] = b",,,"  # a blank record: skipped, and counted
    rows[30] = b""
    data = b"id,name,kind,description\n" + b"\n".join(rows) + b"\n"
    count, _, cells, numbers = _joined(read_column_batches(spec, data, batch_bytes))
    assert count > 1
    expected = [n + 2 for n in range(40) if n not in (17, 30)]
    assert numbers == expected
    assert cells["name"][5] == "Site\nfive"


def test_a_row_malformed_in_a_later_batch_sends_the_file_to_the_row_path(national, tmp_path, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    for path in national.iterdir():
        (package / path.name).write_bytes(path.read_bytes())
    ties = package / "advice_ties.csv"
    lines = ties.read_bytes().splitlines(keepends=True)
    at = len(lines) - 3  # the index of the record, the header first: row at + 1
    lines.insert(at, b"syn:person:0000001,syn:person:0000002,advice,0.5,here,one too many\n")
    ties.write_bytes(b"".join(lines))
    batches = read_column_batches(SPECS["advice_ties.csv"], ties.read_bytes(), SMALL)
    assert batches is not None  # the first batch is plain
    with pytest.raises(NotColumnar):
        list(batches)
    monkeypatch.setattr(columns, "BATCH_BYTES", SMALL)
    with pytest.raises(ValidationError) as by_batches:
        validate.read_and_validate(package)
    monkeypatch.setattr(validate, "COLUMNAR", False)
    with pytest.raises(ValidationError) as by_rows:
        validate.read_and_validate(package)
    assert [str(problem) for problem in by_batches.value.problems] == [str(p) for p in by_rows.value.problems]
    assert [problem.row for problem in by_rows.value.problems] == [at + 1]


def test_a_package_read_in_small_batches_makes_the_row_paths_records(national, monkeypatch):
    monkeypatch.setattr(columns, "BATCH_BYTES", SMALL)
    by_batches = validate.read_and_validate(national)
    monkeypatch.setattr(validate, "COLUMNAR", False)
    by_rows = validate.read_and_validate(national)
    assert by_batches.nodes == by_rows.nodes
    assert by_batches.relationships == by_rows.relationships
    assert by_batches.labels == by_rows.labels


def test_a_file_streamed_gives_the_batches_of_its_bytes_read_whole(national):
    for path in sorted(national.glob("*.csv")):
        spec, data = SPECS[path.name], path.read_bytes()
        with path.open("rb") as stream:
            streamed = columns.stream_column_batches(spec, stream, SMALL)
            assert streamed is not None, path.name
            assert _joined(streamed) == _joined(read_column_batches(spec, data, SMALL)), path.name


@pytest.mark.parametrize(
    "text",
    [
        b'id,name\n"a,b",c\n',  # a quoted comma
        b'id,name\n"say ""hi""",c\n',  # escaped quotes
        b'id,name\na"b,c\n',  # a quote inside an unquoted cell: the row reader reads it
        b'id,name\n"ab"c,d\n',  # more of the cell after its closing quote: refused by the stdlib reader
        b'id,name\n"unclosed,c\n',
        b'"id","name"\n"""",""\n',
    ],
)
def test_quoting_checked_a_piece_at_a_time_is_the_whole_files(text):
    # every way of cutting the bytes in two or three pieces, quotes split across the cuts
    for first in range(len(text) + 1):
        for second in range(first, len(text) + 1, 3):
            scan = columns.QuoteScan()
            for piece in (text[:first], text[first:second], text[second:]):
                scan.feed(piece)
            assert scan.simple() == columns.simple_quoting(text), (text, first, second)


def test_a_streamed_file_with_a_late_nul_goes_to_the_row_path(tmp_path):
    spec = SPECS["sites.csv"]
    header = ",".join(column.name for column in spec.columns if column.required)
    path = tmp_path / "sites.csv"
    assert header == "id,name,kind"
    # past the first bytes the reader looks at before it starts (a NUL there: None at once)
    path.write_bytes(b"id,name,kind\n" + b"a,b,c\n" * 20_000 + b"a,b\x00,c\n")
    with path.open("rb") as stream:
        batches = columns.stream_column_batches(spec, stream, 4096)
        assert batches is not None
        with pytest.raises(NotColumnar):
            list(batches or ())
