"""What the Neo4j adapter does that can be shown without a server, on the installed driver's own objects.

Driver settings are checked by constructing a real driver (the driver refuses unknown settings and
connects only when first used); values are real neo4j.time / neo4j.spatial / neo4j.graph objects;
errors are real driver exception classes, server errors built the way the driver builds them from a
server's FAILURE message (`Neo4jError._hydrate_neo4j`, neo4j/_sync/io/_bolt/_common.py). The same
behaviours run against a real server in the engine-parametrised suite.
"""

from __future__ import annotations

import pytest
import yaml
from dateutil.relativedelta import relativedelta
from neo4j import READ_ACCESS, GraphDatabase
from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired, TransactionError
from neo4j.graph import Graph, Node
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from kb import schema
from kb.errors import ConfigError, EngineError, QueryError, ReadOnlyViolation
from kb.store.base import check_values
from kb.store.falkor import iso_duration
from kb.store.neo4j import driver_options, read_password, session_options
from kb.store.neo4j_errors import translate
from kb.store.neo4j_readonly import reaches_unlabelled, refusal
from kb.store.neo4j_schema import statements
from kb.store.neo4j_values import plain
from support.neo4j_target import NEO4J_IMAGE, target_from
from support.paths import REPO

ADDRESS = "bolt://db.example:7687"


def server_error(code: str, message: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


# -- driver settings -------------------------------------------------------------------------


def test_the_driver_accepts_every_setting_and_the_server_is_asked_for_no_notifications():
    options = driver_options()
    assert options["notifications_min_severity"] == "OFF"
    assert 0 < options["liveness_check_timeout"] < options["max_connection_lifetime"] < 3600
    # The driver raises ConfigurationError for a setting it does not know; it connects lazily.
    driver = GraphDatabase.driver("neo4j://127.0.0.1:1", auth=("neo4j", "unused"), **options)
    driver.close()


def test_every_session_shares_the_drivers_bookmark_manager():
    driver = GraphDatabase.driver("neo4j://127.0.0.1:1", auth=("neo4j", "unused"), **driver_options())
    try:
        options = session_options(driver, "neo4j", READ_ACCESS)
        assert options["bookmark_manager"] is driver.execute_query_bookmark_manager
        assert options["database"] == "neo4j" and options["default_access_mode"] == READ_ACCESS
        driver.session(**options).close()  # a real session takes them
    finally:
        driver.close()


# -- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        (Date(2020, 1, 2), "2020-01-02"),
        (DateTime(2020, 1, 2, 3, 4, 5), "2020-01-02T03:04:05.000000000"),
        (Time(3, 4, 5), "03:04:05.000000000"),
        (Duration(months=1, days=2), "P1M2D"),
        (Duration(months=14, days=3, seconds=4 * 3600 + 5 * 60 + 6), "P1Y2M3DT4H5M6S"),
        (WGS84Point((-0.125, 51.5)), {"longitude": -0.125, "latitude": 51.5}),
        (WGS84Point((-0.125, 51.5, 20.0)), {"longitude": -0.125, "latitude": 51.5, "height": 20.0}),
        (CartesianPoint((1.0, 2.0)), {"x": 1.0, "y": 2.0}),
        (CartesianPoint((1.0, 2.0, 3.0)), {"x": 1.0, "y": 2.0, "z": 3.0}),
        (
            [Date(2020, 1, 2), {"at": WGS84Point((0.0, 50.0))}],
            ["2020-01-02", {"at": {"longitude": 0.0, "latitude": 50.0}}],
        ),
    ],
    ids=["date", "datetime", "time", "duration", "long-duration", "geo", "geo-3d", "xy", "xyz", "nested"],
)
def test_driver_values_become_plain_values(value, expected):
    assert plain(value) == expected


def test_node_properties_become_plain_values_too():
    node = Node(Graph(), "4:kb:1", 1, ["Site"], {"id": "s", "opened": Date(2020, 1, 2), "at": WGS84Point((0.0, 50.0))})
    assert plain(node) == {
        "element": "node",
        "key": "4:kb:1",
        "labels": ["Site"],
        "properties": {"id": "s", "opened": "2020-01-02", "at": {"longitude": 0.0, "latitude": 50.0}},
    }


@pytest.mark.parametrize(
    "span,expected",
    [
        (relativedelta(months=1, days=2), "P1M2D"),
        (relativedelta(years=1, months=2, days=3, hours=4, minutes=5, seconds=6), "P1Y2M3DT4H5M6S"),
        (relativedelta(hours=1, minutes=30), "PT1H30M"),
        (relativedelta(seconds=1, microseconds=500000), "PT1.5S"),
        (relativedelta(), "PT0S"),
    ],
)
def test_the_embedded_engines_durations_are_written_as_neo4j_writes_them(span, expected):
    assert iso_duration(span) == expected


