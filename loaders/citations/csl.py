"""CSL-JSON reader: items are decoded one by one so each keeps its line and its own raw text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kb.errors import Problem, shorten
from loaders.citations.model import Citation, Name, ReadResult
from loaders.citations.text import find_doi, find_pmid, find_year, initials_of, tidy

_KINDS = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "article",
    "review": "article",
    "book": "book",
    "chapter": "chapter",
    "report": "report",
    "legislation": "report",
    "webpage": "web",
    "post": "web",
    "post-weblog": "web",
}
_DECODER = json.JSONDecoder()


def read_csl_json(text: str, source: str) -> ReadResult:
    """Read a CSL-JSON array; an item that is not an object or has no title is reported and skipped.

    JSON cannot be read past a syntax error, so the items before it load and the error is
    reported at the line where the broken item starts.
    """
    citations: list[Citation] = []
    problems: list[Problem] = []
    for line, raw, item in _items(text, source, problems):
        if not isinstance(item, dict):
            problems.append(Problem(source, "item is not a JSON object; it was skipped", row=line))
            continue
        title = tidy(_text(item.get("title")))
        if not title:
            problems.append(
                Problem(source, f"item '{shorten(item.get('id', '?'))}' has no title; it was skipped", row=line)
            )
            continue
        citations.append(_citation(item, title, raw, source, line))
    return ReadResult(source, "csl-json", tuple(citations), tuple(problems))


def _items(text: str, source: str, problems: list[Problem]) -> Iterator[tuple[int, str, object]]:
    """(line, raw text, decoded value) for each element of the top-level array."""
    position = _skip_space(text, 0)
    if text[position : position + 1] != "[":
        problems.append(Problem(source, "CSL-JSON must be an array of items ('[' ... ']')", row=_line(text, position)))
        return
    position += 1
    while True:
        position = _skip_space(text, position)
        if text[position : position + 1] == "]":
            return
        try:
            value, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    source,
                    f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                    "this item and any after it were not read",
                    row=_line(text, position),
                )
            )
            return
        except RecursionError:  # the decoder recurses once per level of nesting
            problems.append(
                Problem(
                    source,
                    "an item is nested too deeply to read (lists or objects within each other "
                    "thousands of times); this item and any after it were not read",
                    row=_line(text, position),
                )
            )
            return
        yield _line(text, position), text[position:end], value
        position = _skip_space(text, end)
        if text[position : position + 1] == ",":
            position += 1
        elif text[position : position + 1] != "]":
            problems.append(
                Problem(
                    source,
                    "expected ',' or ']' after an item; the items from here on were not read",
                    row=_line(text, position),
                )
            )
            return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _citation(item: dict[str, Any], title: str, raw: str, source: str, line: int) -> Citation:
    venue = tidy(_text(item.get("container-title"))) or tidy(_text(item.get("publisher")))
    url = tidy(_text(item.get("URL")))
    return Citation(
        raw=raw,
        title=title,
        source=source,
        line=line,
        fmt="csl-json",
        authors=tuple(filter(None, (_name(person) for person in item.get("author") or []))),
        year=_year(item.get("issued")),
        venue=venue,
        doi=find_doi(_text(item.get("DOI")) or ""),
        pmid=tidy(_text(item.get("PMID"))) or find_pmid(_text(item.get("note")) or ""),
        url=url,
        kind=_KINDS.get(str(item.get("type", "")), "web" if url and not venue else "other"),
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value)


def _name(person: object) -> Name | None:
    if not isinstance(person, dict):
        return None
    if person.get("literal"):
        return Name(str(person["literal"]).strip())
    family = " ".join(str(person.get(part, "")) for part in ("non-dropping-particle", "family")).strip()
    if not family:
        return None
    return Name(family, initials_of(str(person.get("given", ""))))


_EDTF_YEAR = re.compile(r"^\s*(?:y|Y)?(-?\d{1,9})(?=$|[-/~?%uX\s]|\.\.)")


def _part_year(value: object) -> int | None:
    """A date-parts year: a number or a numeric string; CSL writes years BC as negative numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value != 0 else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) and int(text) != 0 else None


def edtf_year(text: str) -> int | None:
    """The first year of an EDTF or plain date: '2019-05/2019-06', '2019~', '-0044', '1950..1960', '2019-21'."""
    text = text.strip()
    start = text.split("/", 1)[0].split("..", 1)[0] or text.split("/", 1)[-1]
    match = _EDTF_YEAR.match(start)
    if match and "X" not in match.group(1):
        year = int(match.group(1))
        return year or None
    return None


def _year(issued: object) -> int | None:
    """The year of a CSL date: `date-parts` (a range gives its first year; season and circa change no
    year; negative years are BC), else `raw`/`literal` read as EDTF, else any year in the text."""
    if not isinstance(issued, dict):
        text = str(issued or "")
        return edtf_year(text) or find_year(text)
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        year = _part_year(parts[0][0])
        if year is not None:
            return year
    for key in ("raw", "literal", "edtf"):
        text = str(issued.get(key) or "")
        if text:
            return edtf_year(text) or find_year(text)
    return None
