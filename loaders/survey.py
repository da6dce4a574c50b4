"""Survey edge lists: who each respondent goes to for advice, collaboration or knowledge.

One CSV row per tie (UTF-8, optional BOM, header row), with the columns SURVEY_DOCS declares
(required: REQUIRED_COLUMNS); docs/wave-format.md is generated from them. Ids are those of
participants.csv / organisations.csv. Rows are numbered as a spreadsheet shows them (the header is
row 1). Every problem in the file is reported at once. `advice_tie_rows` turns the ties into the
advice_ties.csv rows of a wave package.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from kb.errors import Problem, ValidationError, shorten
from loaders.wave.spec import MAX_ID_LENGTH, REL_FILES, TIE_RELATIONS

SURVEY_DOCS = {
    "respondent": "id of the participant who answered",
    "alter": "id of the participant or organisation they named",
    "alter_type": "`participant` or `organisation`",
    "relation": "`advice`, `collaboration` or `knowledge`",
    "weight": "a number above 0 (e.g. how often they talk)",
    "wave": "the survey wave the tie belongs to",
}
SURVEY_COLUMNS = tuple(SURVEY_DOCS)
REQUIRED_COLUMNS = ("respondent", "alter", "alter_type", "relation")
ALTER_TYPES = ("participant", "organisation")
_WITH_ARTICLE = {"participant": "a participant", "organisation": "an organisation"}
_ADVICE_COLUMNS = next(
    [spec.start.name, spec.end.name, *(c.name for c in spec.columns)]
    for spec in REL_FILES
    if spec.file == "advice_ties.csv"
)


@dataclass(frozen=True)
class SurveyTie:
    """One named tie: `respondent` -> `alter` (who the respondent turns to)."""

    respondent: str
    alter: str
    alter_type: str
    relation: str
    weight: float | None
    wave: str | None
    locator: str  # "<file> row <n>"


def _rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            table = list(reader)
    except UnicodeDecodeError as exc:
        problems.append(Problem(path.name, f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"))
        return []
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
        problems.append(
            Problem(
                path.name, f"cannot be read as CSV at line {reader.line_num} ({shorten(exc)}); check the quoting there"
            )
        )
        return []
    if not table:
        problems.append(Problem(path.name, f"is empty; expected a header row with {', '.join(REQUIRED_COLUMNS)}"))
        return []
    header = [cell.strip().lower() for cell in table[0]]
    problems += [
        Problem(path.name, f"unknown column '{shorten(name)}'; expected columns: {', '.join(SURVEY_COLUMNS)}", row=1)
        for name in header
        if name not in SURVEY_COLUMNS
    ]
    problems += [
        Problem(path.name, f"the required column '{name}' is missing", row=1)
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    return [
        (number, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)})
        for number, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]


def _weight(raw: str) -> float | None:
    """The weight of a cell, None when empty; ValueError when not a finite number above 0."""
    if not raw:
        return None
    value = float(raw)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(raw)
    return value


def _tie(file: str, number: int, row: dict[str, str], problems: list[Problem]) -> SurveyTie | None:
    before = len(problems)

    def report(column: str, message: str) -> None:
        problems.append(Problem(file, message, row=number, column=column))

    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            report(column, "is empty; it is required")
    alter_type, relation = row.get("alter_type", "").lower(), row.get("relation", "").lower()
    if alter_type and alter_type not in ALTER_TYPES:
        report(
            "alter_type",
            f"'{shorten(row['alter_type'])}' is not an alter type; expected one of: {', '.join(ALTER_TYPES)}",
        )
    if relation and relation not in TIE_RELATIONS:
        report(
            "relation", f"'{shorten(row['relation'])}' is not a relation; expected one of: {', '.join(TIE_RELATIONS)}"
        )
    try:
        weight = _weight(row.get("weight", ""))
    except ValueError:
        report("weight", f"'{shorten(row['weight'])}' is not a weight; expected a number above 0")
        weight = None
    if row.get("respondent") and row.get("respondent") == row.get("alter"):
        report(
            "alter",
            f"'{shorten(row['alter'], MAX_ID_LENGTH)}' names the respondent themself; a tie needs two different people",
        )
    if len(problems) > before:
        return None
    return SurveyTie(
        row["respondent"], row["alter"], alter_type, relation, weight, row.get("wave") or None, f"{file} row {number}"
    )


def _consistency(file: str, ties: list[tuple[int, SurveyTie]], problems: list[Problem]) -> None:
    """No tie twice; every id is always the same kind (respondents are participants)."""
    seen: dict[tuple[str, str, str, str | None], int] = {}
    kinds: dict[str, tuple[str, int]] = {}
    for number, tie in ties:
        key = (tie.respondent, tie.alter, tie.relation, tie.wave)
        if key in seen:
            problems.append(Problem(file, f"repeats the tie of row {seen[key]}", row=number))
        seen.setdefault(key, number)
        for node, kind, column in ((tie.respondent, "participant", "respondent"), (tie.alter, tie.alter_type, "alter")):
            first_kind, first_row = kinds.setdefault(node, (kind, number))
            if first_kind != kind:
                problems.append(
                    Problem(
                        file,
                        (
                            f"'{shorten(node, MAX_ID_LENGTH)}' is {_WITH_ARTICLE[kind]} here but "
                            f"{_WITH_ARTICLE[first_kind]} in row {first_row}"
                        ),
                        row=number,
                        column=column,
                    )
                )


def read_survey(path: str | Path) -> tuple[SurveyTie, ...]:
    """The ties of a survey edge-list CSV; raises ValidationError listing every problem."""
    path = Path(path)
    problems: list[Problem] = []
    rows = _rows(path, problems)
    ties = [(number, tie) for number, row in rows if (tie := _tie(path.name, number, row, problems)) is not None]
    _consistency(path.name, ties, problems)
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: p.row or 0))
    return tuple(tie for _, tie in ties)


def advice_tie_rows(ties: tuple[SurveyTie, ...], wave: str | None = None) -> list[dict[str, str]]:
    """advice_ties.csv rows of a wave package; with `wave`, only ties of that wave (or of none)."""
    chosen = [tie for tie in ties if wave is None or tie.wave in (None, wave)]
    values = [
        {
            "respondent": t.respondent,
            "alter": t.alter,
            "relation": t.relation,
            "weight": "" if t.weight is None else f"{t.weight:g}",
            "locator": t.locator,
        }
        for t in chosen
    ]
    return [{column: row.get(column, "") for column in _ADVICE_COLUMNS} for row in values]