# -- parameters ------------------------------------------------------------------------------


def test_values_no_engine_stores_unchanged_are_refused_before_sending():
    with pytest.raises(QueryError) as big:
        check_values({"n": 1 << 64})
    assert str(big.value) == (
        "parameter 'n' holds 18446744073709551616, outside the 64-bit integers the engines store; pass it as text"
    )
    with pytest.raises(QueryError) as nested:
        check_values({"rows": [{"id": "a", "n": -(1 << 63) - 1}]})
    assert str(nested.value).startswith("parameter 'rows' holds -9223372036854775809, outside")
    with pytest.raises(QueryError) as key:
        check_values({"m": {1: "x"}})
    assert str(key.value) == "parameter 'm' has a map key 1 that is not text"
    edges = {"low": -(1 << 63), "high": (1 << 63) - 1, "flag": True, "none": None, "list": [1.5, "x"]}
    assert check_values(edges) == edges


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error,kind,message",
    [
        (
            SessionExpired("Failed to read from defunct connection"),
            EngineError,
            "lost the connection to Neo4j at bolt://db.example:7687 (Failed to read from defunct connection); "
            "check the server, then run it again",
        ),
        (
            ServiceUnavailable("Unable to retrieve routing information"),
            EngineError,
            "lost the connection to Neo4j at bolt://db.example:7687 (Unable to retrieve routing information); "
            "check the server, then run it again",
        ),
        (
            IncompleteCommit("Connection closed during commit"),
            QueryError,
            "lost the connection to Neo4j while it committed, so the change may or may not be saved; "
            "check with `kb status` or `kb waves`, then run it again",
        ),
        (
            TransactionError(None, "Transaction closed"),
            QueryError,
            "the Neo4j driver could not complete the query (Transaction closed)",
        ),
        (
            OverflowError("Integer 18446744073709551616 out of range"),
            QueryError,
            "a parameter cannot be sent to Neo4j (Integer 18446744073709551616 out of range); "
            "pass text, numbers, booleans, lists or maps",
        ),
        (
            TypeError("Map keys must be strings, not <class 'int'>"),
            QueryError,
            "a parameter cannot be sent to Neo4j (Map keys must be strings, not <class 'int'>); "
            "pass text, numbers, booleans, lists or maps",
        ),
        (
            server_error(
                "Neo.ClientError.Statement.SyntaxError", "Invalid input ')' (line 1, column 9)\n\"MATCH (n\"\n ^"
            ),
            QueryError,
            "Neo4j refused the query: Invalid input ')' (line 1, column 9)",
        ),
        (
            server_error(
                "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                "The allocation of an extra 2.0 MiB would use more than the limit 1.4 GiB. "
                "dbms.memory.transaction.total.max threshold reached",
            ),
            QueryError,
            "Neo4j ran out of transaction memory (The allocation of an extra 2.0 MiB would use more than the limit "
            "1.4 GiB. dbms.memory.transaction.total.max threshold reached); nothing was written: give the server "
            "more (dbms.memory.transaction.total.max and the heap, see docker-compose.yml) and run it again",
        ),
        (
            server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized"),
            ConfigError,
            "Neo4j refused the username or password; check NEO4J_USERNAME and NEO4J_PASSWORD",
        ),
        (
            server_error("Neo.ClientError.Security.Forbidden", "Schema operations are not allowed for user 'reader'"),
            QueryError,
            "Neo4j does not allow this user to do that (Schema operations are not allowed for user 'reader'); "
            "ask its administrator",
        ),
    ],
    ids=[
        "session-expired",
        "unavailable",
        "incomplete-commit",
        "transaction",
        "int-overflow",
        "map-key",
        "syntax",
        "memory",
        "auth",
        "forbidden",
    ],
)
def test_driver_errors_become_named_one_line_errors(error, kind, message):
    found = translate(error, ADDRESS)
    assert type(found) is kind
    assert str(found) == message


def test_a_write_refused_in_a_read_transaction_is_a_read_only_violation():
    error = server_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed")
    assert isinstance(translate(error, ADDRESS, reading=True), ReadOnlyViolation)
    assert type(translate(error, ADDRESS)) is QueryError


def test_anything_else_is_left_alone():
    assert translate(RuntimeError("a loader's own failure"), ADDRESS) is None


