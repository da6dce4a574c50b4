"""Every statement a backup or restore sends passes Neo4j's own Cypher linter and the portable
allow-list, so the Neo4j path is checked here without a server (the round trip through Neo4j
itself runs in tests/test_backup.py wherever one exists)."""

from __future__ import annotations

from kb import schema
from kb.backup import dump
from kb.backup.restore import delete_statements
from support.cypher_lint import assert_valid_neo4j_cypher


def test_backup_and_restore_statements_pass_neo4j_s_linter(tmp_path):
    # A restore's creates are the Writer's own statements, which the store contract tests on each engine.
    statements = dump.statements() + delete_statements()
    assert len(statements) > 2 * len(schema.label_names())
    named = {f"s{number:03}": f"// name: s{number:03}\n{text}\n" for number, text in enumerate(statements)}
    assert_valid_neo4j_cypher(named, tmp_path / "backup")
