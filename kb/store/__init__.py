"""The store factory: the one place that decides which engine adapter serves a Config."""

from __future__ import annotations

from collections.abc import Mapping

from kb.config import GRAPH_NAME, Config
from kb.store.base import Counters, Provenance, Result, Store, Writer


def open_store(config: Config, graph: str = GRAPH_NAME, env: Mapping[str, str] | None = None) -> Store:
    """Open the knowledge base `config` points at: Neo4j for a neo4j/bolt URI, else the embedded engine.

    `env` is where the Neo4j adapter finds NEO4J_PASSWORD or NEO4J_PASSWORD_FILE (default: the
    process environment); `graph` names the embedded engine's graph (a Neo4j database is one).
    """
    if config.uri:
        from kb.store.neo4j import Neo4jStore

        return Neo4jStore(config, env)
    from kb.store.falkor import FalkorStore

    return FalkorStore(config, graph=graph)


__all__ = ["open_store", "Store", "Result", "Provenance", "Counters", "Writer"]
