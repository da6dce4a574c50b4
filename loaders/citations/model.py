"""The records a reference-list reader produces: names, citations and what a read found.

Readers turn a file into `Citation` records and never touch the database. Every citation keeps
its raw text, so whatever the parsing got wrong can still be seen and corrected by a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.errors import Problem

FORMATS = ("bibtex", "ris", "csl-json", "pmc", "search-export", "vancouver")
KINDS = ("article", "book", "chapter", "report", "web", "other")


@dataclass(frozen=True, order=True)
class Name:
    """An author: a person as family name plus initials, or an organisation (no initials)."""

    family: str
    initials: str = ""

    @property
    def is_organisation(self) -> bool:
        return not self.initials

    def __str__(self) -> str:
        return f"{self.family} {self.initials}" if self.initials else self.family


@dataclass(frozen=True)
class Citation:
    """One entry of a reference list, as parsed, with where it came from.

    `kind` is a guess for the plain-text formats (from wording such as "In:" or a publisher) and
    the declared type for BibTeX, RIS and CSL-JSON. `authors_truncated` is true when the list
    ended in "et al.", so a missing author is not evidence of a different work.
    """

    raw: str
    title: str
    source: str
    line: int
    fmt: str
    n: int | None = None
    authors: tuple[Name, ...] = ()
    authors_truncated: bool = False
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    kind: str = "other"


@dataclass(frozen=True)
class ReadResult:
    """What a reader found in one file.

    `problems` are entries that could not be loaded (each names file and line); `warnings` are
    entries that loaded after a repair the data steward should know about.
    """

    source: str
    fmt: str
    citations: tuple[Citation, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    warnings: tuple[Problem, ...] = field(default=())
