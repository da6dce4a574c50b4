"""The engine's syntax errors in one line, with the position marked, instead of its raw text
("errMsg: … line: 1, column: 14, offset: 13 errCtx: … errCtxOffset: 13")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# FalkorDB's form; Neo4j's reads "Invalid input 'R': expected … (line 1, column 14 (offset: 13))".
FALKOR: Final = re.compile(r"errMsg:\s*(?P<msg>.*?)\s+line:\s*(?P<line>\d+),\s*column:\s*(?P<col>\d+)", re.S)
NEO4J: Final = re.compile(r"(?P<msg>Invalid input.*?)\s*\(line (?P<line>\d+), column (?P<col>\d+)", re.S)


@dataclass(frozen=True)
class SyntaxProblem:
    message: str  # one line: what is wrong and where
    line: int
    column: int
    marked: str  # the query's line with a caret under the column

    def as_markdown(self) -> str:
        return f"{self.message}\n\n```\n{self.marked}\n```"


def syntax_problem(engine_text: str, cypher: str) -> SyntaxProblem | None:
    """The engine's syntax error as one line and the query's line marked; None if it is not one."""
    found = FALKOR.search(engine_text) or NEO4J.search(engine_text)
    if not found:
        return None
    line, column = int(found["line"]), int(found["col"])
    what = " ".join(found["msg"].split()).rstrip(".")
    lines = cypher.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    marked = f"{text}\n{' ' * max(column - 1, 0)}^"
    return SyntaxProblem(f"The query has a syntax error at line {line}, column {column}: {what}.", line, column, marked)
