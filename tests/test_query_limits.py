"""Limits on reads: a time limit the engine enforces, a row cap on Cypher given as text, and LOAD CSV
refused on the embedded engine's read path by its plan.

The runaway is a four-way cartesian product of every node of the demo (hundreds of nodes to the
fourth power: minutes of work), so only the limit can end it within the test's bounds.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from kb.config import CONSOLE_TIMEOUT_S, MAX_ROWS, QUERY_TIMEOUT_S, load_config
from kb.errors import ConfigError, NotFound, QueryError, QueryTimeout, ReadOnlyViolation
from kb.queries import run_cypher, run_named
from kb.store import open_store
from support.cli import run_kb
from support.demo_graph import demo_graph

RUNAWAY = "MATCH (a),(b),(c),(d) RETURN count(*) AS n"
# Table 2 of study 1: Site A serves a population of 300,000.
SITE_A_POPULATION = "MATCH (:Site {id: 'z13:site:A'})-[o:OBSERVED_IN]->(:Wave) RETURN o.population AS population"
LOAD_REFUSAL = (
    "the read-only path does not run LOAD CSV, which makes the database server fetch a file or URL; "
    "run it with --write if you mean it"
)


@pytest.fixture(scope="module")
def demo(kb_config):
    """The demo in the graph the `kb` command opens by default in the test data directory."""
    with demo_graph(kb_config) as store:
        yield store


# -- time limits ---------------------------------------------------------------------------------


def test_a_runaway_read_stops_at_its_limit_and_the_same_store_keeps_working(demo):
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        demo.read(RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 5
    assert str(stopped.value) == (
        "the query stopped at its time limit of 0.5 s; raise it with --timeout SECONDS "
        "or KB_QUERY_TIMEOUT (0 for none), or narrow the query"
    )
    assert 300000 in demo.read(SITE_A_POPULATION).values("population")


def test_another_connection_is_answered_while_a_runaway_runs(demo, kb_config):
    outcome: list[BaseException] = []

    def runaway() -> None:
        try:
            demo.read(RUNAWAY, timeout=4)
        except QueryTimeout as exc:
            outcome.append(exc)

    worker = threading.Thread(target=runaway)
    worker.start()
    try:
        time.sleep(0.5)  # the runaway is under way
        with open_store(kb_config) as other:
            started = time.monotonic()
            populations = other.read(SITE_A_POPULATION).values("population")
            answered_in = time.monotonic() - started
        assert worker.is_alive(), "the runaway ended before the other connection was answered"
    finally:
        worker.join(timeout=30)
    assert 300000 in populations
    assert answered_in < 1.0
    assert len(outcome) == 1 and outcome[0].limit_s == 4


def test_the_library_paths_take_a_limit_and_default_to_ten_seconds(demo):
    assert QUERY_TIMEOUT_S == 10 and CONSOLE_TIMEOUT_S == 5
    with pytest.raises(QueryTimeout):
        run_cypher(demo, RUNAWAY, {}, timeout=0.3)
    rows = run_named(demo, "compare_sites", {"study": "z13"}, timeout=QUERY_TIMEOUT_S).rows
    assert {row["site"]: row["population"] for row in rows}["z13:site:A"] == 300000


class RecordedLimits:
    """The demo store, noting the time limit of every read it is asked for (the engine answers)."""

    def __init__(self, store):
        self.store, self.kind, self.limits = store, store.kind, []

    def read(self, cypher, params=None, **options):
        self.limits.append(options.get("timeout"))
        return self.store.read(cypher, params, **options)


def test_every_read_of_a_survey_network_question_is_held_to_its_limit(demo):
    recorded = RecordedLimits(demo)
    # The demo holds no survey ties (neither study published who advises whom), so the check
    # before the query refuses it: that check's read, too, ran under the query's limit.
    with pytest.raises(NotFound, match="no survey network is loaded for z13:site:A"):
        run_named(recorded, "knowledge_brokers", {"site": "z13:site:A"}, timeout=3.0)
    assert recorded.limits and set(recorded.limits) == {3.0}  # every read, the survey-network check's too


@pytest.mark.parametrize("timeout,max_rows", [(0, None), (-1, None), (None, 0), (None, -5), (None, 2.5)])
def test_limits_that_cannot_be_honoured_are_refused(store, timeout, max_rows):
    with pytest.raises(QueryError):
        store.read("RETURN 1 AS one", timeout=timeout, max_rows=max_rows)


@pytest.mark.neo4j
def test_neo4j_stops_a_runaway_at_its_limit_and_keeps_answering(neo4j_store):
    neo4j_store.write("UNWIND range(1, 300) AS i CREATE (:Site {id: 'limit:' + toString(i)})")
    with pytest.raises(QueryTimeout) as stopped:
        neo4j_store.read(RUNAWAY, timeout=1)
    assert stopped.value.limit_s == 1
    assert neo4j_store.read("MATCH (s:Site) RETURN count(s) AS n").single_value() == 300


# -- the row cap ---------------------------------------------------------------------------------


def test_a_read_keeps_the_first_rows_up_to_the_cap_and_says_it_was_truncated(store):
    capped = store.read("UNWIND range(1, 25) AS i RETURN i", max_rows=10)
    assert capped.values("i") == list(range(1, 11)) and capped.truncated
    assert capped.truncation_note() == (
        "the result was truncated at 10 rows; raise the cap with --max-rows ROWS or KB_MAX_ROWS (0 for none), "
        "or narrow the query"
    )
    exact = store.read("UNWIND range(1, 25) AS i RETURN i", max_rows=25)
    assert len(exact) == 25 and not exact.truncated and exact.truncation_note() is None
    assert len(store.read("UNWIND range(1, 25) AS i RETURN i")) == 25


def test_cypher_given_as_text_is_capped_by_default(demo):
    assert MAX_ROWS == 10_000
    result = run_cypher(demo, "UNWIND range(1, 10005) AS i RETURN i", {})
    assert len(result) == MAX_ROWS and result.truncated
    assert not run_cypher(demo, "UNWIND range(1, 10005) AS i RETURN i", {}, max_rows=None).truncated


# -- LOAD CSV on the embedded engine's read path ---------------------------------------------------


@pytest.fixture
def csv_server():
    """An https:// address on this machine whose listener counts the connections made to it: the
    engine fetches only https URLs, and any attempt to fetch one shows as a connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    connections: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append("connected")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}", connections
    stop.set()
    thread.join(timeout=5)
    listener.close()


