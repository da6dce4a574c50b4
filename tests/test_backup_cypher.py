"""Every statement a backup or restore sends passes Neo4j's own Cypher linter and the portable
allow-list, so the Neo4j path is checked here without a server (the round trip through Neo4j
itself runs in tests/test_backup.py wherever one exists)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from kb import schema
from kb.backup import dump
from kb.backup.restore import delete_statements
from support.paths import REPO

LINT_DIR = REPO / "tools" / "cypher-lint"


@pytest.fixture(scope="module")
def linter():
    if shutil.which("node") is None or not (LINT_DIR / "node_modules" / "@neo4j-cypher").is_dir():
        reason = "the Cypher linter cannot run here (Node.js or `npm ci` in tools/cypher-lint missing)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return LINT_DIR / "lint.mjs"


def test_backup_and_restore_statements_pass_neo4j_s_linter(linter, tmp_path):
    # A restore's creates are the Writer's own statements, which the store contract tests on each engine.
    statements = dump.statements() + delete_statements()
    assert len(statements) > 2 * len(schema.label_names())
    folder = tmp_path / "backup"
    folder.mkdir()
    for number, text in enumerate(statements):
        (folder / f"s{number:03}.cypher").write_text(f"// name: s{number:03}\n{text}\n", encoding="utf-8")
    names = tmp_path / "schema.json"
    names.write_text(json.dumps({"labels": schema.label_names(), "relationshipTypes": schema.rel_names()}))
    done = subprocess.run(
        ["node", str(linter), "--schema", str(names), str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (done.returncode, done.stdout) == (0, ""), done.stdout[:3000]
