"""The `kb` examples of the documentation, read out of the Markdown so a test can run them.

A console example is a ```console block of `$ kb ...` lines, each followed by the output it shows.
Two shapes are understood:

- the output inside the block, under its command: what a terminal shows (stdout and stderr as
  they were written);
- a block holding only the command, followed by a generated `<!-- output: NAME -->` block
  (docs/queries.md): the fenced text there is the command's stdout, as a file would hold it, or,
  where it shows an `error:` line, what the terminal shows (the refusal goes to stderr).

Documented output may leave lines out, explicitly:

- a line `...` (indented or not) stands for any number of lines, none included;
- a line `… N more lines` stands for exactly N lines (what `python -m kb.querydocs` writes when it
  shortens a long example).

Every other line must equal the real output line, trailing spaces aside. A documented `error:`
line means the command is expected to fail (a non-zero exit code); otherwise it must succeed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ELISION = "..."
COUNTED_ELISION = re.compile(r"… (\d+) more lines?")
_FENCE = re.compile(r"^```(\w*)\s*$")
_OUTPUT_MARKER = re.compile(r"^<!-- output: ([\w-]+) -->$")


@dataclass(frozen=True)
class ConsoleExample:
    """One `$ kb ...` line of a document and the output documented for it."""

    doc: Path
    line: int  # 1-based line of the `$` in the document
    command: str  # the text after `$ `
    expected: tuple[str, ...]
    stream: str  # "terminal" (stdout and stderr interleaved) or "stdout"

    @property
    def args(self) -> list[str]:
        """The arguments after `kb`, split as a POSIX shell splits them."""
        words = shlex.split(self.command)
        return words[1:]

    @property
    def is_kb(self) -> bool:
        return shlex.split(self.command)[:1] == ["kb"]

    @property
    def expects_failure(self) -> bool:
        return any(line.startswith("error: ") for line in self.expected)

    def label(self, root: Path) -> str:
        return f"{self.doc.relative_to(root)}:{self.line} {self.command}"


def _fenced_blocks(lines: list[str]) -> list[tuple[str, int, list[str], int]]:
    """(info string, 0-based index of the first body line, body lines, index after the closing fence)."""
    blocks, i = [], 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        start, j = i + 1, i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        blocks.append((opened.group(1), start, lines[start:j], j + 1))
        i = j + 1
    return blocks


def _generated_output(lines: list[str], after: int) -> list[str] | None:
    """The body of the `<!-- output: NAME -->` block that follows a console block (before the next
    fence or heading; a note may stand between them), or None when none follows."""
    i = after
    while i < len(lines) and not _OUTPUT_MARKER.match(lines[i].strip()):
        if lines[i].startswith(("```", "#")):
            return None
        i += 1
    if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
        return None if i >= len(lines) else []  # an empty generated block: the command printed nothing
    return _fenced_blocks(lines[i + 1 :])[0][2]


def console_examples(doc: Path) -> list[ConsoleExample]:
    """Every `$` line of every ```console block of a Markdown file, with its documented output."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    examples: list[ConsoleExample] = []
    for info, start, body, after in _fenced_blocks(lines):
        if info != "console":
            continue
        commands = [k for k, text in enumerate(body) if text.startswith("$ ")]
        if commands and commands[0] != 0:
            raise ValueError(f"{doc}:{start + 1}: a console block starts with its `$` command")
        for n, k in enumerate(commands):
            end = commands[n + 1] if n + 1 < len(commands) else len(body)
            shown, stream = body[k + 1 : end], "terminal"
            generated = _generated_output(lines, after) if len(commands) == 1 and not shown else None
            if generated is not None:
                refused = any(line.startswith("error: ") for line in generated)
                shown, stream = generated, "terminal" if refused else "stdout"
            examples.append(ConsoleExample(doc, start + k + 1, body[k][2:].strip(), tuple(shown), stream))
    return examples


def lines_match(expected: list[str] | tuple[str, ...], actual: list[str]) -> bool:
    """True when the actual lines are the expected ones, elisions standing for what they stand for."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == ELISION:
        return any(lines_match(rest, actual[skip:]) for skip in range(len(actual) + 1))
    counted = COUNTED_ELISION.fullmatch(head.strip())
    if counted:
        skip = int(counted.group(1))
        return len(actual) >= skip and lines_match(rest, actual[skip:])
    return bool(actual) and actual[0].rstrip() == head.rstrip() and lines_match(rest, actual[1:])


def shown_lines(text: str) -> list[str]:
    """Output as lines, without the blank lines that end it (a Markdown block cannot show them)."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines
