"""Failures in words: what happened and what to do, before the engine's own text."""

from __future__ import annotations

from kb.errors import EngineError, NotFound, QueryError
from ui import messages


def test_an_unreachable_engine_says_so_and_what_to_do():
    text = messages.error_words(QueryError("Error 2 connecting to unix:///tmp/kb/falkordb.sock. No such file."))
    assert text.startswith("The knowledge base is not answering")
    assert "`kb ui`" in text
    assert text.endswith("Detail: Error 2 connecting to unix:///tmp/kb/falkordb.sock. No such file.")
    assert messages.error_words(EngineError("did not start")).startswith("The knowledge base is not answering")


def test_a_missing_thing_reads_as_a_sentence():
    text = messages.error_words(NotFound("no survey network is loaded for z13:site:A"))
    assert text == "No survey network is loaded for z13:site:A."


def test_another_refusal_names_the_view_first():
    text = messages.error_words(QueryError("Type mismatch"), '"Profile of one site"')
    assert text.startswith('"Profile of one site" could not be answered: the knowledge base refused the question.')
    assert text.endswith("Detail: Type mismatch")
