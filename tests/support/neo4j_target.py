"""Which Neo4j server the Neo4j-parametrised tests use, and with which credentials.

A server someone runs is named by the environment (CI's `neo4j:5` service, or a scratch database
of your own; every Neo4j test deletes everything in that database):

    KB_TEST_NEO4J_URI        bolt://localhost:7687 (any scheme of kb.config.NEO4J_SCHEMES)
    KB_TEST_NEO4J_USERNAME   default neo4j
    KB_TEST_NEO4J_PASSWORD   or KB_TEST_NEO4J_PASSWORD_FILE, a file holding it
    KB_TEST_NEO4J_DATABASE   default: the user's home database

The password reaches the store only through the `env` it is opened with: nothing is put into
os.environ, and a NEO4J_PASSWORD or NEO4J_PASSWORD_FILE of the developer's shell is never used.
Without KB_TEST_NEO4J_URI, conftest.py starts a testcontainer when a Docker engine answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.config import Config, load_config
from kb.store import open_store
from kb.store.base import Store

# The server the testcontainer runs: the one docker-compose.yml runs.
NEO4J_IMAGE = "neo4j:5.26.12-community"


@dataclass(frozen=True)
class Neo4jTarget:
    """A Neo4j server to test against: its Config and the environment the store reads the password from."""

    config: Config
    env: dict[str, str] = field(repr=False)

    def open(self) -> Store:
        return open_store(self.config, env=self.env)


class TargetError(Exception):
    """KB_TEST_NEO4J_URI is set but the rest of the target is not usable."""


def target_from(environ: Mapping[str, str]) -> Neo4jTarget | None:
    """The target KB_TEST_NEO4J_* in `environ` name, or None when KB_TEST_NEO4J_URI is unset."""
    uri = environ.get("KB_TEST_NEO4J_URI")
    if not uri:
        return None
    password = environ.get("KB_TEST_NEO4J_PASSWORD")
    if environ.get("KB_TEST_NEO4J_PASSWORD_FILE"):
        password = Path(environ["KB_TEST_NEO4J_PASSWORD_FILE"]).read_text().strip()
    if not password:
        raise TargetError("KB_TEST_NEO4J_URI is set: set KB_TEST_NEO4J_PASSWORD or KB_TEST_NEO4J_PASSWORD_FILE too")
    settings = {"NEO4J_USERNAME": environ.get("KB_TEST_NEO4J_USERNAME") or "neo4j"}
    if environ.get("KB_TEST_NEO4J_DATABASE"):
        settings["NEO4J_DATABASE"] = environ["KB_TEST_NEO4J_DATABASE"]
    return Neo4jTarget(load_config(uri=uri, env=settings), {"NEO4J_PASSWORD": password})
