"""The column-wise reader (columns.py, column_records.py) gives what the row path gives.

A package read column by column must become the same records, and load as the same graph, element
by element and with the same provenance, as when every file is read row by row; a file it cannot
read plainly goes to the row path, so refusals are the row path's own (the refusal tests check the
messages; these tests check that the column path is really taken and agrees).
"""

from __future__ import annotations

import json

import pytest

from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE, VOCAB_WAVE
from loaders.wave import validate
from loaders.wave.api import demo_packages, load_package
from loaders.wave.column_records import NotPlain, node_records, rel_records
from loaders.wave.columns import read_columns, simple_quoting
from loaders.wave.package import SPECS
from loaders.wave.reader import read_csv
from loaders.wave.spec import NodeFile

NODES = "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
RELATIONSHIPS = "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props"
WHEN = ("loaded_at", "history")  # the Wave's time of loading differs between two loads


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("columnar") / "england"
    synthesize(out, 0.02, seed=3)
    return [out / PACKAGES[VOCAB_WAVE], out / PACKAGES[NATIONAL_WAVE]]


def _read(path, columnar, monkeypatch):
    monkeypatch.setattr(validate, "COLUMNAR", columnar)
    return validate.read_and_validate(path)


def _graph(store):
    def plain(props):
        return json.dumps({k: v for k, v in props.items() if k not in WHEN}, sort_keys=True)

    nodes = sorted(json.dumps([row["labels"], plain(row["props"])]) for row in store.read(NODES).rows)
    rels = sorted(
        json.dumps([row["type"], row["start"], row["end"], plain(row["props"])])
        for row in store.read(RELATIONSHIPS).rows
    )
    return nodes, rels


def _columnar_files(package):
    """The package's CSV files that the column path reads whole (none goes to the row path)."""
    taken = []
    for path in sorted(package.glob("*.csv")):
        spec = SPECS[path.name]
        columns = read_columns(spec, path.read_bytes())
        if columns is None:
            continue
        try:
            node_records(columns, spec, None) if isinstance(spec, NodeFile) else rel_records(columns, spec)
        except NotPlain:
            continue
        taken.append(path.name)
    return taken


def test_the_synthetic_wave_is_read_column_by_column_whole(synthetic):
    national = synthetic[1]
    assert _columnar_files(national) == sorted(path.name for path in national.glob("*.csv"))


@pytest.mark.parametrize("which", ["demo", "synthetic"])
def test_both_paths_make_the_same_records(which, synthetic, monkeypatch):
    packages = demo_packages() if which == "demo" else synthetic
    for package in packages:
        rows, columns = _read(package, False, monkeypatch), _read(package, True, monkeypatch)
        assert columns.nodes == rows.nodes
        assert columns.relationships == rows.relationships
        assert columns.attached == rows.attached
        assert columns.labels == rows.labels
        assert columns.external_refs == rows.external_refs
        assert columns.source_hash == rows.source_hash


@pytest.mark.parametrize("which", ["demo", "synthetic"])
def test_both_paths_load_the_same_graph(which, synthetic, embedded_store, kb_config, monkeypatch):
    from kb.store import open_store

    packages = demo_packages() if which == "demo" else synthetic
    by_rows = open_store(kb_config, graph=embedded_store.graph_name + "_rows")
    by_rows.drop()
    by_rows.apply_schema()
    try:
        monkeypatch.setattr(validate, "COLUMNAR", False)
        for package in packages:
            load_package(by_rows, package)
        monkeypatch.setattr(validate, "COLUMNAR", True)
        for package in packages:
            load_package(embedded_store, package)
        assert _graph(embedded_store) == _graph(by_rows)
    finally:
        by_rows.drop()
        by_rows.close()


@pytest.mark.parametrize(
    ("data", "simple"),
    [
        (b'a,b\n"x, y",2\n', True),
        (b'a,b\n"say ""hi""",2\n', True),
        (b'a,b\n"",2\n', True),
        (b'a,b\n"abc"def,2\n', False),  # the stdlib reader refuses it; pyarrow would read abcdef
        (b'a,b\n"x" ,2\n', False),
        (b'a,b\nab"c,2\n', False),  # a quote inside an unquoted cell: the row reader decides
        (b'a,b\n"open,2\n', False),
    ],
)
def test_only_plain_quoting_is_read_by_columns(data, simple):
    assert simple_quoting(data) is simple


SITES = SPECS["sites.csv"]


def _row_numbers(data):
    table = read_csv(SITES, __import__("io").BytesIO(data), [])
    return [row.row for row in table.rows]


@pytest.mark.parametrize(
    "data",
    [
        b'id,name,kind,description\nt:site:a,A,ccg,\n"t:site:b",B,ccg,"two\nlines"\nt:site:c,C,ccg,\n',  # 2 lines
        b"id,name,kind\nt:site:a,A,ccg\n,,\n\n  , ,\nt:site:c,C,ccg\n",  # blank records are skipped, and counted
        b"\xef\xbb\xbfid,name,kind\r\nt:site:a,A,ccg\r\n",
    ],
)
def test_rows_are_numbered_as_the_row_reader_numbers_them(data):
    columns = read_columns(SITES, data)
    assert columns is not None
    assert columns.rows.tolist() == _row_numbers(data)