# -- the read path's judgement ---------------------------------------------------------------
# Plans as the server sends them (ResultSummary.plan): operator names and details as the Cypher
# manual's "Operators in detail" (Neo4j 5) shows them, each suffixed with "@<database>".


def plan(*operators: tuple[str, str], database: str = "neo4j") -> dict:
    """A chain of operators, root first: [(name, details), ...]."""
    node: dict | None = None
    for name, details in reversed(operators):
        node = {
            "operatorType": f"{name}@{database}",
            "args": {"Details": details},
            "identifiers": [],
            "children": [node] if node else [],
        }
    assert node is not None
    return node


LABELLED = plan(("ProduceResults", "s"), ("NodeUniqueIndexSeek", "UNIQUE s:Site(id) WHERE id = $id"))


def test_a_labelled_read_runs():
    assert refusal("r", LABELLED, "neo4j", "neo4j") is None
    assert not reaches_unlabelled(LABELLED)


@pytest.mark.parametrize("query_type", ["w", "rw", "s", None])
def test_anything_but_a_read_is_refused_as_a_write(query_type):
    assert refusal(query_type, LABELLED, "neo4j", "neo4j") == (
        "the engine refused this query on a read-only path because it would write; "
        "run it with --write if you mean to change the knowledge base"
    )


@pytest.mark.parametrize(
    "operators,message",
    [
        (
            [("ProduceResults", "line"), ("LoadCSV", "line")],
            "the read-only path does not run LOAD CSV, which makes the database server fetch a file or URL; "
            "run it with --write if you mean it",
        ),
        (
            [("ProduceResults", "transactionId"), ("TerminateTransactions", "defaultColumns, transactions(x)")],
            "the read-only path does not run TERMINATE TRANSACTIONS, which stops other users' work; "
            "run it with --write if you mean it",
        ),
        (
            [("ProduceResults", "database"), ("ShowTransactions", "defaultColumns, allTransactions")],
            "the read-only path runs no SHOW command but SHOW INDEXES, CONSTRAINTS, FUNCTIONS and PROCEDURES; "
            "run it with --write if you mean it",
        ),
        (
            [("ProduceResults", "name"), ("ShowSettings", "defaultColumns, allSettings")],
            "the read-only path runs no SHOW command but SHOW INDEXES, CONSTRAINTS, FUNCTIONS and PROCEDURES; "
            "run it with --write if you mean it",
        ),
        (
            [("ProduceResults", "id"), ("ProcedureCall", "db.clearQueryCache() :: (value :: STRING)")],
            "the read-only path does not call the procedure 'db.clearQueryCache'; it calls only db.index.fulltext."
            "queryNodes, db.index.vector.queryNodes, db.labels, db.propertyKeys, db.relationshipTypes, db.schema."
            "nodeTypeProperties, db.schema.relTypeProperties, db.schema.visualization, dbms.components; "
            "run it with --write if you mean it",
        ),
    ],
    ids=["load-csv", "terminate", "show-transactions", "show-settings", "procedure"],
)
def test_what_the_planner_calls_a_read_but_acts_is_refused(operators, message):
    assert refusal("r", plan(*operators), "neo4j", "neo4j") == message


def test_allowed_procedures_and_schema_listings_run():
    assert (
        refusal(
            "r",
            plan(("ProduceResults", "label"), ("ProcedureCall", "db.labels() :: (label :: STRING)")),
            "neo4j",
            "neo4j",
        )
        is None
    )
    assert (
        refusal("r", plan(("ProduceResults", "name"), ("ShowIndexes", "allIndexes, defaultColumns")), "neo4j", "neo4j")
        is None
    )


def test_another_database_is_refused():
    expected = (
        "the read-only path reads only the knowledge base's database 'neo4j', not 'system'; "
        "run it with --write if you mean it"
    )
    assert refusal("r", LABELLED, "system", "neo4j") == expected
    assert (
        refusal("r", plan(("ProduceResults", "user"), ("ShowUsers", ""), database="system"), None, "neo4j") == expected
    )


