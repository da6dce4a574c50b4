"""The embedded adapter's own reader of compact replies (kb/store/falkor_reply.py).

Every library query, with its defaults and with the first synthetic choice of each parameter (as
`kb bench` times them), must give on the demo and on a synthetic scale-0.02 England exactly the
rows the client library's parser gave, through the conversion the adapter used with it. Values of
every kind the engine returns (nested lists, maps, paths, points, dates and durations, empty
labels) are compared the same way, and rows that repeat a node must not share its values.
"""

from __future__ import annotations

import gc

import pytest
from falkordb.query_result import QueryResult

from kb.bench.latency import synthetic_values
from kb.errors import KBError
from kb.queries import get_query, library
from kb.store.falkor import _result
from kb.synth import synthesize
from loaders.wave.api import load_package
from support.demo_graph import demo_graph


def client_read(store, cypher: str, params: dict):
    """The read as the adapter made it before: the client's parser, then `_plain` on each value."""
    graph = store._graph
    reply = graph.execute_command(
        "GRAPH.RO_QUERY", graph.name, graph._build_params_header(params) + cypher, "--compact"
    )
    return _result(QueryResult(graph, reply))


def assert_reads_alike(store, cypher: str, params: dict | None = None) -> int:
    params = dict(params or {})
    new = store.read(cypher, params)
    old = client_read(store, cypher, params)
    assert new.columns == old.columns
    assert new.rows == old.rows
    assert new.counters.values == old.counters.values
    return len(new.rows)


@pytest.fixture(scope="module")
def loaded(kb_config, tmp_path_factory):
    with demo_graph(kb_config, graph="test-falkor-reply") as store:
        root = tmp_path_factory.mktemp("syn")
        synthesize(root, scale=0.02, seed=1)
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            load_package(store, folder)
        yield store


def test_every_library_query_reads_as_the_client_read_it(loaded):
    compared = 0
    rows = 0
    for query in library().values():
        for values in ({}, synthetic_values(loaded, query, "syn")):
            params = query.bind(values)
            if "survey_network" in query.requires and not params.get("site"):
                continue
            cypher, bound = query.for_store(loaded, params)
            rows += assert_reads_alike(loaded, cypher, bound)
            compared += 1
    assert compared >= len(library())
    assert rows > 1000  # the synthetic network and the demo's texts were read, not empty answers


def test_site_network_rows_share_no_values(loaded):
    query = get_query("site_network")
    params = query.bind(synthetic_values(loaded, query, "syn"))
    rows = loaded.read(*query.for_store(loaded, params)).rows
    by_respondent: dict[str, list[dict]] = {}
    for row in rows:
        by_respondent.setdefault(row["respondent"]["key"], []).append(row["respondent"])
    first, second = next(nodes for nodes in by_respondent.values() if len(nodes) > 1)[:2]
    assert first == second and first is not second
    assert first["properties"] is not second["properties"]
    assert first["properties"]["waves"] is not second["properties"]["waves"]


@pytest.mark.parametrize(
    "cypher",
    [
        "RETURN [1, [2, 'a'], null, true, 1.5] AS nested, {a: 1, b: [1, {c: 'x'}]} AS m",
        "RETURN point({latitude: 51.5, longitude: -0.12}) AS p, date('2013-04-01') AS d",
        "RETURN localdatetime('2013-04-01T10:20:30') AS t, duration('P1Y2M3DT4H') AS span",
        "MATCH p = (s:Study)-[:HAS_WAVE]->(w:Wave) RETURN p, s, w LIMIT 3",
        "MATCH (a)-[r]->(b) RETURN r, a, b, [a, b] AS both LIMIT 50",
        "MATCH (n) RETURN count(n) AS c",
        "MATCH (n:Nothing) RETURN n",
        "RETURN 'true' AS s, true AS b, false AS f, 1.5 AS d, '1.5' AS ds, -0.0 AS z, 1e300 AS big, "
        "3 AS i, -9007199254740993 AS wide, '' AS empty, null AS n, 'é' AS accented",
    ],
)
def test_values_of_every_kind_read_alike(loaded, cypher):
    assert_reads_alike(loaded, cypher)


def test_a_read_leaves_the_cycle_collector_as_it_found_it(loaded):
    # Paused while a reply is read and decoded, on again afterwards, also when the engine refuses;
    # and left off when the caller had turned it off.
    assert gc.isenabled()
    loaded.read("UNWIND range(1, 5000) AS i RETURN i, toString(i) AS s")
    assert gc.isenabled()
    with pytest.raises(KBError):
        loaded.read("RETURN nonesuch(1)")
    assert gc.isenabled()
    gc.disable()
    try:
        loaded.read("RETURN 1 AS one")
        assert not gc.isenabled()
    finally:
        gc.enable()
