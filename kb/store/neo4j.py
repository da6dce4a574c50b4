"""The Neo4j adapter: the official driver, for Neo4j 5 servers, clusters and Aura.

Reads are routed as READ (so a cluster serves them from followers) and, because routing alone
does not stop a single server from writing, every read is first planned with EXPLAIN: the
planner's query type must be read-only ("r") before the query runs in a read transaction.
An atomic unit is one explicit transaction.

The password comes from NEO4J_PASSWORD or from the file named by NEO4J_PASSWORD_FILE (a Docker or
Kubernetes secret); it is read when connecting and never kept on the Config or printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as NPath

from kb.config import Config
from kb.errors import ConfigError, EngineError, QueryError, ReadOnlyViolation
from kb.store.base import Counters, Result, Store, Writer, node_value, path_value, relationship_value

_COUNTERS = {
    "nodes_created": "nodes_created",
    "nodes_deleted": "nodes_deleted",
    "relationships_created": "relationships_created",
    "relationships_deleted": "relationships_deleted",
    "properties_set": "properties_set",
    "labels_added": "labels_added",
    "indexes_created": "indexes_added",
    "constraints_created": "constraints_added",
}


def read_password(env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    if env.get("NEO4J_PASSWORD_FILE"):
        try:
            return Path(env["NEO4J_PASSWORD_FILE"]).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read NEO4J_PASSWORD_FILE ({exc.strerror}); check the path") from None
    if env.get("NEO4J_PASSWORD"):
        return env["NEO4J_PASSWORD"]
    raise ConfigError("no Neo4j password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE in the environment")


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return node_value(value.element_id, sorted(value.labels), dict(value))
    if isinstance(value, Relationship):
        return relationship_value(
            value.element_id, value.type, value.start_node.element_id, value.end_node.element_id, dict(value)
        )
    if isinstance(value, NPath):
        return path_value([_plain(n) for n in value.nodes], [_plain(r) for r in value.relationships])
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j temporal types: the embedded engine has none either
        return value.iso_format()
    return value


def _counters(summary) -> Counters:
    c = summary.counters
    return Counters({name: int(getattr(c, attr, 0)) for name, attr in _COUNTERS.items()})


def _to_result(records, keys, summary) -> Result:
    columns = list(keys)
    rows = [{k: _plain(record[k]) for k in columns} for record in records]
    return Result(columns, rows, _counters(summary) if summary else Counters())


class _Neo4jWriter(Writer):
    def __init__(self, tx):
        self._tx = tx
        self.counters = Counters()

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        try:
            cursor = self._tx.run(cypher, params or {})
            records = list(cursor)
            result = _to_result(records, cursor.keys(), cursor.consume())
        except Neo4jError as exc:
            raise QueryError(f"Neo4j refused the query: {exc.message}") from None
        self.counters.add(result.counters)
        return result


class Neo4jStore(Store):
    kind = "neo4j"

    def __init__(self, config: Config):
        self._uri = config.uri
        self._database = config.neo4j_database
        try:
            self._driver = GraphDatabase.driver(config.uri, auth=(config.neo4j_username, read_password()))
            self._driver.verify_connectivity()
        except AuthError:
            raise ConfigError(
                "Neo4j refused the username or password; check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from None
        except (ServiceUnavailable, OSError, ValueError) as exc:
            raise EngineError(f"cannot reach Neo4j at {config.uri} ({exc}); is the server running?") from None

    def _session(self, access_mode: str):
        kwargs = {"default_access_mode": access_mode}
        if self._database:
            kwargs["database"] = self._database
        return self._driver.session(**kwargs)

    def _ensure_read_only(self, cypher: str, params: dict[str, Any]) -> None:
        # The planner's own judgement, not a regex: EXPLAIN plans without executing anything.
        with self._session(neo4j.READ_ACCESS) as session:
            try:
                summary = session.run("EXPLAIN " + cypher, params).consume()
            except Neo4jError as exc:
                raise QueryError(f"Neo4j refused the query: {exc.message}") from None
        if summary.query_type != "r":
            raise ReadOnlyViolation(
                "the engine refused this query on a read-only path because it would write; "
                "run it with --write if you mean to change the knowledge base"
            )

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        params = params or {}
        self._ensure_read_only(cypher, params)
        try:
            records, summary, keys = self._driver.execute_query(
                cypher, params, routing_=RoutingControl.READ, database_=self._database
            )
        except ClientError as exc:
            if "write" in (exc.code or "").lower() or "AccessMode" in (exc.code or ""):
                raise ReadOnlyViolation("Neo4j refused a write on a read transaction") from None
            raise QueryError(f"Neo4j refused the query: {exc.message}") from None
        except Neo4jError as exc:
            raise QueryError(f"Neo4j refused the query: {exc.message}") from None
        return _to_result(records, keys, summary)

    def write(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        try:
            records, summary, keys = self._driver.execute_query(
                cypher, params or {}, routing_=RoutingControl.WRITE, database_=self._database
            )
        except Neo4jError as exc:
            raise QueryError(f"Neo4j refused the query: {exc.message}") from None
        return _to_result(records, keys, summary)

    @contextmanager
    def atomic(self) -> Iterator[Writer]:
        with self._session(neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction()
            try:
                yield _Neo4jWriter(tx)
            except BaseException:
                tx.rollback()
                raise
            tx.commit()

    def apply_schema(self, statements: Sequence[str]) -> int:
        changed = 0
        for statement in statements:  # IF NOT EXISTS makes each idempotent
            changed += 1 if self.write(statement).counters.changed else 0
        return changed

    def info(self) -> dict[str, Any]:
        server = self._driver.get_server_info()
        return {
            "engine": "neo4j",
            "version": server.agent,
            "address": self._uri.split("@")[-1] if "@" in self._uri else self._uri,
            "database": self._database or "(default)",
        }

    def drop(self) -> None:
        """Delete every node and relationship (used by tests)."""
        self.write("MATCH (n) DETACH DELETE n")

    def close(self) -> None:
        self._driver.close()
