"""docs/queries.md is generated from the query headers and must not go stale."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kb import querydocs
from kb.queries import library

NAMES = sorted(library())
outputs = st.dictionaries(
    st.sampled_from(NAMES), st.text(min_size=1).filter(lambda s: "<!--" not in s and s.strip("\n")), max_size=4
)


def test_docs_are_up_to_date():
    assert not querydocs.is_stale(), "docs/queries.md is stale: run `python -m kb.querydocs --write`"


def test_docs_show_a_real_output_for_every_query():
    found = querydocs.outputs_in(querydocs.DOC.read_text(encoding="utf-8"))
    assert sorted(found) == NAMES
    assert [name for name, text in found.items() if not text.strip()] == []


def test_examples_name_real_queries_and_parameters():
    assert set(querydocs.EXAMPLES) <= set(NAMES)
    for query in library().values():
        args = querydocs.command(query)  # raises UsageError for an undeclared parameter
        assert args[:2] == ["query", query.name]


def test_a_changed_header_makes_the_docs_stale(tmp_path: Path):
    doc = tmp_path / "queries.md"
    doc.write_text(querydocs.render({"search": "```text\nold output\n```\n"}), encoding="utf-8")
    assert not querydocs.is_stale(doc)
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("**Search names and texts.**", "**Search.**"), encoding="utf-8"
    )
    assert querydocs.is_stale(doc)


def test_a_missing_file_is_stale(tmp_path: Path):
    assert querydocs.is_stale(tmp_path / "nowhere.md")


@given(outputs)
def test_outputs_round_trip_through_the_document(examples):
    text = querydocs.render(examples)
    assert querydocs.without_outputs(text) == querydocs.render()
    found = querydocs.outputs_in(text)
    assert {name: found[name] for name in examples} == {name: out.rstrip("\n") + "\n" for name, out in examples.items()}
