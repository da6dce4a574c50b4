"""Records of a qualitative project -> rows of a wave package (themes, evidence, participants, sites).

Rows are dicts keyed by the columns loaders/wave/spec.py declares for each file, with cells as the
CSV would hold them (strings; `;` between refs; booleans as yes/no), so the generic wave writer
can validate and load them like any package. Ids are namespaced by the study:
`<study>:theme:<code id>`, `<study>:evidence:<segment id>`, and sites and participants through
the case mapping's templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kb.errors import Problem, ValidationError, shorten
from loaders.qdpx.mapping import CaseMapping, QdpxSettings
from loaders.qdpx.offsets import CODE_POINTS
from loaders.qdpx.records import Case, QdaProject, Segment, VariableValue
from loaders.wave.spec import MAX_ID_LENGTH, NODE_FILES, ROLES

Row = dict[str, str]
_YES, _NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}
_COLUMNS = {spec.file: tuple(column.name for column in spec.columns) for spec in NODE_FILES}


@dataclass(frozen=True)
class PackageRows:
    """Rows per wave-package file, plus what the conversion could not settle cleanly."""

    themes: tuple[Row, ...]
    evidence: tuple[Row, ...]
    participants: tuple[Row, ...]
    sites: tuple[Row, ...]
    warnings: tuple[str, ...] = ()

    def files(self) -> dict[str, tuple[Row, ...]]:
        """File name -> rows, only for files that have rows."""
        named = {
            "themes.csv": self.themes,
            "evidence.csv": self.evidence,
            "participants.csv": self.participants,
            "sites.csv": self.sites,
        }
        return {name: rows for name, rows in named.items() if rows}


@dataclass(frozen=True)
class _Person:
    id: str
    site: str | None
    role: str


def _shape(file: str, values: dict[str, object]) -> Row:
    """A row with exactly the spec's columns for `file`; values the spec has no column for are dropped."""
    return {name: _cell(values.get(name)) for name in _COLUMNS[file]}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fill(template: str, study: str, key: str) -> str:
    return template.replace("{study}", study).replace("{key}", key)


def _ref(template: str, study: str, value: str) -> str:
    """A cell that is already an id (it has a `:`) stays as it is; a bare key goes through the template."""
    return value if ":" in value else _fill(template, study, value)


def theme_id(study: str, code: str) -> str:
    """The Theme id of a code: `<study>:theme:<code GUID or CSV code id>` (full ids are kept)."""
    return _ref("{study}:theme:{key}", study, code)


def _text(value: VariableValue) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _flag(value: VariableValue) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text in _YES else False if text in _NO else None


def _role(case: Case, mapping: CaseMapping, problems: list[Problem], file: str, index: _CaseIndex) -> str:
    raw = _text(case.variable(mapping.variable_for_role))
    if raw is None:
        return "other"
    if raw in mapping.roles:
        return mapping.roles[raw]
    normalised = raw.lower().replace(" ", "_").replace("-", "_")
    if normalised in ROLES:
        return normalised
    if index.lenient_roles:
        index.unmapped_roles.setdefault(raw, []).append(case.name)
        return "other"
    problems.append(
        Problem(
            file,
            (
                f"case '{shorten(case.name)}' has {mapping.variable_for_role} {shorten(repr(raw))}, which is not a "
                "participant role; "
                f"map it under qdpx.cases.roles to one of: {', '.join(ROLES)}"
            ),
        )
    )
    return "other"


def theme_rows(project: QdaProject, study: str) -> list[Row]:
    """themes.csv rows: one per code, `parent` pointing at the enclosing code."""
    archive = project.file.split("/")[0]
    return [
        _shape(
            "themes.csv",
            {
                "id": theme_id(study, theme.guid),
                "name": theme.name,
                "parent": theme_id(study, theme.parent) if theme.parent else None,
                "description": theme.description,
                "color": theme.color,
                "locator": theme.locator or f"{archive}, code book: {theme.name}",
            },
        )
        for theme in project.themes
    ]


@dataclass
class _CaseIndex:
    """What the cases say: rows to write, and who and where each case is (by case GUID)."""

    participants: dict[str, Row] = field(default_factory=dict)  # participant id -> row
    sites: dict[str, Row] = field(default_factory=dict)  # site id -> row
    people: dict[str, _Person] = field(default_factory=dict)
    case_sites: dict[str, str] = field(default_factory=dict)
    lenient_roles: bool = False  # an unknown role becomes `other` (recorded) rather than a problem
    unmapped_roles: dict[str, list[str]] = field(default_factory=dict)  # role value -> case names


def _add_site(index: _CaseIndex, case: Case, study: str, mapping: CaseMapping, archive: str) -> str | None:
    site_key = _text(case.variable(mapping.variable_for_site))
    if mapping.represent == "sites":
        site_key = site_key or case.name
    if not site_key:
        return None
    site_id = _fill(mapping.site_id, study, site_key)
    index.case_sites[case.guid] = site_id
    index.sites.setdefault(
        site_id,
        _shape(
            "sites.csv",
            {"id": site_id, "name": site_key, "kind": mapping.site_kind, "locator": f"{archive}, case '{case.name}'"},
        ),
    )
    return site_id