@pytest.mark.parametrize(
    "template",
    [
        "LOAD CSV FROM '{url}/a.csv' AS row RETURN row",
        "load csv with headers from '{url}/b.csv' AS row RETURN row",
        "WITH 1 AS x LOAD /* a comment */ CSV FROM '{url}/c.csv' AS row RETURN row",
        "MATCH (s:Site) RETURN s.id AS row UNION LOAD CSV FROM '{url}/d.csv' AS row RETURN row[0] AS row",
        "CALL {{ LOAD CSV FROM '{url}/e.csv' AS row RETURN row }} RETURN row",
    ],
)
def test_load_csv_is_refused_on_the_read_path_and_fetches_nothing(embedded_store, csv_server, template):
    url, connections = csv_server
    with pytest.raises(ReadOnlyViolation) as refused:
        embedded_store.read(template.format(url=url))
    assert str(refused.value) == LOAD_REFUSAL
    assert connections == []


def test_load_csv_from_a_parameter_is_refused_too(embedded_store, csv_server):
    url, connections = csv_server
    with pytest.raises(ReadOnlyViolation):
        embedded_store.read("LOAD CSV FROM $url AS row RETURN row", {"url": url + "/p.csv"})
    assert connections == []


def test_the_write_path_does_fetch_so_the_refusal_is_what_stops_it(embedded_store, csv_server):
    url, connections = csv_server
    # The listener speaks no TLS, so the fetch fails after connecting; the engine then returns no rows.
    assert embedded_store.write(f"LOAD CSV FROM '{url}/w.csv' AS row RETURN row").rows == []
    assert connections


def test_reads_that_only_mention_load_still_run(embedded_store):
    embedded_store.write("CREATE (:Site {id: 'load', name: 'Download centre'})")
    assert embedded_store.read("MATCH (s:Site) WHERE s.name CONTAINS 'load' RETURN s.id AS id").values("id") == ["load"]


# -- configuration ------------------------------------------------------------------------------------


def test_limits_come_from_the_file_then_the_environment(tmp_path):
    settings = tmp_path / "kb.toml"
    settings.write_text("[kb]\nquery_timeout = 30\nconsole_timeout = 'none'\nmax_rows = 500\n")
    from_file = load_config(env={"KB_CONFIG": str(settings)})
    assert (from_file.query_timeout, from_file.console_timeout, from_file.max_rows) == (30.0, None, 500)
    from_env = load_config(env={"KB_CONFIG": str(settings), "KB_QUERY_TIMEOUT": "2.5", "KB_MAX_ROWS": "0"})
    assert (from_env.query_timeout, from_env.console_timeout, from_env.max_rows) == (2.5, None, None)
    defaults = load_config(env={})
    assert (defaults.query_timeout, defaults.console_timeout, defaults.max_rows) == (10.0, 5.0, 10_000)


@pytest.mark.parametrize(
    "env,message",
    [
        ({"KB_QUERY_TIMEOUT": "-1"}, "KB_QUERY_TIMEOUT must be a number of seconds, or 0 or 'none' for no limit"),
        ({"KB_CONSOLE_TIMEOUT": "soon"}, "KB_CONSOLE_TIMEOUT must be a number of seconds"),
        ({"KB_MAX_ROWS": "1.5"}, "KB_MAX_ROWS must be a whole number of rows, or 0 or 'none' for no cap"),
    ],
)
def test_a_bad_limit_names_where_it_came_from(env, message):
    with pytest.raises(ConfigError, match=message):
        load_config(env=env)


