"""Read a REFI-QDA project (`.qdpx` archive, or a bare `.qde` file) into a QdaProject.

The project file follows the REFI-QDA Project schema (namespace `urn:QDA-XML:project:1.0`):
<Project> holds <Users>, <CodeBook>/<Codes>/<Code> (nested), <Variables>, <Cases>, <Sources>,
<Notes>, and <Links>/<Sets>/<Graphs> (which have no place in the knowledge base and are only
reported). Broken content (a selection outside its text, a coding of a code the code book lacks,
a malformed value) is collected and raised as one ValidationError; oddities that lose nothing
important (unknown elements, media sources, a project file not called project.qde) are warnings.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from kb.errors import Problem, ValidationError, shorten
from loaders.qdpx.archive import DEFAULT_LIMITS, ArchiveLimits, QdpxArchive
from loaders.qdpx.records import Case, Note, QdaProject, Theme, User
from loaders.qdpx.sources import TEXT_SOURCE_CHILDREN, Lookups, finish_segments, read_sources, read_text
from loaders.qdpx.variables import read_value, read_variables
from loaders.qdpx.xmlread import REFI_NS, ParseContext, norm_guid, parse_xml, split_tag

PROJECT_CHILDREN = (
    "Users",
    "CodeBook",
    "Variables",
    "Cases",
    "Sources",
    "Notes",
    "Links",
    "Sets",
    "Graphs",
    "Description",
    "NoteRef",
)
NOT_IMPORTED = ("Links", "Sets", "Graphs")
CODE_CHILDREN = ("Description", "NoteRef", "Code")
CASE_CHILDREN = ("Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef")
STANDARD_NAME = "project.qde"


def read_qdpx(path: str | Path | bytes, limits: ArchiveLimits = DEFAULT_LIMITS, name: str | None = None) -> QdaProject:
    """The project inside a `.qdpx` archive (a path, or its bytes named `name`), read safely
    (see loaders.qdpx.archive)."""
    with QdpxArchive(path, limits, name) as archive:
        member = archive.qde_member()
        file = f"{archive.name}/{member}"
        project = parse_project(parse_xml(archive.read(member), file), file, archive)
    if PurePosixPath(member).name.lower() != STANDARD_NAME:
        note = f"the project file is '{shorten(member)}' rather than {STANDARD_NAME}; it was read as the project"
        project = _with_warnings(project, (note,))
    return project


def read_qde(path: str | Path) -> QdaProject:
    """A bare `.qde` project file; sources whose text lives in an archive cannot be read from it."""
    path = Path(path)
    return parse_project(parse_xml(path.read_bytes(), path.name), path.name)


def _with_warnings(project: QdaProject, first: tuple[str, ...]) -> QdaProject:
    return replace(project, warnings=first + project.warnings)


def parse_project(root: Element, file: str, archive: QdpxArchive | None = None) -> QdaProject:
    """Records of a parsed <Project> element; raises ValidationError listing every problem."""
    namespace, local = split_tag(root.tag)
    if local != "Project":
        raise ValidationError(
            [
                Problem(
                    file,
                    (f"the root element is <{shorten(local)}>, not <Project>; this is not a REFI-QDA project file"),
                )
            ]
        )
    ctx = ParseContext(file, namespace, archive)
    if namespace != REFI_NS:
        ctx.warn(f"the project is in namespace {namespace or 'none'!r}, not {REFI_NS!r}; it was read by element names")
    sections: dict[str, Element] = {}
    for name, child in ctx.children(root, PROJECT_CHILDREN):
        sections.setdefault(name, child)
    users = _users(ctx, sections.get("Users"))
    themes = _codebook(ctx, sections.get("CodeBook"))
    variables = read_variables(ctx, sections["Variables"]) if "Variables" in sections else {}
    lookups = Lookups({u.guid: u.name for u in users}, {t.guid for t in themes}, variables)
    sources, pending = read_sources(ctx, sections["Sources"], lookups) if "Sources" in sections else ([], [])
    segments, reading = finish_segments(ctx, root.get("origin"), pending)
    selections = sum(1 for _ in root.iter(f"{{{namespace}}}PlainTextSelection" if namespace else "PlainTextSelection"))
    cases = _cases(ctx, sections.get("Cases"), variables)
    notes = _notes(ctx, sections.get("Notes"), lookups.users)
    for name in NOT_IMPORTED:
        if name in sections:
            ctx.warn(f"<{name}> has no place in the knowledge base and was not imported")
    if ctx.problems:
        raise ValidationError(ctx.problems)
    return QdaProject(
        name=root.get("name") or PurePosixPath(file).stem,
        file=file,
        origin=root.get("origin"),
        created=root.get("creationDateTime"),
        users=tuple(users),
        themes=tuple(themes),
        sources=tuple(sources),
        segments=tuple(segments),
        cases=tuple(cases),
        notes=tuple(notes),
        warnings=ctx.warnings(),
        counts=ctx.counted(),
        positions=reading if pending else None,
        fingerprint=project_fingerprint(root),
        selections=selections,
    )


def project_fingerprint(root: Element) -> str | None:
    """Twelve hex digits identifying the project across exports: its tool, creation time and creating
    user (a tool's default name, "Untitled" or "qc project", identifies nothing); None when the
    project gives no creation time (the project file's bytes are used instead)."""
    created = root.get("creationDateTime")
    if not created:
        return None
    basis = "|".join((root.get("origin") or "", created, norm_guid(root.get("creatingUserGUID") or "")))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def _users(ctx: ParseContext, element: Element | None) -> list[User]:
    users = []
    for _, child in ctx.children(element, ("User",)) if element is not None else ():
        guid = ctx.guid(child, "a <User>")
        if guid:
            users.append(User(guid, child.get("name") or child.get("id") or guid))
    return users


def _codebook(ctx: ParseContext, element: Element | None) -> list[Theme]:
    """Every code, depth first, each with the GUID of its parent code."""
    themes: list[Theme] = []
    if element is None:
        return themes
    for _, codes in ctx.children(element, ("Codes",)):
        for _, code in ctx.children(codes, ("Code",)):
            _code(ctx, code, None, themes)
    return themes


def _code(ctx: ParseContext, element: Element, parent: str | None, themes: list[Theme]) -> None:
    name = element.get("name")
    guid = ctx.guid(element, f"code '{shorten(name or '?')}'")
    if not name:
        ctx.problem(f"code {shorten(guid or '?')} has no name")
    if guid and name:
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
        themes.append(Theme(guid, name, parent, ctx.child_text(element, "Description"), element.get("color"), codable))
    ctx.note_refs(element, guid)
    for local, child in ctx.children(element, CODE_CHILDREN):
        if local == "Code":
            _code(ctx, child, guid, themes)


def _refs(ctx: ParseContext, element: Element, name: str) -> tuple[str, ...]:
    return tuple(norm_guid(ref.get("targetGUID") or "") for ref in ctx.named(element, name) if ref.get("targetGUID"))


def _cases(ctx: ParseContext, element: Element | None, variables: dict[str, str]) -> list[Case]:
    cases = []
    for _, child in ctx.children(element, ("Case",)) if element is not None else ():
        name = child.get("name") or child.get("guid") or "?"
        guid = ctx.guid(child, f"case '{shorten(name)}'")
        values = [
            read_value(ctx, value, variables, f"case '{shorten(name)}'")
            for local, value in ctx.children(child, CASE_CHILDREN)
            if local == "VariableValue"
        ]
        if guid:
            cases.append(
                Case(
                    guid,
                    name,
                    tuple(v for v in values if v is not None),
                    _refs(ctx, child, "SourceRef"),
                    _refs(ctx, child, "SelectionRef"),
                    ctx.child_text(child, "Description"),
                )
            )
    return cases


def _notes(ctx: ParseContext, element: Element | None, users: dict[str, str]) -> list[Note]:
    """Memos; `attached_to` lists the codes, sources and selections whose <NoteRef> points at each."""
    notes = []
    for _, child in ctx.children(element, ("Note",)) if element is not None else ():
        name = child.get("name") or child.get("guid") or "?"
        guid = ctx.guid(child, f"note '{shorten(name)}'")
        ctx.check(child, TEXT_SOURCE_CHILDREN)
        text, _ = read_text(ctx, child, f"note '{shorten(name)}'")
        if guid:
            author = users.get(norm_guid(child.get("creatingUser") or ""))
            attached = tuple(ctx.note_owners.get(guid, ()))
            notes.append(Note(guid, name, text, attached, author, child.get("creationDateTime")))
    return notes
