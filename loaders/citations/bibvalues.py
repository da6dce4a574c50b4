"""BibTeX field values as BibTeX itself reads them: `#` concatenation, @string macros, month names.

bibtexparser keeps a value such as `"Patterson" # { and } # "Smith, John"` or a bare macro name
as written; this module turns the raw expression into its text. A value is a `#`-separated list
of parts, each `{braced}`, `"quoted"`, a number, or the name of a macro (@string, or one of the
twelve month abbreviations BibTeX predefines). Macro names ignore letter case, as in BibTeX. An
undefined macro keeps its name as the text and is reported, since BibTeX itself would warn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}


@dataclass
class Macros:
    """The @string macros defined so far (lower-case name -> text), and undefined names met."""

    values: dict[str, str] = field(default_factory=lambda: dict(MONTHS))
    undefined: list[str] = field(default_factory=list)

    def define(self, name: str, raw: str) -> None:
        self.values[name.strip().lower()] = self.resolve(raw)

    def resolve(self, raw: str) -> str:
        """The text of a raw value expression."""
        return "".join(self._part(part) for part in split_parts(raw))

    def _part(self, part: str) -> str:
        if part[:1] == "{" and part[-1:] == "}" or part[:1] == '"' and part[-1:] == '"' and len(part) >= 2:
            return part[1:-1]
        if part.isdigit():
            return part
        name = part.lower()
        if name in self.values:
            return self.values[name]
        self.undefined.append(part)
        return part


def _braced_end(raw: str, start: int) -> int:
    """The index just past the brace group opening at `start` (the end of `raw` if unbalanced)."""
    depth = 0
    for index in range(start, len(raw)):
        depth += {"{": 1, "}": -1}.get(raw[index], 0)
        if depth == 0:
            return index + 1
    return len(raw)


def _quoted_end(raw: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(raw)):
        char = raw[index]
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == '"' and depth == 0 and raw[index - 1] != "\\":
            return index + 1
    return len(raw)


def split_parts(raw: str) -> list[str]:
    """The `#`-separated parts of a raw value, each as written (enclosing kept)."""
    parts: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char.isspace() or char == "#":
            index += 1
            continue
        if char == "{":
            end = _braced_end(raw, index)
        elif char == '"':
            end = _quoted_end(raw, index)
        else:
            end = index
            while end < len(raw) and not raw[end].isspace() and raw[end] != "#":
                end += 1
        parts.append(raw[index:end])
        index = end
    return parts