@pytest.mark.parametrize(
    "data",
    [
        b"id,name,kind\nt:site:a,A\n",  # a row short of a cell
        b"id,name,kind,extra\nt:site:a,A,ccg,x\n",  # an unknown column
        b"id,name\nt:site:a,A\n",  # a required column missing
        b"id;name;kind\nt:site:a;A;ccg\n",  # another delimiter
        b"id,name,kind\nt:site:\xff,A,ccg\n",  # not UTF-8
        b"id,name,kind\nt:site:a,A\x00,ccg\n",  # a NUL
        b"\nid,name,kind\nt:site:a,A,ccg\n",  # the header is not the first record
        b"\xff\xfei\x00d\x00",  # UTF-16
        b"",
    ],
)
def test_files_with_problems_of_form_go_to_the_row_reader(data):
    assert read_columns(SITES, data) is None


@pytest.mark.parametrize(
    ("file", "data"),
    [
        ("sites.csv", b"id,name,kind\nt:site:a,A,nowhere\n"),  # not a choice
        ("sites.csv", b"id,name,kind\nt site a,A,ccg\n"),  # not a namespaced id
        ("sites.csv", b"id,name,kind\n,A,ccg\n"),  # a required cell empty
        ("sites.csv", b'id,name,kind\nt:site:a,"A\nB",ccg\n'),  # a line break in one-line text
        ("sites.csv", b"id,name,kind\nt:site:\xc3\xa9,A,ccg\n"),  # a non-ASCII id: parse_cell's \\s decides
        ("site_observations.csv", b"site,population\nt:site:a,12.5\n"),  # not a whole number
        ("site_observations.csv", b"site,population\nt:site:a,\xd9\xa3\n"),  # Arabic-Indic 3: parse_cell decides
        ("site_observations.csv", b"site,board_density\nt:site:a,inf\n"),
        ("site_observations.csv", b"site,executive_support\nt:site:a,maybe\n"),
        ("site_observations.csv", b"site,population\nt:site:a,99999999999999999999\n"),
        ("advice_ties.csv", b"respondent,alter,relation\nt:person:a,t:person:a,advice\n"),  # a self-tie
        ("advice_ties.csv", b"respondent,alter,relation,weight\nt:person:a,t:person:b,advice,0\n"),  # above 0
    ],
)
def test_cells_the_row_path_must_judge_are_not_typed_by_columns(file, data):
    spec = SPECS[file]
    columns = read_columns(spec, data)
    assert columns is not None
    with pytest.raises(NotPlain):
        node_records(columns, spec, None) if isinstance(spec, NodeFile) else rel_records(columns, spec)


def test_plain_values_are_typed_as_parse_cell_types_them():
    spec = SPECS["site_observations.csv"]
    data = (
        b"site,pathfinder_wave,population,board_nurse,executive_support,board_density,pbc_roots,status\n"
        b" t:site:a ,+7,007,y,TRUE,1.,weak,  open  \n"
        b"t:site:b,-0,9223372036854775,No,0,.5,,\n"
        b"t:site:c,,  42,,1,2.2250738585072014e-308, strong ,x\n"
        b"t:site:d,12,-3,N,false,0.30000000000000004,none,\n"
    )
    columns = read_columns(spec, data)
    assert columns is not None
    [rows] = [read_csv(spec, __import__("io").BytesIO(data), []).rows]
    expected = [validate._typed(row, (spec.start, *spec.columns), columns.names, [])[0] for row in rows]
    made = rel_records(columns, spec)
    assert [{spec.start.name: rel.start, **rel.typed} for rel in made] == expected
    assert [type(rel.typed["board_density"]) for rel in made] == [float] * 4


def test_lists_are_split_and_trimmed_as_parse_cell_splits_them():
    spec = SPECS["initiatives.csv"]
    data = (
        b"id,name,site,clinical_areas,gp_leadership_levels\n"
        b"t:initiative:a,A,t:site:a, t:area:x ; ;t:area:y ;,strategic; practice\n"
        b"t:initiative:b,B,t:site:a,;,\n"
        b"t:initiative:c,C,t:site:a,t:area:x,programme\n"
    )
    columns = read_columns(spec, data)
    assert columns is not None
    rows = read_csv(spec, __import__("io").BytesIO(data), []).rows
    expected = [validate._typed(row, spec.columns, columns.names, [])[0] for row in rows]
    assert [record.typed for record in node_records(columns, spec, None)] == expected
    assert expected[0]["clinical_areas"] == ("t:area:x", "t:area:y") and expected[1]["clinical_areas"] is None