def _add_participant(
    index: _CaseIndex,
    case: Case,
    site_id: str | None,
    study: str,
    mapping: CaseMapping,
    project: QdaProject,
    problems: list[Problem],
) -> None:
    key = _text(case.variable(mapping.variable_for_participant)) if mapping.variable_for_participant else None
    person_id = mapping.participants.get(case.name) or _fill(mapping.participant_id, study, key or case.name)
    if person_id in index.participants:
        problems.append(
            Problem(
                project.file,
                f"cases give participant id '{shorten(person_id, MAX_ID_LENGTH)}' twice (case '{shorten(case.name)}')",
            )
        )
        return
    role = _role(case, mapping, problems, project.file, index)
    index.people[case.guid] = _Person(person_id, site_id, role)
    name = _text(case.variable(mapping.variable_for_name)) if mapping.variable_for_name else None
    index.participants[person_id] = _shape(
        "participants.csv",
        {
            "id": person_id,
            "name": name or case.name,
            "role": role,
            "site": site_id,
            "board_member": _flag(case.variable(mapping.variable_for_board_member)),
            "interviewed": True if case.sources or case.selections else None,
            "locator": f"{project.file.split('/')[0]}, case '{case.name}'",
        },
    )


def _index_cases(
    project: QdaProject, study: str, mapping: CaseMapping, problems: list[Problem], lenient_roles: bool = False
) -> _CaseIndex:
    index = _CaseIndex(lenient_roles=lenient_roles)
    for case in project.cases:
        site_id = _add_site(index, case, study, mapping, project.file.split("/")[0])
        if mapping.represent == "participants":
            _add_participant(index, case, site_id, study, mapping, project, problems)
    return index


def _covering(project: QdaProject, segment: Segment, guids: Mapping[str, object]) -> list[str]:
    """GUIDs of the cases (among `guids`) that cover a segment: by selection first, else by source."""
    exact = [c.guid for c in project.cases if c.guid in guids and segment.guid in c.selections]
    return exact or [c.guid for c in project.cases if c.guid in guids and segment.source in c.sources]


def _attribution(
    project: QdaProject, segment: Segment, index: _CaseIndex, study: str, mapping: CaseMapping
) -> tuple[str | None, str | None, str | None, bool]:
    """(participant id, site id, speaker role, ambiguous) of a segment."""
    if segment.participant or segment.site:
        person = _ref(mapping.participant_id, study, segment.participant) if segment.participant else None
        site = _ref(mapping.site_id, study, segment.site) if segment.site else None
        return person, site, segment.speaker_role, False
    persons = {index.people[g] for g in _covering(project, segment, index.people)}
    if len(persons) == 1:
        speaker = persons.pop()
        return speaker.id, speaker.site, speaker.role, False
    site_ids = {index.case_sites[g] for g in _covering(project, segment, index.case_sites)}
    return None, (site_ids.pop() if len(site_ids) == 1 else None), None, len(persons) > 1


def evidence_rows(project: QdaProject, study: str, settings: QdpxSettings, index: _CaseIndex) -> tuple[list[Row], int]:
    """evidence.csv rows, one per coded segment (its text the exact coded slice), and how many
    segments several participant cases claim (those are left without a speaker)."""
    archive = project.file.split("/")[0]
    rows, ambiguous = [], 0
    for segment in project.segments:
        person, site, role, unclear = _attribution(project, segment, index, study, settings.cases)
        ambiguous += unclear
        where = f"{archive}, source '{segment.source_name}', characters {segment.start}-{segment.end}"
        if segment.positions and segment.positions != f"{CODE_POINTS} {segment.start}-{segment.end}":
            where += f" (in the project: {segment.positions})"
        rows.append(
            _shape(
                "evidence.csv",
                {
                    "id": f"{study}:evidence:{segment.guid}",
                    "text": segment.text,
                    "themes": ";".join(theme_id(study, code) for code in segment.codes),
                    "site": site,
                    "participant": person,
                    "speaker_role": role,
                    "kind": settings.evidence_kind,
                    "start": segment.start,
                    "end": segment.end,
                    "document": segment.source_name,
                    "coder": segment.coder,
                    "coded_on": (segment.coded_at or "")[:10] or None,
                    "locator": segment.locator or where,
                },
            )
        )
    return rows, ambiguous


def _role_warnings(index: _CaseIndex, mapping: CaseMapping) -> tuple[str, ...]:
    cases = sum(len(names) for names in index.unmapped_roles.values())
    if not cases:
        return ()
    values = ", ".join(repr(value) for value in sorted(index.unmapped_roles))
    return (
        f"{cases} case{'s' if cases != 1 else ''} {'have' if cases != 1 else 'has'} a {mapping.variable_for_role} "
        f"that is not a participant role ({shorten(values, 200)}); their participants' role is 'other' "
        "(a wave package can map such values under qdpx.cases.roles)",
    )


def project_to_rows(
    project: QdaProject, study: str, settings: QdpxSettings | None = None, lenient_roles: bool = False
) -> PackageRows:
    """Wave-package rows for a project; raises ValidationError when cases cannot be mapped.

    With `lenient_roles` (a project loaded on its own, which has no wave.yaml to map roles in) a
    case role that is not a participant role becomes `other`, with a warning, instead of a problem.
    """
    settings = settings or QdpxSettings()
    problems: list[Problem] = []
    index = _index_cases(project, study, settings.cases, problems, lenient_roles)
    if problems:
        raise ValidationError(problems)
    evidence, ambiguous = evidence_rows(project, study, settings, index)
    notes = (f"coded segments covered by several participant cases, left without a speaker: {ambiguous}",)
    return PackageRows(
        tuple(theme_rows(project, study)),
        tuple(evidence),
        tuple(index.participants.values()),
        tuple(index.sites.values()) if settings.cases.define_sites else (),
        project.warnings + _role_warnings(index, settings.cases) + (notes if ambiguous else ()),
    )
