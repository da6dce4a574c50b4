"""The query library passes Neo4j's own Cypher linter and the portable-function allow-list.

The linter is a Node program (tools/cypher-lint/lint.mjs, dependencies installed by `npm ci` in
that folder). Where Node or those dependencies are missing these tests skip and say why, except
under CI (env CI set), where a missing linter is a failure: CI must lint the library.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from kb import schema
from support.cypher_lint import LINT_DIR, missing_linter_reason
from support.paths import REPO

LINT = LINT_DIR / "lint.mjs"
ALLOW_LIST_NOTE = (
    "is not in the portable allow-list (ALLOWED_FUNCTIONS in tools/cypher-lint/lint.mjs); "
    "it may be missing or behave differently on FalkorDB"
)

CLEAN_QUERY = """\
// name: partners-of-initiatives
// title: Partners of the initiatives at a site
// params: site (string)
MATCH (i:Initiative)-[a:AT]->(s:Site {id: $site})
OPTIONAL MATCH (i)-[v:INVOLVES]->(o:Organisation)
// exists( and elementId( in a comment are not calls
WITH i, collect(o.name) AS partners, 'exists(x) elementId(y)' AS decoy
RETURN i.name AS initiative, partners, COUNT(*) AS rows, toLower(decoy) AS text
ORDER BY size(partners) DESC
"""


@pytest.fixture(scope="module")
def lint():
    """Run lint.mjs from the repository root; skip (or fail under CI) when it cannot run."""
    reason = missing_linter_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must lint the Cypher library, but {reason}")
        pytest.skip(reason)

    def run(*args: str) -> subprocess.CompletedProcess:
        command = ["node", str(LINT.relative_to(REPO)), *args]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)

    return run


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    """The labels and relationship types of kb/schema.py, as lint.mjs --schema reads them."""
    path = tmp_path / "schema.json"
    names = {
        "labels": [spec.name for spec in schema.LABELS],
        "relationshipTypes": [spec.name for spec in schema.RELATIONSHIPS],
    }
    path.write_text(json.dumps(names), encoding="utf-8")
    return path


def _library(tmp_path: Path, **files: str) -> Path:
    library = tmp_path / "library"
    library.mkdir()
    for name, text in files.items():
        (library / f"{name}.cypher").write_text(text, encoding="utf-8")
    return library


def test_the_query_library_is_clean(lint, schema_file):
    result = lint("--schema", str(schema_file), "cypher/")
    assert result.stdout == ""
    assert result.returncode == 0, result.stderr


def test_a_clean_query_passes(lint, tmp_path, schema_file):
    library = _library(tmp_path, clean=CLEAN_QUERY)
    result = lint("--schema", str(schema_file), str(library))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"0 problems in 1 .cypher file under {library}\n"


def test_a_syntax_error_fails_with_its_position(lint, tmp_path):
    library = _library(tmp_path, broken="// name: broken\n// title: a typo\nMATCH (s:Site)\nRETRUN s.name\n")
    result = lint(str(library))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{library}/broken.cypher:4:1: Invalid input 'RETRUN'")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        ("elementId(s)", "elementId"),  # Neo4j only: FalkorDB has no such function
        ("apoc.text.join([s.name], ',')", "apoc.text.join"),  # a plugin, absent from both by default
        ("date()", "date"),  # the data model keeps dates as ISO strings
    ],
)
def test_a_function_outside_the_allow_list_fails(lint, tmp_path, call, name):
    library = _library(tmp_path, uses=f"// name: uses\nMATCH (s:Site)\nRETURN {call} AS value\n")
    result = lint(str(library))
    assert result.returncode == 1
    assert result.stdout == f"{library}/uses.cypher:3:8: function {name}() {ALLOW_LIST_NOTE}\n"


def test_a_misspelt_label_fails_against_the_schema(lint, tmp_path, schema_file):
    library = _library(tmp_path, typo="MATCH (s:Sites)\nRETURN s.name AS name\n")
    result = lint("--schema", str(schema_file), str(library))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{library}/typo.cypher:1:10: Label Sites is not present in the database.")


def test_a_file_with_two_statements_fails(lint, tmp_path):
    two = "MATCH (s:Site) RETURN s.name AS name;\nMATCH (o:Organisation) RETURN o.name AS name\n"
    library = _library(tmp_path, two=two)
    result = lint(str(library))
    assert result.returncode == 1
    assert result.stdout == f"{library}/two.cypher:2:1: a library file holds one statement; this file has 2\n"


def test_a_missing_directory_is_a_usage_error(lint, tmp_path):
    missing = tmp_path / "nowhere"
    result = lint(str(missing))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"lint.mjs: cannot read directory {missing}: ENOENT")
