"""Shared fixtures: real engines only.

`store` gives each test a fresh, empty knowledge base with the schema applied, on every engine
that can run here: the embedded FalkorDB always, and Neo4j wherever one exists: the server named
by KB_TEST_NEO4J_URI (see tests/support/neo4j_target.py), else a testcontainer when a Docker engine
answers. Otherwise the Neo4j cases are skipped, with the reason in the report.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from kb import engine
from kb.config import Config, load_config
from kb.store import open_store
from support.neo4j_target import NEO4J_IMAGE, Neo4jTarget, TargetError, target_from

_graph_numbers = itertools.count()


def _docker_unavailable_reason() -> str | None:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception as exc:  # any failure means: no Docker engine to run Neo4j in
        return (
            f"no Neo4j: KB_TEST_NEO4J_URI is not set and no Docker engine answers here ({type(exc).__name__}) "
            "for a testcontainer"
        )
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
def neo4j_target() -> Neo4jTarget:
    """The Neo4j server of this run: KB_TEST_NEO4J_URI's, or a testcontainer, or skip."""
    try:
        named = target_from(os.environ)
    except (TargetError, OSError) as exc:
        pytest.fail(str(exc))
    if named:
        yield named
        return
    reason = _docker_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from testcontainers.neo4j import Neo4jContainer

    password = "test-" + os.urandom(8).hex()
    with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
        yield Neo4jTarget(load_config(uri=container.get_connection_url(), env={}), {"NEO4J_PASSWORD": password})


def _fresh_embedded(config: Config):
    store = open_store(config, graph=f"test{next(_graph_numbers)}")
    store.drop()
    store.apply_schema()
    return store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, kb_config):
    """A fresh, empty knowledge base with the schema applied, on each engine that can run here."""
    if request.param == "neo4j":
        s = request.getfixturevalue("neo4j_target").open()  # the schema comes with opening
        s.drop()
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


@pytest.fixture
def neo4j_store(neo4j_target):
    """A fresh Neo4j knowledge base only (for behaviour only Neo4j has)."""
    s = neo4j_target.open()
    s.drop()
    yield s
    s.drop()
    s.close()
