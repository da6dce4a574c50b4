"""The Neo4j adapter: the official driver, for Neo4j 5 servers, clusters and Aura.

Reads run in a read transaction (so a cluster serves them from followers) after the planner has
judged them (kb/store/neo4j_readonly.py): routing alone does not stop a single server from
writing. Writes run as managed transactions, retried by the driver on transient failures. An
atomic unit stages new entities in batches and publishes them in its own transaction
(kb/store/neo4j_unit.py), one unit at a time per database.

Every session shares the driver's bookmark manager, so a read follows the writes of this Store
also on a cluster. The server sends no notifications (they would be logged to stderr by the
driver on every query); connections idle for a while are checked before use and renewed before
a load balancer or Aura drops them. See docs/decisions.md, "Neo4j on first contact".

The password comes from NEO4J_PASSWORD or from the file named by NEO4J_PASSWORD_FILE (a Docker or
Kubernetes secret; the file wins when both are set); it is read when connecting and never kept on
the Config or printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import uuid4

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, Record, ResultSummary, RoutingControl, Session
from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Forbidden, Neo4jError

from kb import schema
from kb.config import Config
from kb.errors import ConfigError, EngineError, LoadInProgress, ReadOnlyViolation
from kb.store.base import Counters, FullTextNodes, Result, Store, Writer, capped, check_limits, check_values
from kb.store.neo4j_errors import first_line, translate, translated
from kb.store.neo4j_readonly import reaches_unlabelled, refusal
from kb.store.neo4j_schema import STAGED_LABEL, fulltext_clause, fulltext_terms, statements
from kb.store.neo4j_unit import Neo4jUnit, UnitStats, clear_staged, release_lock, take_lock
from kb.store.neo4j_values import counters, to_result

LIVENESS_CHECK_S = 30.0  # a pooled connection idle this long is checked before it is used
MAX_CONNECTION_LIFETIME_S = 1800.0  # renewed well before Aura closes idle connections (60 minutes)
DROP_BATCH = 10_000


def read_password(env: Mapping[str, str] | None = None) -> str:
    source = os.environ if env is None else env
    if source.get("NEO4J_PASSWORD_FILE"):
        try:
            return Path(source["NEO4J_PASSWORD_FILE"]).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read NEO4J_PASSWORD_FILE ({exc.strerror}); check the path") from None
    if source.get("NEO4J_PASSWORD"):
        return source["NEO4J_PASSWORD"]
    raise ConfigError("no Neo4j password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE in the environment")


def driver_options() -> dict[str, Any]:
    """The driver settings the adapter relies on (each explained in docs/decisions.md)."""
    return {
        "notifications_min_severity": "OFF",
        "liveness_check_timeout": LIVENESS_CHECK_S,
        "max_connection_lifetime": MAX_CONNECTION_LIFETIME_S,
        "keep_alive": True,
    }


def session_options(driver: Driver, database: str, access_mode: str) -> dict[str, Any]:
    """A session's settings: the knowledge base's database, the access mode, and the bookmark
    manager `execute_query` uses too, so that every session follows every earlier commit."""
    return {
        "database": database,
        "default_access_mode": access_mode,
        "bookmark_manager": driver.execute_query_bookmark_manager,
    }


def secret_free(uri: str) -> str:
    return uri.split("@")[-1] if "@" in uri else uri


class Neo4jStore(Store):
    kind = "neo4j"

    def __init__(self, config: Config, env: Mapping[str, str] | None = None):
        if not config.uri:
            raise ConfigError("no Neo4j URI: set NEO4J_URI or pass --uri")
        self._uri = config.uri
        self._address = secret_free(config.uri)
        self._driver = self._connect(config, read_password(env))
        self.unit_stats: UnitStats | None = None  # what the last unit staged and published
        try:
            self._database = config.neo4j_database or self._home_database()
            self._schema_ready = self._ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    def _connect(self, config: Config, password: str) -> Driver:
        uri = self._address
        try:
            driver = GraphDatabase.driver(self._uri, auth=(config.neo4j_username, password), **driver_options())
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(f"cannot use the Neo4j URI {uri} ({first_line(exc)}); check it") from None
        try:
            driver.verify_connectivity()
        except AuthError:
            driver.close()
            raise ConfigError(
                "Neo4j refused the username or password; check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from None
        except ConfigurationError as exc:  # e.g. a server older than 5.7, which cannot filter notifications
            driver.close()
            raise EngineError(
                f"cannot use Neo4j at {uri} ({first_line(exc)}); the knowledge base needs Neo4j 5.7 or newer"
            ) from None
        except (DriverError, Neo4jError, OSError) as exc:
            driver.close()
            raise EngineError(f"cannot reach Neo4j at {uri} ({first_line(exc)}); is the server running?") from None
        return driver

    def _home_database(self) -> str:
        with translated(self._address):
            summary = self._driver.execute_query("RETURN 1", routing_=RoutingControl.READ).summary
        return summary.database or "neo4j"

    def _session(self, access_mode: str) -> Session:
        return self._driver.session(**session_options(self._driver, self._database, access_mode))

    # -- reads -------------------------------------------------------------------------------

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        check_limits(timeout, max_rows)
        checked = check_values(params)

        # The server stops the whole transaction (plan, checks and query) at `timeout`; None leaves
        # the server's own limit (db.transaction.timeout) in force.
        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: ManagedTransaction) -> tuple[list[Record], tuple[str, ...], ResultSummary]:
            # The planner's own judgement, not a regex: EXPLAIN plans without executing anything.
            plan = tx.run("EXPLAIN " + cypher, checked).consume()
            refused = refusal(plan.query_type, plan.plan, plan.database, self._database)
            if refused:
                raise ReadOnlyViolation(refused)
            unlabelled = reaches_unlabelled(plan.plan)
            if unlabelled:
                self._refuse_while_staged(tx)
            cursor = tx.run(cypher, checked)
            keys = cursor.keys()
            # One row past the cap says there were more; the rest are discarded, never fetched.
            records = list(cursor if max_rows is None else islice(cursor, max_rows + 1))
            summary = cursor.consume()
            if unlabelled:  # a unit that started while this query ran
                self._refuse_while_staged(tx)
            return records, keys, summary

        with translated(self._address, reading=True, timeout=timeout), self._session(neo4j.READ_ACCESS) as session:
            records, keys, summary = session.execute_read(work)
        return capped(to_result(records, keys, summary), max_rows)

    @staticmethod
    def _refuse_while_staged(tx: ManagedTransaction) -> None:
        if tx.run(f"MATCH (n:{STAGED_LABEL}) RETURN count(n) AS c").single(strict=True)["c"]:
            raise LoadInProgress(
                "this query finds nodes or relationships without naming a label, and a load is being written "
                "(or an interrupted one left its staged entities), so it could see part of a wave: run it again "
                "when the load has finished, or name a label; `kb init` clears what an interrupted load left"
            )

    # -- writes ------------------------------------------------------------------------------

    def write(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        checked = check_values(params)
        with translated(self._address):
            records, summary, keys = self._driver.execute_query(
                cypher, checked, routing_=RoutingControl.WRITE, database_=self._database
            )
        return to_result(records, keys, summary)

    def _commit(self, cypher: str, params: dict[str, Any]) -> Counters:
        """One statement in a transaction of its own (retried by the driver on transient errors)."""
        with translated(self._address):
            summary = self._driver.execute_query(
                cypher, params, routing_=RoutingControl.WRITE, database_=self._database
            ).summary
        return counters(summary)

    @contextmanager
    def atomic(self) -> Iterator[Writer]:
        if not self._schema_ready:
            raise ConfigError(
                "the knowledge base on Neo4j lacks its schema and this user may not create it; "
                "run `kb init` as a user who may"
            )
        unit = uuid4().hex
        with self._session(neo4j.WRITE_ACCESS) as session:
            with translated(self._address):
                tx = session.begin_transaction()
                take_lock(tx, self._database)  # waits while another unit runs
                clear_staged(self._commit)  # what a unit whose process died left behind
            writer = Neo4jUnit(tx, self._commit, self._address, unit)
            try:
                yield writer
                writer.publish()
                with translated(self._address):
                    release_lock(tx, self._database)
                    tx.commit()
            except BaseException:
                with suppress(Exception):  # while the lock is still held, if the server still has it
                    clear_staged(self._commit, unit)
                with suppress(Exception):
                    tx.close()
                raise
        self.unit_stats = writer.stats

    # -- schema ------------------------------------------------------------------------------

    def _existing_schema(self) -> set[str]:
        def work(tx: ManagedTransaction) -> set[str]:
            names = {str(record["name"]) for record in tx.run("SHOW CONSTRAINTS YIELD name")}
            return names | {str(record["name"]) for record in tx.run("SHOW INDEXES YIELD name")}

        with self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def _create_schema(self, wanted: list[str]) -> int:
        changed = 0
        for statement in wanted:  # IF NOT EXISTS makes each idempotent
            done = counters(
                self._driver.execute_query(statement, routing_=RoutingControl.WRITE, database_=self._database).summary
            )
            changed += 1 if done["constraints_created"] or done["indexes_created"] else 0
        return changed

    def _ensure_schema(self) -> bool:
        """Schema on open: create what kb.schema declares and the database lacks. False when this
        user may neither list nor create schema (a reader's account): reads still work, units not."""
        try:
            existing = self._existing_schema()
            self._create_schema([statement for name, statement in statements() if name not in existing])
        except Forbidden:
            return False
        except Exception as exc:
            error = translate(exc, self._address)
            if error is None:
                raise
            raise error from None
        return True

    def apply_schema(self) -> int:
        """Apply every statement again (each `IF NOT EXISTS`), then run an empty unit, which clears
        what an interrupted unit left; returns how many constraints and indexes were created."""
        with translated(self._address):
            changed = self._create_schema([statement for _, statement in statements()])
        self._schema_ready = True
        with self.atomic():
            pass
        return changed

    def fulltext_nodes(self, text: str) -> FullTextNodes | None:
        # Without the schema (a reader's account that could not check it) the index may be missing.
        terms = fulltext_terms(text) if self._schema_ready else None
        if terms is None:
            return None
        return FullTextNodes(fulltext_clause(schema.fulltext_index()), {"fulltext": terms})

    # -- the rest ----------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        with translated(self._address):
            server = self._driver.get_server_info()
        return {
            "engine": "neo4j",
            "version": server.agent,
            "address": self._address,
            "database": self._database,
        }

    def drop(self) -> None:
        """Delete every node and relationship, in batches (used by tests and `kb bench`)."""
        while self._commit(f"MATCH (n) WITH n LIMIT {DROP_BATCH} DETACH DELETE n", {})["nodes_deleted"]:
            pass

    def close(self) -> None:
        self._driver.close()
