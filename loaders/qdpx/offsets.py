"""How a REFI-QDA project counts character positions, and turning its positions into string slices.

The standard says selections are character positions in the plain text, but tools count
differently, and the difference shows only after a character outside the Basic Multilingual Plane
(an emoji, common in social-media and chat sources), which is one code point but two UTF-16 code
units:

- NVivo (Windows and Mac) counts UTF-16 code units (checked on NVivo for Windows 12.6 exports:
  read as code points, every selection after the first emoji starts a few characters late).
- QualCoder and qc, both Python programs, count code points (Python string indices).
- ATLAS.ti, MAXQDA and tools not known here: no export with a selection after such a character
  was available to check, so the reading is chosen from the selections themselves: the one that
  puts more selection ends on word boundaries, with a warning naming it. When no source holds
  such a character the two readings agree and nothing needs choosing.

Positions stored in the knowledge base are always code points, so that `text[start:end]` in any
language with code-point strings gives the evidence back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

CODE_POINTS = "code points"
UTF16 = "UTF-16 code units"
_BY_ORIGIN = (("nvivo", UTF16), ("qualcoder", CODE_POINTS), ("qc ", CODE_POINTS))


class SourceText:
    """A source's text with what converting its UTF-16 positions needs (computed once)."""

    def __init__(self, text: str):
        self.text = text
        # UTF-16 index at which each astral character starts, in order
        starts, units = [], 0
        for char in text:
            if ord(char) > 0xFFFF:
                starts.append(units)
                units += 2
            else:
                units += 1
        self.astral_starts = starts
        self.utf16_length = units

    def code_point(self, position: int, reading: str) -> int | None:
        """The code-point index of a position under `reading`; None when outside the text or
        between the two halves of one character."""
        if reading == CODE_POINTS:
            return position if 0 <= position <= len(self.text) else None
        if not 0 <= position <= self.utf16_length:
            return None
        before = bisect_left(self.astral_starts, position)
        if before and self.astral_starts[before - 1] + 1 == position:
            return None
        return position - before


def reading_for_origin(origin: str | None) -> str | None:
    """The reading a producing tool is known to use (from the project's `origin`), or None."""
    lowered = (origin or "").lower()
    return next((reading for prefix, reading in _BY_ORIGIN if lowered.startswith(prefix)), None)


def _on_boundary(text: str, index: int) -> bool:
    if index <= 0 or index >= len(text):
        return True
    return not (text[index - 1].isalnum() and text[index].isalnum())


def boundary_score(sources: dict[str, SourceText], selections: Sequence[tuple[str, int, int]], reading: str) -> int:
    """How many selection ends fall on word boundaries under `reading` (out of 2 per selection)."""
    score = 0
    for source, start, end in selections:
        text = sources[source]
        for position in (start, end):
            index = text.code_point(position, reading)
            score += index is not None and _on_boundary(text.text, index)
    return score


def choose_reading(
    origin: str | None, sources: dict[str, SourceText], selections: Sequence[tuple[str, int, int]]
) -> tuple[str, str | None]:
    """(reading, warning or None) for a project: by its tool when known, else by word boundaries."""
    known = reading_for_origin(origin)
    if known:
        return known, None
    if not any(sources[source].astral_starts for source, _, _ in selections):
        return CODE_POINTS, None
    scores = {reading: boundary_score(sources, selections, reading) for reading in (CODE_POINTS, UTF16)}
    chosen = UTF16 if scores[UTF16] > scores[CODE_POINTS] else CODE_POINTS
    other = UTF16 if chosen == CODE_POINTS else CODE_POINTS
    tool = f"'{origin}'" if origin else "an unnamed tool"
    return chosen, (
        f"the project comes from {tool}, whose way of counting character positions is not known here; "
        f"positions were read as {chosen}, which puts {scores[chosen]} of {2 * len(selections)} selection ends "
        f"on word boundaries ({other}: {scores[other]})"
    )
