"""`kb load` and `kb validate` on .qdpx projects, as a user runs them: warnings with counts, JSON, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import engine
from support.cli import run_kb
from support.paths import CONFORMANCE
from support.qdpx_builder import ProjectBuilder

NVIVO_WIN = CONFORMANCE / "qdpx" / "nvivo-win-12.6-oltas0517.qdpx"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("qdpxcli")
    yield path
    engine.stop(path)


def kb(data_dir, *args):
    return run_kb(*args, data_dir=data_dir)


def _half_outside(tmp_path: Path) -> Path:
    """Two sources with coded selections: one inside the archive, one whose text is elsewhere."""
    p = ProjectBuilder("Untitled", origin="QualCoder 3.5")
    code = p.code("Theme")
    inside = p.text_source("Inside", "We lead the locality.", as_file=True)
    p.selection(inside, 0, 8, [code])
    outside = p.text_source("Outside", "never read", as_file=True)
    for start in (0, 3, 6):
        p.selection(outside, start, start + 2, [code])
    p.sources[outside].set("plainTextPath", "relative:///transcripts/outside.txt")
    return p.write(tmp_path / "half.qdpx")


def test_kb_load_prints_each_warning_with_its_count_and_succeeds(data_dir, tmp_path):
    result = kb(data_dir, "load", str(_half_outside(tmp_path)))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: half.qdpx: 1 source not read: the project places the text outside the archive; "
        "export the project again with its sources included to load their coding "
        "(e.g. source 'Outside' at 'relative:///transcripts/outside.txt')",
        "warning: half.qdpx: 3 coded selections skipped: their sources are not in the archive",
    ]


def test_kb_load_json_lists_the_warnings(data_dir, tmp_path):
    path = _half_outside(tmp_path)
    report = kb(data_dir, "load", str(path), "--wave", "half-json", "--format", "json").json()
    assert report["warnings"][1] == {
        "message": "3 coded selections skipped: their sources are not in the archive",
        "count": 3,
        "file": "half.qdpx",
        "row": None,
        "column": None,
    }
    assert (report["wave"], report["status"]) == ("half-json", "loaded")


def test_nothing_usable_is_exit_2_with_the_reasons(data_dir, tmp_path):
    p = ProjectBuilder("Elsewhere", origin="QualCoder 3.5")
    code = p.code("Theme")
    source = p.text_source("Outside", "never read", as_file=True)
    p.selection(source, 0, 5, [code])
    p.sources[source].set("plainTextPath", "absolute:///home/me/outside.txt")
    result = kb(data_dir, "load", str(p.write(tmp_path / "none.qdpx")))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: none.qdpx: none of its 1 selection became evidence, so there is nothing to load (and 2 more problems)"
    )


def test_kb_validate_reads_a_qdpx_as_kb_load_would(data_dir):
    result = kb(data_dir, "validate", str(NVIVO_WIN))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{NVIVO_WIN}: valid — wave untitled-")
    assert "455 rows in 2 files" in result.stdout  # 152 themes and 303 pieces of evidence
