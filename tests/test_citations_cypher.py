"""The citations loader's Cypher passes Neo4j's own linter (the embedded engine runs it in the other tests).

Skips, saying why, where Node or the linter's dependencies are missing (tools/cypher-lint).
"""

from __future__ import annotations

from loaders.citations.graph import statements
from support.cypher_lint import assert_valid_neo4j_cypher


def test_every_statement_is_valid_neo4j_cypher(tmp_path):
    assert_valid_neo4j_cypher(statements(), tmp_path / "citations")
