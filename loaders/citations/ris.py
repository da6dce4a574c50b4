"""RIS reader, built on rispy: the file is cut into records first so that one bad record cannot sink the rest.

Exports differ in small ways, all read here: Scopus adds a byte-order mark, `DB  - Scopus` and
`N1  - Export Date:`; Web of Science adds a mark, `AN  - WOS:...`, and indents the rest of a long
value on following lines; EndNote writes further values of a tag (keywords) on unindented lines of
their own. An indented line, or an unindented one after a tag that holds lists or text (keywords,
abstract, notes, database), continues the tag before it; another line
that is not `TAG  - value` is reported and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from kb.errors import Problem, shorten
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.text import find_doi, find_pmid, find_url, find_year, initials_of, name_family_first, tidy

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -( |$)")
_KINDS = {
    "JOUR": "article",
    "JFULL": "article",
    "MGZN": "article",
    "NEWS": "article",
    "CPAPER": "article",
    "EJOUR": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "RPRT": "report",
    "GOVDOC": "report",
    "STAND": "report",
    "THES": "report",
    "ELEC": "web",
    "WEB": "web",
    "BLOG": "web",
}
# Tags whose value is one short item: an unindented line after one of them cannot be EndNote's next value.
_SINGLE = ("TY", "TI", "T1", "PY", "Y1", "DA", "DO", "ID", "VL", "IS", "SP", "EP")
_AUTHOR_KEYS = ("authors", "first_authors")
_TITLE_KEYS = ("title", "primary_title", "short_title", "translated_title")
_VENUE_KEYS = ("secondary_title", "journal_name", "alternate_title3", "alternate_title1", "publisher")


def read_ris(text: str, source: str) -> ReadResult:
    """Read every RIS record; a record rispy cannot parse, or without TY or title, is reported and skipped."""
    citations: list[Citation] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for line, record, closed in _records(text):
        record = _joined(record, line, source, warnings)
        if not closed:
            warnings.append(
                Problem(source, "record has no closing 'ER  -' line; it was read to the end of the file", row=line)
            )
        if not record or not record[0].startswith("TY  -"):
            problems.append(Problem(source, "record does not start with a 'TY  -' line; it was skipped", row=line))
            continue
        try:
            parsed = rispy.loads("\n".join(record) + "\nER  - \n")[0]
        except (KeyError, ValueError, IndexError) as exc:
            problems.append(
                Problem(source, f"RIS record could not be parsed ({shorten(exc)}); it was skipped", row=line)
            )
            continue
        citation = _citation(parsed, "\n".join(record), source, line)
        if citation is None:
            problems.append(Problem(source, "record has no title (TI or T1); it was skipped", row=line))
        else:
            citations.append(citation)
    return ReadResult(source, "ris", tuple(citations), tuple(problems), tuple(warnings))


def _joined(record: list[str], first: int, source: str, warnings: list[Problem]) -> list[str]:
    """Tag lines, each with its continuation lines appended: Web of Science indents the rest of a long
    value (an abstract) on lines of its own, EndNote writes further keywords and ISSNs unindented."""
    joined: list[str] = []
    for offset, content in enumerate(record):
        if _TAG.match(content):
            joined.append(content)
        elif content.strip() and joined and (content[:1].isspace() or joined[-1][:2] not in _SINGLE):
            joined[-1] = f"{joined[-1]} {content.strip()}"
        elif content.strip():
            warnings.append(Problem(source, "line is not a 'TAG  - value' line; it was ignored", row=first + offset))
    return joined


def _records(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """(first line number, lines, closed by ER?) for each record; blank lines between records are skipped."""
    record: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not record and not line.strip():
            continue
        if not record:
            start = number
        if line.startswith("ER  -"):
            yield start, record or [line], True
            record = []
            continue
        record.append(line.rstrip())
    if record:
        yield start, record, False


def _citation(parsed: dict[str, Any], raw: str, source: str, line: int) -> Citation | None:
    title = next((tidy(parsed[key]) for key in _TITLE_KEYS if parsed.get(key)), None)
    if not title:
        return None
    urls = parsed.get("urls") or []
    venue = next((tidy(parsed[key]) for key in _VENUE_KEYS if parsed.get(key)), None)
    names = [name for key in _AUTHOR_KEYS for name in parsed.get(key, [])]
    return Citation(
        raw=raw,
        title=title,
        source=source,
        line=line,
        fmt="ris",
        authors=tuple(filter(None, (_name(name) for name in names))),
        year=find_year(str(parsed.get("year") or parsed.get("publication_year") or parsed.get("date") or "")),
        venue=venue,
        doi=find_doi(str(parsed.get("doi") or "")) or find_doi(raw),
        pmid=_pmid(parsed) or find_pmid(raw),
        url=urls[0] if urls else find_url(raw),
        kind=_KINDS.get(str(parsed.get("type_of_reference", "")).upper(), "other"),
    )


def _name(text: str) -> Name | None:
    """RIS names are "Family, Given" (or an organisation without a comma)."""
    if "," in text:
        family, given = text.split(",", 1)
        return Name(family.strip(), initials_of(given)) if given.strip() else Name(family.strip())
    return name_family_first(text)


def _pmid(parsed: dict[str, Any]) -> str | None:
    accession = str(parsed.get("accession_number") or "")
    database = str(parsed.get("name_of_database") or "")
    if accession.isdigit() and "pubmed" in database.lower():
        return accession
    return None
