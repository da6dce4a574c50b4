"""Reference numbers in plain-text lists: notes when a list skips, repeats or omits a number."""

from __future__ import annotations

from kb.errors import Problem


class Numbering:
    """Tracks the numbers of one list and records a warning for each irregularity."""

    def __init__(self, source: str):
        self.source = source
        self.last = 0
        self.warnings: list[Problem] = []

    def take(self, written: int | None, line: int) -> int:
        """The number to keep for an entry: as written, or the next one when the entry has none."""
        if written is None:
            self.last += 1
            self.warnings.append(
                Problem(self.source, f"reference has no number; numbered {self.last} from its position", row=line)
            )
            return self.last
        if written != self.last + 1:
            self.warnings.append(
                Problem(self.source, f"reference {written} follows reference {self.last}; kept as written", row=line)
            )
        self.last = written
        return written
