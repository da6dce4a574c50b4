"""The citations loader's Cypher passes Neo4j's own linter (the embedded engine runs it in the other tests).

Skips, saying why, where Node or the linter's dependencies are missing (tools/cypher-lint).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kb import schema
from loaders.citations.graph import statements
from support.paths import REPO

LINT_DIR = REPO / "tools" / "cypher-lint"


def _missing_linter_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed; install Node.js 18+ to lint Cypher"
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return f"the linter's dependencies are not installed; run `npm ci` in {LINT_DIR}"
    return None


def test_every_statement_is_valid_neo4j_cypher(tmp_path):
    reason = _missing_linter_reason()
    if reason:
        pytest.skip(reason)
    library = tmp_path / "citations"
    library.mkdir()
    for name, text in statements().items():
        (library / f"{name.lower()}.cypher").write_text(text, encoding="utf-8")
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(
        json.dumps({"labels": schema.label_names(), "relationshipTypes": schema.rel_names()}), encoding="utf-8"
    )
    command = ["node", str(LINT_DIR / "lint.mjs"), "--schema", str(schema_file), str(library)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"0 problems in {len(statements())} .cypher files under {library}\n"
