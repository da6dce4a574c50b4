"""The engine's syntax errors as one line with the position marked."""

from __future__ import annotations

from ui import engine_text

FALKOR_TEXT = (
    "the engine refused the query: errMsg: Invalid input 'R': expected RETURN line: 1, column: 14, "
    "offset: 13 errCtx: MATCH (n) RETRN n errCtxOffset: 13"
)


def test_a_falkordb_syntax_error_reads_as_one_line_with_the_column_marked():
    problem = engine_text.syntax_problem(FALKOR_TEXT, "MATCH (n) RETRN n")
    assert problem is not None
    assert problem.message == "The query has a syntax error at line 1, column 14: Invalid input 'R': expected RETURN."
    assert "errMsg" not in problem.message and "errCtx" not in problem.message
    # Column 14 is the R of RETRN (13 characters before it).
    assert problem.marked == "MATCH (n) RETRN n\n" + " " * 13 + "^"


def test_the_marked_line_is_the_line_the_engine_names():
    text = "Invalid input 'X': expected a pattern (line 2, column 3 (offset: 12))"
    problem = engine_text.syntax_problem(text, "MATCH (n)\n  X RETURN n")
    assert problem is not None and problem.line == 2
    assert problem.marked == "  X RETURN n\n  ^"


def test_other_failures_are_not_taken_for_syntax_errors():
    assert engine_text.syntax_problem("Type mismatch: expected Integer", "RETURN 1 + 'a'") is None
