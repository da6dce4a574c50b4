"""Neo4j's own linter (tools/cypher-lint) run on the statements a part of the project sends.

No Neo4j runs here, so the statements the loaders and tools build are checked by the linter the
query library is checked by. Where Node.js or the linter's npm packages are missing the test is
skipped, saying what to install; under CI (where scripts/setup.sh installs them) it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from kb import schema
from support.paths import REPO

LINT_DIR = REPO / "tools" / "cypher-lint"


def missing_linter_reason() -> str | None:
    """Why the linter cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed; install Node.js 18+ to lint Cypher"
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return f"the linter's dependencies are not installed; run `npm ci` in {LINT_DIR}"
    return None


def assert_valid_neo4j_cypher(statements: Mapping[str, str], folder: Path) -> None:
    """Write each statement to `folder` as `<name>.cypher` and hold the linter to no problem in any."""
    reason = missing_linter_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder.mkdir(parents=True)
    for name, text in statements.items():
        (folder / f"{name.lower()}.cypher").write_text(text, encoding="utf-8")
    schema_file = folder.parent / f"{folder.name}-schema.json"
    schema_file.write_text(
        json.dumps({"labels": schema.label_names(), "relationshipTypes": schema.rel_names()}), encoding="utf-8"
    )
    command = ["node", str(LINT_DIR / "lint.mjs"), "--schema", str(schema_file), str(folder)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout[:3000]
    assert result.stderr == f"0 problems in {len(statements)} .cypher files under {folder}\n"
