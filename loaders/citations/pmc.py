"""Reader for the reference block of a PubMed Central text dump (`==== Refs`).

Each reference starts with a line "N Authors" (Vancouver names without commas: "Smith J Mays N");
the title follows on the next line, cut from the venue by a spaced " . " or " , "; a last line
"year ;volume :pages PMID" may close it. A title line can itself begin with a small number
("10 lessons from..."), so a numbered line opens a new reference only when its number moves the
list forward by a few steps and it does not stand where the title of the reference before it
should be, unless it reads as an author list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.errors import Problem
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.numbering import Numbering
from loaders.citations.text import find_doi, find_pmid, find_url, find_year, guess_kind, squash, tidy

_START = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_MAX_STEP = 5
_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_TITLE_END = re.compile(r"\s[.,](?=\s|[A-Z]|$)|\s?\bIn:\s")
_PMID_AT_END = re.compile(r"^\s*(?:1[5-9]|20)\d\d\b.*\s(\d{6,9})\s*$")
_CONTAINER = re.compile(r"\beds?\.\s*(.*?)(?:\s\.\s|$)")


def read_pmc(text: str, source: str) -> ReadResult:
    """Read the numbered references after `==== Refs` (the whole file if that marker is absent)."""
    numbering = Numbering(source)
    citations: list[Citation] = []
    problems: list[Problem] = []
    for line, number, lines, raw in _entries(text):
        n = numbering.take(number, line)
        if len(lines) < 2:
            problems.append(
                Problem(source, f"reference {n} has no title line after its authors; it was skipped", row=line)
            )
            continue
        citations.append(_citation(n, lines, raw, source, line))
    return ReadResult(source, "pmc", tuple(citations), tuple(problems), tuple(numbering.warnings))


def _entries(text: str) -> Iterator[tuple[int, int, list[str], str]]:
    """(line of the number, number, [authors line, further lines], raw text) for each reference."""
    lines = text.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.strip() == "==== Refs"), 0)
    current: list[str] = []
    raw: list[str] = []
    first_line, number, last = 0, 0, 0
    for index in range(start, len(lines)):
        content = lines[index].strip()
        match = _START.match(content)
        if match and _opens_entry(int(match.group(1)), match.group(2), last, current):
            if current:
                yield first_line, number, current, "\n".join(raw)
            first_line, number, last = index + 1, int(match.group(1)), int(match.group(1))
            current, raw = [match.group(2)], [lines[index].rstrip()]
        elif current and content:
            current.append(content)
            raw.append(lines[index].rstrip())
    if current:
        yield first_line, number, current, "\n".join(raw)


def _opens_entry(number: int, text: str, last: int, current: list[str]) -> bool:
    """A numbered line opens a reference if its number moves the list forward a little, and either
    the reference before it is complete (authors and title) or the line reads as authors."""
    if not last < number <= last + _MAX_STEP:
        return False
    return len(current) != 1 or bool(_INITIALS.match(text.split()[-1]))


def _citation(n: int, lines: list[str], raw: str, source: str, line: int) -> Citation:
    authors = names_without_commas(lines[0])
    title, tail = _split_title(lines[1], lines[2:])
    container = _CONTAINER.search(tail) if tail.startswith("In:") else None
    year = find_year(tail)
    venue = tidy(container.group(1)) if container else _venue(tail)
    pmid_match = _PMID_AT_END.match(lines[-1]) if len(lines) > 2 else None
    url = find_url(raw)
    return Citation(
        raw=raw,
        title=title,
        source=source,
        line=line,
        fmt="pmc",
        n=n,
        authors=authors,
        year=year,
        venue=venue,
        doi=find_doi(raw),
        pmid=pmid_match.group(1) if pmid_match else find_pmid(raw),
        url=url,
        kind=guess_kind(tail, authors, url, has_venue=venue is not None),
    )


def _split_title(first: str, others: list[str]) -> tuple[str, str]:
    """The title and the text after it (venue, year, pages)."""
    match = _TITLE_END.search(first)
    if match:
        title, rest = first[: match.start()], first[match.start() :].strip()
        rest = rest[1:] if rest[:1] in ".," else rest
    else:
        title, rest = first, ""
    return tidy(title) or squash(first), squash(" ".join([rest] + others))


def _venue(tail: str) -> str | None:
    year = re.search(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)", tail)
    return tidy((tail[: year.start()] if year else tail).lstrip(" .,;:"))


def names_without_commas(text: str) -> tuple[Name, ...]:
    """Vancouver names run together without commas: "Van Wijk R Van Den Bosch FAJ" -> two people.

    Words gather into a family name until an initials token (up to three capitals) closes it;
    words left over with no initials are an organisation ("Department of Health").
    """
    names: list[Name] = []
    family: list[str] = []
    for token in text.split():
        if family and _INITIALS.match(token):
            names.append(Name(" ".join(family), token))
            family = []
        else:
            family.append(token)
    if family:
        names.append(Name(" ".join(family)))
    return tuple(names)
