"""Reader for a search engine's numbered export: `[n]  Authors  Title , year , venue.`

Authors are written given names first. A list cut short with ",et al." is separated from the
title by a wider gap (a no-break space and a space); a single author is followed by one space
only, so the name is read as initials or given names and then one family name. The year
follows the title after a spaced comma (" , 2006"). Lines before the first `[1]` (the paper's
own title and abstract) are not references and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.errors import Problem
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.numbering import Numbering
from loaders.citations.text import find_doi, find_pmid, find_url, guess_kind, name_given_first, squash, tidy

_START = re.compile(r"^\[(\d+)\]\s+(.*)$")
_SPACED_YEAR = re.compile(r"\s,\s*((?:1[5-9]|20)\d\d)(?!\d)")
_YEAR = re.compile(r",\s*((?:1[5-9]|20)\d\d)(?!\d)")
_GAP = re.compile(r"\s{2,}")  # the export pads with a no-break space and a space
_SINGLE_AUTHOR = re.compile(r"^((?:[A-Z][a-z]*\.?\s){1,3}?[A-Z][\w'’\-]+)\s(.+)$")
_ET_AL = re.compile(r"^et\.?\s*al\.?$", re.IGNORECASE)


def read_search_export(text: str, source: str) -> ReadResult:
    """Read every `[n]` entry; an entry whose authors and title cannot be told apart is reported and skipped."""
    numbering = Numbering(source)
    citations: list[Citation] = []
    problems: list[Problem] = []
    for line, number, raw in _entries(text):
        n = numbering.take(number, line)
        start = _START.match(" ".join(raw.split("\n")).strip())
        if start is None:  # _entries yields only lines that open an entry
            continue
        entry = start.group(2)
        parts = _GAP.split(entry.strip(), maxsplit=1)
        single = _SINGLE_AUTHOR.match(entry.strip())
        if len(parts) < 2 and not single:
            problems.append(
                Problem(source, f"reference [{n}] does not start with an author's name; it was skipped", row=line)
            )
            continue
        authors_text, rest = parts if len(parts) == 2 or single is None else single.groups()
        body = squash(entry)
        title, year, venue = _title_year_venue(squash(rest))
        if not title:
            problems.append(Problem(source, f"reference [{n}] has no title; it was skipped", row=line))
            continue
        authors, truncated = _authors(authors_text)
        url = find_url(body)
        citations.append(
            Citation(
                raw=raw,
                title=title,
                source=source,
                line=line,
                fmt="search-export",
                n=n,
                authors=authors,
                authors_truncated=truncated,
                year=year,
                venue=venue,
                doi=find_doi(body),
                pmid=find_pmid(body),
                url=url,
                kind=guess_kind(venue or "", authors, url, has_venue=venue is not None),
            )
        )
    return ReadResult(source, "search-export", tuple(citations), tuple(problems), tuple(numbering.warnings))


def _entries(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, number, raw text) per entry; a non-blank line that is not a new entry continues the last one."""
    current: list[str] = []
    first_line = number = 0
    for index, line in enumerate(text.splitlines(), start=1):
        match = _START.match(line.strip())
        if match:
            if current:
                yield first_line, number, "\n".join(current)
            first_line, number, current = index, int(match.group(1)), [line.rstrip()]
        elif current and line.strip():
            current.append(line.rstrip())
        elif current:
            yield first_line, number, "\n".join(current)
            current = []
    if current:
        yield first_line, number, "\n".join(current)


def _title_year_venue(rest: str) -> tuple[str | None, int | None, str | None]:
    match = _SPACED_YEAR.search(rest) or _YEAR.search(rest)
    if not match:
        return tidy(rest), None, None
    venue = tidy(rest[match.end() :])
    return tidy(rest[: match.start()]), int(match.group(1)), venue


def _authors(text: str) -> tuple[tuple[Name, ...], bool]:
    names: list[Name] = []
    truncated = False
    for part in text.split(","):
        part = part.strip()
        if _ET_AL.match(part):
            truncated = True
        elif part:
            name = name_given_first(part)
            if name:
                names.append(name)
    return tuple(names), truncated
