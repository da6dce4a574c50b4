"""docs/wave-format.md is generated from the format's declarations and must match them."""

from __future__ import annotations

from loaders.wave.docs import DOC_PATH, render_markdown
from loaders.wave.manifest import FIELDS
from loaders.wave.reader import file_columns
from loaders.wave.spec import NODE_FILES, REL_FILES
from support.paths import REPO


def test_the_committed_page_is_the_generated_one():
    assert DOC_PATH == REPO / "docs" / "wave-format.md"
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/wave-format.md is stale; regenerate it with `python -m loaders.wave.docs`"
    )


def test_every_file_column_and_manifest_key_is_documented():
    page = render_markdown()
    for spec in (*NODE_FILES, *REL_FILES):
        section = page.split(f"### {spec.file} ", 1)[1].split("\n### ", 1)[0]
        for column in file_columns(spec):
            assert f"| `{column.name}` |" in section, f"{spec.file}: column {column.name} is not documented"
    for field in FIELDS:
        assert f"| `{field.path}` |" in page


def test_the_example_manifest_in_the_page_is_valid():
    from loaders.wave.manifest import parse_manifest

    example = render_markdown().split("```yaml\n", 1)[1].split("```", 1)[0]
    manifest, problems = parse_manifest(example)
    assert problems == [] and manifest.wave_id == "t01-w2"