@pytest.mark.parametrize(
    "leaf,details,unlabelled",
    [
        ("AllNodesScan", "n", True),
        ("NodeByIdSeek", "n WHERE id(n) = 0", True),
        ("NodeByElementIdSeek", "n WHERE elementId(n) = $id", True),
        ("DirectedRelationshipTypeScan", "(a)-[r:ADVISED_BY]->(b)", True),
        ("DirectedAllRelationshipsScan", "(a)-[r]->(b)", True),
        ("UndirectedRelationshipByIdSeek", "(a)-[r]-(b) WHERE id(r) = 0", True),
        ("DirectedRelationshipIndexSeek", "RANGE INDEX (a)-[r:AT(wave)]->(b) WHERE wave = $w", True),
        ("NodeCountFromCountStore", "count( (n) ) AS c", True),
        ("RelationshipCountFromCountStore", "count( ()-[:ADVISED_BY]->() ) AS c", True),
        ("NodeByLabelScan", "n:KbStaged", True),
        ("NodeByLabelScan", "s:Site", False),
        ("NodeIndexSeek", "RANGE INDEX s:Site(study) WHERE study = $study", False),
        ("NodeCountFromCountStore", "count( (:Site) ) AS sites", False),
        ("RelationshipCountFromCountStore", "count( (:Participant)-[:AT]->() ) AS c", False),
    ],
)
def test_plans_that_can_reach_unlabelled_entities_are_recognised(leaf, details, unlabelled):
    assert reaches_unlabelled(plan(("ProduceResults", "x"), ("Filter", "x"), (leaf, details))) is unlabelled


# -- configuration ---------------------------------------------------------------------------


def test_the_password_file_wins_over_the_password(tmp_path):
    secret = tmp_path / "neo4j-password"
    secret.write_text("from-the-file\n")
    assert read_password({"NEO4J_PASSWORD_FILE": str(secret), "NEO4J_PASSWORD": "from-the-env"}) == "from-the-file"
    assert read_password({"NEO4J_PASSWORD": "from-the-env"}) == "from-the-env"


def test_password_problems_say_what_to_do(tmp_path):
    with pytest.raises(ConfigError) as missing_file:
        read_password({"NEO4J_PASSWORD_FILE": str(tmp_path / "absent")})
    assert str(missing_file.value) == "cannot read NEO4J_PASSWORD_FILE (No such file or directory); check the path"
    with pytest.raises(ConfigError) as none:
        read_password({})
    assert str(none.value) == "no Neo4j password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE in the environment"


def test_the_test_server_takes_its_password_from_kb_test_variables_only(tmp_path):
    shell = {
        "KB_TEST_NEO4J_URI": "bolt://localhost:7687",
        "KB_TEST_NEO4J_PASSWORD": "test-password",
        "NEO4J_PASSWORD_FILE": str(tmp_path / "a-developers-secret"),
        "NEO4J_PASSWORD": "a-developers-password",
    }
    target = target_from(shell)
    assert target is not None
    assert target.env == {"NEO4J_PASSWORD": "test-password"}
    assert target.config.uri == "bolt://localhost:7687" and target.config.neo4j_username == "neo4j"
    assert target_from({"NEO4J_PASSWORD": "x"}) is None
    assert "test-password" not in repr(target)


# -- schema ----------------------------------------------------------------------------------


def test_neo4j_schema_statements_come_from_the_schema_data():
    found = dict(statements())
    assert found["site_id"] == "CREATE CONSTRAINT site_id IF NOT EXISTS FOR (n:Site) REQUIRE n.id IS UNIQUE"
    assert found["site_study"] == "CREATE INDEX site_study IF NOT EXISTS FOR (n:Site) ON (n.study)"
    assert found["work_title_key"] == "CREATE INDEX work_title_key IF NOT EXISTS FOR (n:Work) ON (n.title_key)"
    assert len(found) == len(statements())  # names are unique
    keys = {name for name, statement in statements() if "CONSTRAINT" in statement}
    assert keys == {f"{name.lower()}_id" for name in schema.label_names()} | {"kb_unit_lock"}
    indexes = {name for name, statement in statements() if "INDEX" in statement}
    fulltext = {schema.fulltext_index().name}  # the one full-text index over every label
    assert indexes == {f"{key.label.lower()}_{key.prop}" for key in schema.indexes()} | {"kb_staged_id"} | fulltext


def docker_variable(setting: str) -> str:
    """The image's environment variable for a setting: NEO4J_, "_" doubled, "." as "_" (Neo4j's docs)."""
    return "NEO4J_" + setting.replace("_", "__").replace(".", "_")


def test_compose_runs_the_tested_server_with_a_memory_budget():
    neo4j = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["neo4j"]
    assert neo4j["image"] == NEO4J_IMAGE
    settings = {
        "server.memory.heap.initial_size",
        "server.memory.heap.max_size",
        "server.memory.pagecache.size",
        "dbms.memory.transaction.total.max",
        "db.memory.transaction.max",
    }
    assert {docker_variable(setting) for setting in settings} <= set(neo4j["environment"])
