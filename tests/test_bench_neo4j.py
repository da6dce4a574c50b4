"""`kb bench --engine neo4j`: refuses what it cannot measure, and measures a small run where a Neo4j exists."""

from __future__ import annotations

import pytest

from kb.errors import UsageError
from support.cli import run_kb


def test_it_needs_a_neo4j_server(tmp_path):
    done = run_kb("bench", "--engine", "neo4j", "--scale", "0.02", data_dir=tmp_path)
    assert (done.exit_code, done.stdout) == (UsageError.exit_code, "")
    assert done.error_lines == ["error: kb bench --engine neo4j needs a Neo4j server: pass --uri or set NEO4J_URI"]


@pytest.fixture
def server(neo4j_store, neo4j_target, monkeypatch):
    """The test server, named the way `kb bench` finds it: through the environment, for this test only."""
    monkeypatch.delenv("NEO4J_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_target.env["NEO4J_PASSWORD"])
    return neo4j_target.config


@pytest.mark.neo4j
def test_it_refuses_a_database_that_holds_anything(server, neo4j_store):
    from kb.bench.on_neo4j import run_neo4j_benchmark

    neo4j_store.write("CREATE (:Site {id: 'keep me'})")
    with pytest.raises(UsageError, match=r"holds 1 nodes: point it at an empty one$"):
        run_neo4j_benchmark(server, scale=0.02)
    assert neo4j_store.read("MATCH (s:Site) RETURN s.id AS id").values("id") == ["keep me"]


@pytest.mark.neo4j
def test_a_small_run_loads_stages_reloads_and_empties_the_database(server, neo4j_store, tmp_path):
    from kb.bench.on_neo4j import run_neo4j_benchmark

    figures = run_neo4j_benchmark(server, scale=0.02, work_dir=tmp_path)
    fresh, reload = figures["load"]["fresh"], figures["load"]["reload"]
    assert fresh["status"] == "loaded" and fresh["created_total"] == fresh["expected_elements"]
    unit = fresh["unit"]
    assert unit["staged_nodes"] > 0 and unit["staged_relationships"] > 0 and unit["staged_batches"] > 0
    assert reload["status"] == "unchanged" and reload["changed_nothing"]
    assert figures["load"]["literature"]["status"] == "loaded"
    assert not [q for q in figures["queries"] if "error" in q]
    assert neo4j_store.read("MATCH (n) RETURN count(n) AS c").single_value() == 0