# -- the command ----------------------------------------------------------------------------------------


def test_kb_query_stops_at_its_timeout_with_one_line(demo, kb_config):
    result = run_kb("--data-dir", kb_config.data_dir, "query", "--cypher", RUNAWAY, "--timeout", "0.5")
    assert result.exit_code == 1, str(result)
    assert result.error_lines == [
        "error: the query stopped at its time limit of 0.5 s; raise it with --timeout SECONDS "
        "or KB_QUERY_TIMEOUT (0 for none), or narrow the query"
    ]
    from_env = run_kb("query", "--cypher", RUNAWAY, data_dir=kb_config.data_dir, env={"KB_QUERY_TIMEOUT": "0.4"})
    assert from_env.error_lines[0].startswith("error: the query stopped at its time limit of 0.4 s"), str(from_env)


def test_kb_query_notes_a_truncated_result_on_stderr(demo, kb_config):
    cypher = "UNWIND range(1, 5) AS i RETURN i"
    result = run_kb("query", "--cypher", cypher, "--max-rows", "3", "--format", "csv", data_dir=kb_config.data_dir)
    assert result.exit_code == 0, str(result)
    assert result.stdout.split() == ["i", "1", "2", "3"]
    assert result.error_lines == [
        "note: the result was truncated at 3 rows; raise the cap with --max-rows ROWS or KB_MAX_ROWS (0 for none), "
        "or narrow the query"
    ]
    whole = run_kb(
        "query", "--cypher", cypher, "--format", "csv", data_dir=kb_config.data_dir, env={"KB_MAX_ROWS": "5"}
    )
    assert whole.stdout.split() == ["i", "1", "2", "3", "4", "5"] and whole.stderr == ""


@pytest.mark.parametrize("flag,value", [("--timeout", "abc"), ("--timeout", "-2"), ("--max-rows", "ten")])
def test_kb_query_refuses_a_bad_limit(demo, kb_config, flag, value):
    result = run_kb("query", "--cypher", "RETURN 1 AS one", flag, value, data_dir=kb_config.data_dir)
    assert result.exit_code == 2, str(result)
    assert len(result.error_lines) == 1 and result.error_lines[0].startswith(f"error: {flag} must be"), str(result)


# -- Neo4j's time-out codes, without a server ----------------------------------------------------------


def neo4j_failure(code: str, message: str):
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code=code, message=message)  # as the driver builds a server's FAILURE


def test_neo4j_stopping_at_the_limit_sent_names_that_limit():
    from kb.store.neo4j_errors import translate

    error = translate(
        neo4j_failure(
            "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
            "The transaction has been terminated. Retry your operation in a new transaction, and you should see "
            "a successful result. The transaction has not completed within the timeout specified at its start "
            "by the client. You may want to retry with a longer timeout.",
        ),
        "bolt://db.example:7687",
        reading=True,
        timeout=2.5,
    )
    assert isinstance(error, QueryTimeout) and error.limit_s == 2.5
    assert str(error) == (
        "the query stopped at its time limit of 2.5 s; raise it with --timeout SECONDS "
        "or KB_QUERY_TIMEOUT (0 for none), or narrow the query"
    )


def test_neo4j_stopping_at_its_own_limit_says_so():
    from kb.store.neo4j_errors import translate

    error = translate(
        neo4j_failure(
            "Neo.ClientError.Transaction.TransactionTimedOut",
            "The transaction has not completed within the specified timeout (db.transaction.timeout).",
        ),
        "bolt://db.example:7687",
        reading=True,
        timeout=10,
    )
    assert isinstance(error, QueryTimeout) and error.limit_s is None
    assert str(error) == (
        "the query stopped at the server's own time limit (db.transaction.timeout); "
        "ask its administrator to raise it, or narrow the query"
    )


# -- kb.connect ------------------------------------------------------------------------------------------


def test_the_python_api_keeps_the_configured_limits(demo, kb_config, monkeypatch):
    import kb

    monkeypatch.setenv("KB_MAX_ROWS", "3")
    monkeypatch.setenv("KB_QUERY_TIMEOUT", "0.4")
    with kb.connect(data_dir=kb_config.data_dir) as k:
        with pytest.warns(UserWarning, match="the result was truncated at 3 rows"):
            table = k.cypher("UNWIND range(1, 5) AS i RETURN i")
        assert table["i"].tolist() == [1, 2, 3] and table.attrs["truncated"]
        with pytest.raises(QueryTimeout, match="time limit of 0.4 s"):
            k.cypher(RUNAWAY)
        assert not k.cypher("UNWIND range(1, 3) AS i RETURN i").attrs["truncated"]
