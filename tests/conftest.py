"""Shared fixtures: real engines only.

`store` gives each test a fresh, empty knowledge base with the schema applied, on every engine
that can run here: the embedded FalkorDB always, Neo4j through testcontainers when a Docker engine
answers (otherwise those cases are skipped, with the reason in the report).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from kb import engine, schema
from kb.config import Config, load_config
from kb.store import open_store

NEO4J_IMAGE = "neo4j:5.26.12-community"
REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
_graph_numbers = itertools.count()


def _docker_unavailable_reason() -> str | None:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception as exc:  # any failure means: no Docker engine to run Neo4j in
        return f"no Docker engine answers here ({type(exc).__name__}), so Neo4j tests cannot run"
    return None


@pytest.fixture(scope="session")
def kb_data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kbdata")
    yield path
    engine.stop(path)


@pytest.fixture(scope="session")
def kb_config(kb_data_dir) -> Config:
    return load_config(data_dir=kb_data_dir, env={})


@pytest.fixture(scope="session")
def neo4j_config():
    reason = _docker_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from testcontainers.neo4j import Neo4jContainer

    password = "test-" + os.urandom(8).hex()
    with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
        os.environ["NEO4J_PASSWORD"] = password
        yield load_config(uri=container.get_connection_url(), env={})


def _fresh_embedded(config: Config):
    store = open_store(config, graph=f"test{next(_graph_numbers)}")
    store.drop()
    store.apply_schema(schema.ddl("falkordb"))
    return store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, kb_config):
    """A fresh, empty knowledge base with the schema applied, on each engine that can run here."""
    if request.param == "neo4j":
        config = request.getfixturevalue("neo4j_config")
        s = open_store(config)
        s.drop()
        s.apply_schema(schema.ddl("neo4j"))
    else:
        s = _fresh_embedded(kb_config)
    yield s
    s.drop()
    s.close()


@pytest.fixture
def embedded_store(kb_config):
    """A fresh graph on the embedded engine only (for tests of its process and file behaviour)."""
    s = _fresh_embedded(kb_config)
    yield s
    s.drop()
    s.close()
