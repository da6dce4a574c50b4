"""Reader for a numbered Vancouver-like list: `- N. Authors. Title. Venue; year.`

Entries start with "- N. ", "- " (a bullet whose number was lost: numbered from its position) or
"N. "; any other non-blank line continues the entry before it, as wrapped lines do. Reading
starts after the last line that says only "References" when there is one. Authors are
"Family Initials" separated by commas, possibly closed by "et al."; an author block that is not
a person ("Department of Health.") is an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from kb.errors import Problem
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.numbering import Numbering
from loaders.citations.text import (
    find_doi,
    find_pmid,
    find_url,
    guess_kind,
    initials_of,
    squash,
    tidy,
    without_identifiers,
)

_START = re.compile(r"^(?:-\s+(?:(\d{1,4})\.\s+)?|(\d{1,4})\.\s+)(\S.*)$")
_PERSON = re.compile(
    r"(?P<family>[A-Z][\w'’\-]*(?:\s(?:[A-Z][\w'’\-]*|van|von|de|der|den|la|le|da|di|du))*?)"
    r"\.?\s(?P<initials>[A-Z]{1,3}(?:-[A-Z]{1,2})?)\.?(?=[,.;\s]|$)"
)
_COMMA = re.compile(r"\s*,\s*")
_ET_AL = re.compile(r"\s*,?\s*et\.?\s+al\.?,?\s*")
_AUTHORS_END = re.compile(r"\.?\s*")
_TITLE_END = re.compile(r"(?<=[?!])\s|\.\s|\s+In:\s|\.$")
_YEAR = re.compile(r"(?<![\d/.-])(?:1[5-9]|20)\d\d(?!\d)")
_PUBLISHER_TAIL = re.compile(r"\s(?=[A-Z]\w*(?:,\s*[A-Z][\w.]*)?\.?:\s[^:;]+;\s*(?:1[5-9]|20)\d\d\.?$)")
_CONTAINER = re.compile(r"\b(?:editors?|eds?)\.?\)?\.\s*(.*?)(?:\.\s|$)")


def read_vancouver(text: str, source: str) -> ReadResult:
    """Read every entry of the list; an entry with no title after its authors is reported and skipped."""
    numbering = Numbering(source)
    citations: list[Citation] = []
    problems: list[Problem] = []
    for line, number, raw in _entries(text):
        n = numbering.take(number, line)
        start = _START.match(raw.split("\n", 1)[0].strip())
        if start is None:  # _entries yields only lines that open an entry
            continue
        body = squash(start.group(3) + " " + " ".join(raw.split("\n")[1:]))
        authors, truncated, rest = split_authors(body)
        title, tail = _split_title(rest)
        if not title:
            problems.append(Problem(source, f"reference {n} has no title after its authors; it was skipped", row=line))
            continue
        citations.append(_citation(n, raw, body, title, tail, authors, truncated, source, line))
    return ReadResult(source, "vancouver", tuple(citations), tuple(problems), tuple(numbering.warnings))


def _entries(text: str) -> Iterator[tuple[int, int | None, str]]:
    """(line, number or None, raw text) for each entry of the reference section."""
    lines = text.splitlines()
    heading = [i for i, line in enumerate(lines) if line.strip().lower() == "references"]
    start = heading[-1] + 1 if heading else 0
    current: list[str] = []
    first_line, number = 0, cast(int | None, None)
    for index in range(start, len(lines)):
        match = _START.match(lines[index].strip())
        if match:
            if current:
                yield first_line, number, "\n".join(current)
            written = match.group(1) or match.group(2)
            first_line, number, current = index + 1, int(written) if written else None, [lines[index].rstrip()]
        elif current and lines[index].strip():
            current.append(lines[index].rstrip())
    if current:
        yield first_line, number, "\n".join(current)


def split_authors(body: str) -> tuple[tuple[Name, ...], bool, str]:
    """(authors, list ended in et al., the rest of the entry)."""
    names: list[Name] = []
    position = 0
    while True:
        person = _PERSON.match(body, position)
        if not person:
            break
        names.append(Name(person.group("family"), initials_of(person.group("initials"))))
        position = person.end()
        et_al = _ET_AL.match(body, position)
        if et_al:
            return tuple(names), True, body[et_al.end() :]
        comma = _COMMA.match(body, position)
        if comma and comma.end() > position:
            position = comma.end()
            continue
        end = _AUTHORS_END.match(body, position)  # matches the empty string at least
        return tuple(names), False, body[end.end() if end else position :]
    if names:
        return tuple(names), False, body[position:]
    organisation, _, rest = body.partition(". ")
    return (Name(organisation.strip()),) if rest else (), False, rest if rest else body


def _split_title(rest: str) -> tuple[str | None, str]:
    """The title ends at a full stop, ? or ! before more text, or at "In:";
    failing those, before a closing "Place: Publisher; year"."""
    match = _TITLE_END.search(rest)
    if not match or match.end() == len(rest):
        match = _PUBLISHER_TAIL.search(rest) or match
    if not match:
        return tidy(rest), ""
    return tidy(rest[: match.start()]), rest[match.start() :].strip(" .")


def _container(tail: str) -> str | None:
    """The book a chapter appears in: the text after "editor(s)." or "eds.", without place, publisher and year."""
    found = _CONTAINER.search(tail)
    if not found:
        return None
    text = found.group(1)
    cut = _PUBLISHER_TAIL.search(text) or _YEAR.search(text)
    return tidy(text[: cut.start()] if cut else text)


def _citation(
    n: int,
    raw: str,
    body: str,
    title: str,
    tail: str,
    authors: tuple[Name, ...],
    truncated: bool,
    source: str,
    line: int,
) -> Citation:
    container = _container(tail) if tail.startswith("In:") else None
    plain_tail = without_identifiers(tail)
    year = _YEAR.search(plain_tail)
    venue = container or tidy(plain_tail[: year.start()] if year else plain_tail)
    url = find_url(body)
    return Citation(
        raw=raw,
        title=title,
        source=source,
        line=line,
        fmt="vancouver",
        n=n,
        authors=authors,
        authors_truncated=truncated,
        year=int(year.group(0)) if year else None,
        venue=venue,
        doi=find_doi(body),
        pmid=find_pmid(body),
        url=url,
        kind=guess_kind(tail, authors, url, has_venue=venue is not None),
    )
