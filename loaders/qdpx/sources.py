"""REFI-QDA text sources and their coded selections, read into Source and Segment records.

A source's plain text is either inline (<PlainTextContent>) or a UTF-8 file in the archive
(`plainTextPath="internal://name"`, i.e. `Sources/name`; a byte-order mark is dropped, line
breaks are kept as written). A path that is not `internal://` points outside the archive
(`relative://`, `absolute://`, or a bare file name as qc writes it); when the archive's Sources
folder nevertheless holds a file of that name, it is read from there, with a warning.

Selections are read in two steps: first their positions as the tool wrote them (PendingSegment),
then, once every source is known, the project's way of counting positions is chosen
(loaders.qdpx.offsets) and each segment's text is cut as exactly `text[start:end]` in code points.
A selection outside its text is a problem, not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

from kb.errors import Problem, shorten
from loaders.qdpx.archive import INTERNAL_SCHEME
from loaders.qdpx.offsets import UTF16, SourceText, choose_reading
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


@dataclass(frozen=True)
class PendingSegment:
    """A coded selection before its positions are read: everything but its text."""

    guid: str
    source: Source
    start: int
    end: int
    codes: tuple[str, ...]
    coder: str | None
    coded_at: str | None
    description: str | None
    what: str  # how messages name it


OUTSIDE_READ = (
    "source{s} read from the archive's Sources folder although the project places the text outside the archive"
)
OUTSIDE_MISSING = (
    "source{s} not read: the project places the text outside the archive; export the project again with its "
    "sources included to load their coding"
)
MEMBER_MISSING = (
    "source{s} not read: the archive lacks the text file the project names for it; export the project again"
)
SKIP_OUTSIDE = "coded selection{s} skipped: their sources are not in the archive"
SKIP_NO_TEXT = "coded selection{s} skipped: their sources have no plain text in the project"
SKIP_UNCODED = "selection{s} skipped: no code is applied to them"
SKIP_WHOLE = "coding{s} of whole sources skipped: only coded selections become evidence"
SKIP_EMPTY = "coded selection{s} skipped: they select no text, or only spaces and line breaks"


def read_text(ctx: ParseContext, element: Element, what: str) -> tuple[str | None, str | None]:
    """(plain text, archive member) of a text source or note (`what`); (None, None) when not available."""
    inline = ctx.child_text(element, "PlainTextContent")
    if inline is not None:
        return inline, None
    path = element.get("plainTextPath")
    archive = ctx.archive
    if not path:
        return None, None
    member = archive.resolve(path) if archive is not None else None
    if member is None and archive is not None and not path.startswith(INTERNAL_SCHEME):
        member = archive.resolve(f"{INTERNAL_SCHEME}{PurePosixPath(path.replace(chr(92), '/')).name}")
        if member is not None:
            ctx.tally(OUTSIDE_READ, shorten(repr(path)))
    if member is None or archive is None:
        missing = MEMBER_MISSING if path.startswith(INTERNAL_SCHEME) else OUTSIDE_MISSING
        ctx.tally(missing, f"{what} at {shorten(repr(path))}")
        return None, None
    try:
        return archive.read(member).decode("utf-8-sig"), member
    except UnicodeDecodeError as exc:
        ctx.problems.append(
            Problem(
                f"{archive.name}/{shorten(member)}",
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


def _selection(
    ctx: ParseContext, element: Element, source: Source, lookups: Lookups, outside: bool
) -> list[PendingSegment]:
    """A coded selection, one segment per coder: when two coders applied codes to the same selection
    (ATLAS.ti and NVivo team projects), each keeps their own codes, and the second coder's segment
    gets the selection GUID with `-2` (then `-3` ...)."""
    label = element.get("name") or element.get("guid") or "?"
    what = f"selection '{shorten(label)}' of source '{shorten(source.name)}'"
    ctx.check(element, SELECTION_CHILDREN)
    guid = ctx.guid(element, what)
    ctx.note_refs(element, guid)
    start, end = ctx.int_attr(element, "startPosition", what), ctx.int_attr(element, "endPosition", what)
    codings = _codings(ctx, element, lookups, what)
    if guid is None or start is None or end is None:
        return []
    if not codings:
        ctx.tally(SKIP_UNCODED)
        return []
    if source.text is None:
        ctx.tally(SKIP_OUTSIDE if outside else SKIP_NO_TEXT)
        return []
    if start > end:
        ctx.problem(f"{what} starts at {start}, after its end at {end}")
        return []
    selector = lookups.users.get(norm_guid(element.get("creatingUser") or ""))
    by_coder: dict[str | None, list[tuple[str, str | None]]] = {}
    for code, user, date in codings:
        by_coder.setdefault(user or selector, []).append((code, date))
    description = ctx.child_text(element, "Description")
    segments = []
    for number, (coder, applied) in enumerate(by_coder.items(), start=1):
        coded_at = next((date for _, date in applied if date), None) or element.get("creationDateTime")
        codes = tuple(dict.fromkeys(code for code, _ in applied))
        segment_guid = guid if number == 1 else f"{guid}-{number}"
        segments.append(PendingSegment(segment_guid, source, start, end, codes, coder, coded_at, description, what))
    return segments


def _position_problem(p: PendingSegment, text: SourceText, reading: str) -> str:
    size, unit = (text.utf16_length, UTF16) if reading == UTF16 else (len(text.text), "characters")
    if not 0 <= p.start <= p.end <= size:
        return f"{p.what} spans characters {p.start}-{p.end}, outside the source's {size} {unit}"
    return f"{p.what} spans characters {p.start}-{p.end}, which cut a character of two UTF-16 code units in half"


def finish_segments(ctx: ParseContext, origin: str | None, pending: list[PendingSegment]) -> tuple[list[Segment], str]:
    """Segments with their text cut under the project's reading of positions; returns them and the reading."""
    texts = {p.source.guid: SourceText(p.source.text or "") for p in pending}
    reading, warning = choose_reading(origin, texts, [(p.source.guid, p.start, p.end) for p in pending])
    if warning:
        ctx.warn(warning)
    segments = []
    for p in pending:
        text = texts[p.source.guid]
        start, end = text.code_point(p.start, reading), text.code_point(p.end, reading)
        if start is None or end is None:
            ctx.problem(_position_problem(p, text, reading))
            continue
        if not text.text[start:end].strip():  # ATLAS.ti writes zero-length selections to hold a comment
            ctx.tally(SKIP_EMPTY)
            continue
        segments.append(
            Segment(
                p.guid,
                p.source.guid,
                p.source.name,
                start,
                end,
                text.text[start:end],
                p.codes,
                p.coder,
                p.coded_at,
                p.description,
                positions=f"{reading} {p.start}-{p.end}",
            )
        )
    return segments, reading


def read_text_source(
    ctx: ParseContext, element: Element, lookups: Lookups, name: str | None = None
) -> tuple[Source | None, list[PendingSegment]]:
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
            ctx.tally(SKIP_WHOLE)
    source = Source(guid, name, text, member, tuple(v for v in values if v is not None))
    outside = text is None and bool(element.get("plainTextPath"))
    found = [
        segment
        for child in ctx.named(element, "PlainTextSelection")
        for segment in _selection(ctx, child, source, lookups, outside)
    ]
    return source, found


def read_sources(ctx: ParseContext, element: Element, lookups: Lookups) -> tuple[list[Source], list[PendingSegment]]:
    """Every text source under <Sources>; PDFs contribute their text representation, media are skipped."""
    sources: list[Source] = []
    segments: list[PendingSegment] = []
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
) -> tuple[Source | None, list[PendingSegment]]:
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
