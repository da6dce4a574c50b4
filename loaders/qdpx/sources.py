"""REFI-QDA text sources and their coded selections, read into Source and Segment records.

Offsets are character positions (Unicode code points) in the source's plain text, which is either
inline (<PlainTextContent>) or a UTF-8 file in the archive (`plainTextPath="internal://name"`, i.e.
`Sources/name`; a byte-order mark is dropped before counting). Every segment's text is the exact
slice `text[start:end]`; a selection outside the text is a problem, not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from kb.errors import Problem, shorten
from loaders.qdpx.records import Segment, Source
from loaders.qdpx.variables import read_value
from loaders.qdpx.xmlread import ParseContext, norm_guid

TEXT_SOURCE_CHILDREN = ("Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue")
SELECTION_CHILDREN = ("Description", "Coding", "NoteRef")
CODING_CHILDREN = ("CodeRef", "NoteRef")
OTHER_SOURCES = ("PictureSource", "AudioSource", "VideoSource")
PDF_CHILDREN = ("Description", "PDFSelection", "Representation", "Coding", "NoteRef", "VariableValue")


@dataclass
class Lookups:
    """What selections refer to: users (GUID -> name), codes (GUIDs), variables (GUID -> name)."""

    users: dict[str, str]
    codes: set[str]
    variables: dict[str, str]
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count, reported once

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def read_text(ctx: ParseContext, element: Element, what: str) -> tuple[str | None, str | None]:
    """(plain text, archive member) of a text source or note (`what`); (None, None) when not available."""
    inline = ctx.child_text(element, "PlainTextContent")
    if inline is not None:
        return inline, None
    path = element.get("plainTextPath")
    if not path:
        return None, None
    member = ctx.archive.resolve(path) if ctx.archive is not None else None
    if member is None:
        ctx.warn(
            f"{what} points to its text at {shorten(repr(path))}, which is not inside the archive; "
            "the text was not read"
        )
        return None, None
    try:
        return ctx.archive.read(member).decode("utf-8-sig"), member
    except UnicodeDecodeError as exc:
        ctx.problems.append(
            Problem(
                f"{ctx.archive.name}/{shorten(member)}",
                (f"is not UTF-8 text (byte {exc.start}); REFI-QDA plain-text sources must be UTF-8"),
            )
        )
        return None, None


def _codings(
    ctx: ParseContext, selection: Element, lookups: Lookups, what: str
) -> list[tuple[str, str | None, str | None]]:
    """(code GUID, coder name, date) of each <Coding> of a selection."""
    found = []
    for coding in ctx.named(selection, "Coding"):
        code = None
        for local, child in ctx.children(coding, CODING_CHILDREN):
            if local == "CodeRef":
                code = norm_guid(child.get("targetGUID") or "")
        ctx.note_refs(coding, norm_guid(coding.get("guid") or "") or None)
        if not code or code not in lookups.codes:
            ctx.problem(f"{what} is coded with {shorten(repr(code or 'no code'))}, which is not in the code book")
            continue
        coder = lookups.users.get(norm_guid(coding.get("creatingUser") or ""))
        found.append((code, coder, coding.get("creationDateTime")))
    return found


def _selection(ctx: ParseContext, element: Element, source: Source, lookups: Lookups) -> Segment | None:
    label = element.get("name") or element.get("guid") or "?"
    what = f"selection '{shorten(label)}' of source '{shorten(source.name)}'"
    ctx.check(element, SELECTION_CHILDREN)
    guid = ctx.guid(element, what)
    ctx.note_refs(element, guid)
    start, end = ctx.int_attr(element, "startPosition", what), ctx.int_attr(element, "endPosition", what)
    codings = _codings(ctx, element, lookups, what)
    if guid is None or start is None or end is None:
        return None
    if not codings:
        lookups.skip("selections without codes")
        return None
    if source.text is None:
        lookups.skip("coded selections of sources whose text is not in the project")
        return None
    if not 0 <= start <= end <= len(source.text):
        ctx.problem(f"{what} spans characters {start}-{end}, outside the source's {len(source.text)} characters")
        return None
    codes = tuple(dict.fromkeys(code for code, _, _ in codings))
    coder = next((user for _, user, _ in codings if user), None) or lookups.users.get(
        norm_guid(element.get("creatingUser") or "")
    )
    coded_at = next((date for _, _, date in codings if date), None) or element.get("creationDateTime")
    return Segment(
        guid,
        source.guid,
        source.name,
        start,
        end,
        source.text[start:end],
        codes,
        coder,
        coded_at,
        ctx.child_text(element, "Description"),
    )


def read_text_source(
    ctx: ParseContext, element: Element, lookups: Lookups, name: str | None = None
) -> tuple[Source | None, list[Segment]]:
    """A <TextSource> (or a PDF's text <Representation>) and its coded selections."""
    name = name or element.get("name") or element.get("guid") or "?"
    guid = ctx.guid(element, f"source '{shorten(name)}'")
    if guid is None:
        return None, []
    ctx.note_refs(element, guid)
    text, member = read_text(ctx, element, f"source '{shorten(name)}'")
    values = []
    for local, child in ctx.children(element, TEXT_SOURCE_CHILDREN):
        if local == "VariableValue":
            values.append(read_value(ctx, child, lookups.variables, f"source '{shorten(name)}'"))
        elif local == "Coding":
            lookups.skip("codings of whole sources (only coded selections become evidence)")
    source = Source(guid, name, text, member, tuple(v for v in values if v is not None))
    segments = [_selection(ctx, child, source, lookups) for child in ctx.named(element, "PlainTextSelection")]
    return source, [segment for segment in segments if segment is not None]


def read_sources(ctx: ParseContext, element: Element, lookups: Lookups) -> tuple[list[Source], list[Segment]]:
    """Every text source under <Sources>; PDFs contribute their text representation, media are skipped."""
    sources: list[Source] = []
    segments: list[Segment] = []
    for local, child in ctx.children(element, ("TextSource", "PDFSource") + OTHER_SOURCES):
        name = child.get("name") or child.get("guid") or "?"
        if local == "TextSource":
            source, found = read_text_source(ctx, child, lookups)
        elif local == "PDFSource":
            source, found = _pdf_source(ctx, child, lookups, name)
        else:
            ctx.warn(f"<{shorten(local)}> '{shorten(name)}' is not a text source; it and its codings were not imported")
            continue
        if source is not None:
            sources.append(source)
            segments.extend(found)
    return sources, segments


def _pdf_source(
    ctx: ParseContext, element: Element, lookups: Lookups, name: str
) -> tuple[Source | None, list[Segment]]:
    ctx.check(element, PDF_CHILDREN)
    if any(True for _ in ctx.named(element, "PDFSelection")):
        ctx.warn(
            f"<PDFSource> '{shorten(name)}' has area selections, which were not imported "
            "(only its text representation is)"
        )
    for representation in ctx.named(element, "Representation"):
        return read_text_source(ctx, representation, lookups, name)
    ctx.warn(f"<PDFSource> '{shorten(name)}' has no text representation; it was not imported")
    return None, []
