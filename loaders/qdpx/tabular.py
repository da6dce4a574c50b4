"""The CSV alternative to REFI-QDA: `codebook.csv` + `coded_segments.csv` -> a QdaProject.

For tools without a REFI-QDA export (or a spreadsheet of coded excerpts). The columns are declared
below with their meaning; docs/wave-format.md is generated from these declarations. Rows are
numbered as a spreadsheet shows them: the header is row 1, so the first record is row 2. Every
problem of both files is collected before raising.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from kb.errors import Problem, ValidationError, shorten
from loaders.qdpx.records import QdaProject, Segment, Source, Theme
from loaders.wave.spec import ROLES

CODEBOOK_DOCS = {
    "code_id": "the code's key, unique in the file, without `;` (becomes `<study>:theme:<code_id>`)",
    "name": "the code's name as the coders see it",
    "parent": "the `code_id` of the enclosing code (empty at the top); no cycles",
    "description": "what the code means",
    "color": "`#RRGGBB` (or `#RGB`)",
}
SEGMENT_DOCS = {
    "segment_id": "the segment's key, unique in the file (becomes `<study>:evidence:<segment_id>`)",
    "document": "the transcript or document the segment comes from (shown in the locator)",
    "participant": "who said it: a participant id, or a key expanded as `<study>:participant:<key>`",
    "site": "where: a site id, or a key expanded as `<study>:site:<key>`",
    "codes": "`code_id`s of codebook.csv, separated by `;`",
    "start": "character offset where the segment starts in the document; give both `start` and `end` or neither",
    "end": "character offset where it ends (`start` ≤ `end`)",
    "text": "the coded text itself (may span lines)",
    "coder": "who coded it",
    "date": "when it was coded, ISO (`YYYY-MM-DD`, optionally with a time)",
    "speaker_role": "a participant role (`gp`, `pct_employee`, `practice_manager`, …)",
}
CODEBOOK_COLUMNS = tuple(CODEBOOK_DOCS)
CODEBOOK_REQUIRED = ("code_id", "name")
SEGMENT_COLUMNS = tuple(SEGMENT_DOCS)
SEGMENT_REQUIRED = ("segment_id", "document", "codes", "text")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def _read_table(
    file: str, raw: bytes, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by column) of a CSV's bytes; header and encoding problems are added to `problems`."""
    try:
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"))
        return []
    except csv.Error as exc:
        problems.append(Problem(file, f"cannot be read as CSV ({shorten(exc)}); check the quoting"))
        return []
    if not table:
        problems.append(Problem(file, f"is empty; expected a header row with {', '.join(required)}"))
        return []
    header = [cell.strip() for cell in table[0]]
    problems += [
        Problem(file, f"unknown column '{shorten(name)}'; expected columns: {', '.join(columns)}", row=1)
        for name in header
        if name not in columns
    ]
    problems += [
        Problem(file, f"the required column '{name}' is missing", row=1) for name in required if name not in header
    ]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(file, f"has {len(cells)} cells but the header has {len(header)} columns", row=number)
            )
        rows.append((number, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}))
    return rows


Reporter = Callable[[str, str], None]


def _reporter(problems: list[Problem], file: str, row: int) -> Reporter:
    """A function that records a problem at (file, row, column)."""

    def report(column: str, message: str) -> None:
        problems.append(Problem(file, message, row=row, column=column))

    return report


def _codebook(file: str, raw: bytes, problems: list[Problem]) -> list[Theme]:
    themes: dict[str, Theme] = {}
    numbers: dict[str, int] = {}
    for number, row in _read_table(file, raw, CODEBOOK_COLUMNS, CODEBOOK_REQUIRED, problems):
        here = _reporter(problems, file, number)
        code = row.get("code_id", "")
        if not code or not row.get("name"):
            here("code_id" if not code else "name", "is empty; every code needs an id and a name")
            continue
        if ";" in code:
            here("code_id", f"'{shorten(code)}' contains ';', which separates codes in coded_segments.csv")
        if code in themes:
            here("code_id", f"'{shorten(code)}' is already defined in {themes[code].locator}")
            continue
        color = row.get("color") or None
        if color and not _COLOR.match(color):
            here("color", f"'{shorten(color)}' is not a colour; write #RRGGBB")
        themes[code] = Theme(
            code,
            row["name"],
            row.get("parent") or None,
            row.get("description") or None,
            color,
            locator=f"{file} row {number}",
        )
        numbers[code] = number
    for theme in themes.values():
        if theme.parent and theme.parent not in themes:
            problems.append(
                Problem(
                    file,
                    f"'{shorten(theme.parent)}' is not a code_id of this code book",
                    row=numbers[theme.guid],
                    column="parent",
                )
            )
    _check_cycles(file, themes, numbers, problems)
    return list(themes.values())


