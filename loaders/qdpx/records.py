"""Plain, frozen records of a qualitative coding project, whatever tool it came from.

A REFI-QDA project (`.qdpx`) and the CSV alternative (`codebook.csv` + `coded_segments.csv`) are
both read into a `QdaProject`. Nothing here knows about the knowledge base: turning records into
wave-package rows is `loaders.qdpx.rows`' job.

Identifiers are the tool's own (REFI-QDA GUIDs, or the CSV's code and segment ids); references
between records use them.
"""

from __future__ import annotations

from dataclasses import dataclass

VariableValue = str | int | float | bool | None


@dataclass(frozen=True)
class User:
    """A coder or author of the project."""

    guid: str
    name: str


@dataclass(frozen=True)
class Theme:
    """A code of the code book; `parent` is the GUID of the enclosing code (None at the top)."""

    guid: str
    name: str
    parent: str | None = None
    description: str | None = None
    color: str | None = None
    codable: bool = True
    locator: str | None = None  # where the code is defined, when the input says (CSV row)


@dataclass(frozen=True)
class Source:
    """A text document of the project (an interview transcript, field notes), with its plain text."""

    guid: str
    name: str
    text: str | None  # None when the text is not inside the project (external or non-text source)
    member: str | None = None  # the archive member the text was read from, if any
    variables: tuple[tuple[str, VariableValue], ...] = ()


@dataclass(frozen=True)
class Segment:
    """One coded stretch of a source: `text` is exactly `source text[start:end]`, in code points
    whatever the producing tool counted (see loaders.qdpx.offsets).

    `participant`, `site` and `speaker_role` are set only when the input states them per segment
    (the CSV alternative); for a REFI-QDA project they come from its cases.
    """

    guid: str
    source: str  # GUID of the Source
    source_name: str
    start: int | None  # None only when a CSV gives no offsets
    end: int | None
    text: str
    codes: tuple[str, ...]  # GUIDs of Themes, in the order they were applied
    coder: str | None = None  # user name (REFI-QDA creatingUser resolved through Users)
    coded_at: str | None = None  # ISO date or date-time of the coding
    description: str | None = None
    participant: str | None = None
    site: str | None = None
    speaker_role: str | None = None
    locator: str | None = None  # where the segment is defined, when the input says (CSV row)
    positions: str | None = None  # the tool's own positions and how they count, e.g. "UTF-16 code units 3137-3284"


@dataclass(frozen=True)
class Case:
    """A case of the project (a person or a site) with its variables and what it covers."""

    guid: str
    name: str
    variables: tuple[tuple[str, VariableValue], ...] = ()
    sources: tuple[str, ...] = ()  # GUIDs of Sources the case covers as a whole
    selections: tuple[str, ...] = ()  # GUIDs of Segments the case covers
    description: str | None = None

    def variable(self, name: str) -> VariableValue:
        """The value of a variable, matched without regard to case or surrounding spaces."""
        wanted = name.strip().casefold()
        for key, value in self.variables:
            if key.strip().casefold() == wanted:
                return value
        return None


@dataclass(frozen=True)
class Note:
    """A memo, with the GUIDs of the codes, sources or selections it is attached to."""

    guid: str
    name: str
    text: str | None
    attached_to: tuple[str, ...] = ()
    author: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class QdaProject:
    """Everything read from one project, plus the non-fatal oddities met while reading it."""

    name: str
    file: str
    origin: str | None = None
    created: str | None = None
    users: tuple[User, ...] = ()
    themes: tuple[Theme, ...] = ()
    sources: tuple[Source, ...] = ()
    segments: tuple[Segment, ...] = ()
    cases: tuple[Case, ...] = ()
    notes: tuple[Note, ...] = ()
    warnings: tuple[str, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()  # (warning, how many items it stands for) of counted warnings
    positions: str | None = None  # how the tool counted selection positions (loaders.qdpx.offsets)
    fingerprint: str | None = None  # a short hash of what identifies the project (loaders.qdpx.qde)
    selections: int = 0  # <PlainTextSelection> elements in the project, read or skipped
