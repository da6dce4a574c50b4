"""BibTeX reader, built on bibtexparser v2: its failed blocks become problems, the rest loads.

Values are read as BibTeX reads them (loaders.citations.bibvalues): `#` concatenation, @string
macros (an undefined one is a warning), month names; field names ignore letter case (`Author =`,
as JabRef 2.x and Web of Science write them, is `author`).
"""

from __future__ import annotations

import logging

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from kb.errors import Problem, shorten
from loaders.citations.bibvalues import Macros
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.text import find_doi, find_pmid, find_url, find_year, initials_of, squash, tidy

_KINDS = {
    "article": "article",
    "inproceedings": "article",
    "conference": "article",
    "book": "book",
    "booklet": "book",
    "proceedings": "book",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "web",
    "www": "web",
    "electronic": "web",
}
_WHOLE_BOOKS = ("collection", "proceedings", "mvcollection", "mvproceedings")
_VENUE_FIELDS: tuple[str, ...] = (
    "journal",
    "journaltitle",
    "booktitle",
    "publisher",
    "institution",
    "organization",
    "school",
)
_LATEX = LatexNodes2Text()
# bibtexparser logs each failed block; this reader reports them as problems with file and line,
# so without a handler Python would print the same failure a second time on stderr.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


def read_bibtex(text: str, source: str) -> ReadResult:
    """Read every entry of a BibTeX file; entries bibtexparser cannot parse are reported and skipped."""
    library = parse_string(text, parse_stack=[])  # values as written; resolved below
    macros = Macros()
    for string in library.strings:
        macros.define(string.key, string.value)
    citations: list[Citation] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for block in library.failed_blocks:
        line = _line(block)
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entry = _resolve(block.ignore_error_block, macros, library, source, warnings)
            warnings.append(
                Problem(source, f"entry key '{shorten(entry.key)}' is used twice; both entries were loaded", row=line)
            )
            _add(entry, source, citations, problems)
        else:
            detail = squash(getattr(block.error, "abort_reason", "") or str(block.error)) or "syntax error"
            problems.append(
                Problem(source, f"BibTeX entry could not be parsed ({shorten(detail, 120)}); it was skipped", row=line)
            )
    for entry in library.entries:
        _add(_resolve(entry, macros, library, source, warnings), source, citations, problems)
    citations.sort(key=lambda c: c.line)
    warnings.sort(key=lambda p: p.row or 0)
    problems.sort(key=lambda p: p.row or 0)
    return ReadResult(source, "bibtex", tuple(citations), tuple(problems), tuple(warnings))


_NAMES = (middlewares.SeparateCoAuthors(), middlewares.SplitNameParts())


def _resolve(entry: Entry, macros: Macros, library: Library, source: str, warnings: list[Problem]) -> Entry:
    """The entry with lower-case field names, its values' text, and author lists split into names."""
    before = len(macros.undefined)
    for item in entry.fields:
        item.key = item.key.lower()
        item.value = macros.resolve(str(item.value))
    for name in dict.fromkeys(macros.undefined[before:]):
        warnings.append(
            Problem(
                source,
                f"entry '{shorten(entry.key)}' uses the string macro '{shorten(name)}', which the file does not "
                "define; its name was kept as the text",
                row=_line(entry),
            )
        )
    for middleware in _NAMES:
        transformed = middleware.transform_entry(entry, library)
        entry = transformed if isinstance(transformed, Entry) else entry
    return entry


def _line(block: Block) -> int:
    """The 1-based line a block starts on (bibtexparser counts from 0; 0 when it does not say)."""
    return (block.start_line or 0) + 1


def _add(entry: Entry, source: str, citations: list[Citation], problems: list[Problem]) -> None:
    try:
        _add_entry(entry, source, citations, problems)
    except RecursionError:  # the LaTeX decoder recurses once per level of braces
        problems.append(
            Problem(
                source,
                f"entry '{shorten(entry.key)}' nests braces too deeply to read; it was skipped",
                row=_line(entry),
            )
        )


def _add_entry(entry: Entry, source: str, citations: list[Citation], problems: list[Problem]) -> None:
    line = _line(entry)
    fields = {key.lower(): value for key, value in entry.items()}
    title = _plain(fields.get("title"))
    venues = _VENUE_FIELDS
    if not title and entry.entry_type.lower() in _WHOLE_BOOKS:  # a collection's title is its booktitle
        title, venues = _plain(fields.get("booktitle")), tuple(f for f in _VENUE_FIELDS if f != "booktitle")
    if not title:
        problems.append(
            Problem(source, f"entry '{shorten(entry.key)}' has no title; it was skipped (add a title field)", row=line)
        )
        return
    text_fields = " ".join(str(v) for k, v in fields.items() if k not in ("author", "editor"))
    venue = next((_plain(fields[name]) for name in venues if fields.get(name)), None)
    url = _plain(fields.get("url")) or find_url(text_fields)
    doi = find_doi(_plain(fields.get("doi")) or "") or find_doi(text_fields)
    authors, truncated = _names(fields.get("author") or [])
    citations.append(
        Citation(
            raw=entry.raw or "",
            title=title,
            source=source,
            line=line,
            fmt="bibtex",
            authors=authors,
            authors_truncated=truncated,
            year=find_year(_plain(fields.get("year")) or _plain(fields.get("date")) or ""),
            venue=venue,
            doi=doi,
            pmid=_plain(fields.get("pmid")) or find_pmid(text_fields),
            url=url,
            kind=_KINDS.get(entry.entry_type.lower(), "web" if url and not venue else "other"),
        )
    )


def _plain(value: object) -> str | None:
    """A field value as plain text: LaTeX accents decoded, protective braces gone."""
    if value is None:
        return None
    return tidy(_LATEX.latex_to_text(str(value)))


def _names(parts: list[NameParts]) -> tuple[tuple[Name, ...], bool]:
    names: list[Name] = []
    truncated = False
    for part in parts:
        last = squash(" ".join(part.von + part.last))
        if last.lower() == "others":
            truncated = True
            continue
        if last.startswith("{") and not part.first:
            names.append(Name(_plain(last) or last))
        else:
            names.append(Name(_plain(last) or last, initials_of(_plain(" ".join(part.first)) or "")))
    return tuple(names), truncated