def _check_cycles(file: str, themes: dict[str, Theme], numbers: dict[str, int], problems: list[Problem]) -> None:
    for start in themes.values():
        seen, current = set(), start.parent
        while current in themes and current not in seen:
            if current == start.guid:
                problems.append(
                    Problem(
                        file,
                        f"code '{shorten(start.guid)}' is its own ancestor through 'parent'",
                        row=numbers[start.guid],
                        column="parent",
                    )
                )
                break
            seen.add(current)
            current = themes[current].parent


def _offsets(row: dict[str, str], here: Reporter) -> tuple[int | None, int | None]:
    values = []
    for column in ("start", "end"):
        raw = row.get(column, "")
        if raw and not raw.isdigit():
            here(column, f"'{shorten(raw)}' is not a character offset (a whole number from 0)")
            return None, None
        values.append(int(raw) if raw else None)
    start, end = values
    if (start is None) != (end is None):
        here("end" if end is None else "start", "give both start and end, or neither")
        return None, None
    if start is not None and end is not None and start > end:
        here("end", f"end {end} is before start {start}")
        return None, None
    return start, end


def _segment(
    file: str, number: int, row: dict[str, str], codes: set[str], problems: list[Problem], warnings: list[str]
) -> Segment | None:
    here = _reporter(problems, file, number)
    before = len(problems)
    for column in SEGMENT_REQUIRED:
        if not row.get(column):
            here(column, "is empty; it is required")
    applied = tuple(dict.fromkeys(c.strip() for c in row.get("codes", "").split(";") if c.strip()))
    for code in applied:
        if code not in codes:
            here("codes", f"'{shorten(code)}' is not a code_id of codebook.csv")
    start, end = _offsets(row, here)
    if row.get("date") and not _DATE.match(row["date"]):
        here("date", f"'{shorten(row['date'])}' is not an ISO date (YYYY-MM-DD)")
    if row.get("speaker_role") and row["speaker_role"] not in ROLES:
        here("speaker_role", f"'{shorten(row['speaker_role'])}' is not a role; expected one of: {', '.join(ROLES)}")
    if len(problems) > before:
        return None
    text = row["text"]
    if start is not None and end is not None and end - start != len(text):
        warnings.append(f"{file} row {number}: start-end spans {end - start} characters but text has {len(text)}")
    return Segment(
        guid=row["segment_id"],
        source=row["document"],
        source_name=row["document"],
        start=start,
        end=end,
        text=text,
        codes=applied,
        coder=row.get("coder") or None,
        coded_at=row.get("date") or None,
        participant=row.get("participant") or None,
        site=row.get("site") or None,
        speaker_role=row.get("speaker_role") or None,
        locator=f"{file} row {number}, document '{row['document']}'",
    )


def read_coded_csv(codebook: str | Path, segments: str | Path, name: str | None = None) -> QdaProject:
    """A QdaProject from the two CSV files; raises ValidationError listing every problem."""
    codebook, segments = Path(codebook), Path(segments)
    return read_coded_tables(
        codebook.read_bytes(),
        segments.read_bytes(),
        name or segments.parent.name or segments.stem,
        codebook.name,
        segments.name,
    )


def read_coded_tables(
    codebook: bytes,
    segments: bytes,
    name: str,
    codebook_file: str = "codebook.csv",
    segments_file: str = "coded_segments.csv",
) -> QdaProject:
    """A QdaProject from the two CSV files' bytes (as a wave package holds them), named `name`;
    raises ValidationError listing every problem of both files."""
    problems: list[Problem] = []
    warnings: list[str] = []
    themes = _codebook(codebook_file, codebook, problems)
    known = {theme.guid for theme in themes}
    found: dict[str, Segment] = {}
    for number, row in _read_table(segments_file, segments, SEGMENT_COLUMNS, SEGMENT_REQUIRED, problems):
        segment = _segment(segments_file, number, row, known, problems, warnings)
        if segment is None:
            continue
        if segment.guid in found:
            problems.append(
                Problem(
                    segments_file,
                    f"'{shorten(segment.guid)}' is already used in {found[segment.guid].locator}",
                    row=number,
                    column="segment_id",
                )
            )
            continue
        found[segment.guid] = segment
    if problems:
        raise ValidationError(problems)
    documents = dict.fromkeys(segment.source for segment in found.values())
    return QdaProject(
        name=name,
        file=segments_file,
        themes=tuple(themes),
        sources=tuple(Source(doc, doc, None) for doc in documents),
        segments=tuple(found.values()),
        warnings=tuple(warnings),
    )
