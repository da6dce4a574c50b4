"""How a qualitative project's cases become Sites and Participants: the `qdpx:` manifest section.

In wave.yaml (all keys optional except `file`):

    qdpx:
      file: coding/interviews.qdpx
      evidence_kind: excerpt             # evidence.csv `kind` of every coded segment
      cases:
        represent: participants          # or `sites`: what one case of the project stands for
        variable_for_participant: Code   # participant key; default: the case name
        variable_for_name: Pseudonym     # participant name; default: the case name
        variable_for_site: Site          # the site a participant belongs to (or a site case's key)
        variable_for_role: Role
        variable_for_board_member: Board member
        roles: {GP: gp, "PCT manager": pct_employee}   # variable values -> participant roles
        site_id: "{study}:site:{key}"    # how a site key becomes an id
        participant_id: "{study}:participant:{key}"
        define_sites: true               # write sites.csv; false when sites come from a required wave
        site_kind: ccg                   # sites.csv `kind` of defined sites
        participants: {"Interview 3": "s17:participant:A-gp-1"}   # cases that are participants
                                         # defined elsewhere (this package or a wave it requires)

Variable names match without regard to letter case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from kb.errors import Problem, ValidationError, shorten
from loaders.wave.spec import EVIDENCE_KINDS, ROLES, SITE_KINDS

REPRESENTS = ("participants", "sites")


@dataclass(frozen=True)
class CaseMapping:
    """The `cases:` settings, with defaults that fit a project whose cases are interviewees."""

    represent: str = "participants"
    variable_for_participant: str | None = None
    variable_for_name: str | None = None
    variable_for_site: str = "Site"
    variable_for_role: str = "Role"
    variable_for_board_member: str = "Board member"
    roles: dict[str, str] = field(default_factory=dict)
    site_id: str = "{study}:site:{key}"
    participant_id: str = "{study}:participant:{key}"
    define_sites: bool = True
    site_kind: str = "other"
    participants: dict[str, str] = field(default_factory=dict)  # case name -> an existing participant's id


@dataclass(frozen=True)
class QdpxSettings:
    """The whole `qdpx:` section (the file itself is handled by the caller)."""

    cases: CaseMapping = field(default_factory=CaseMapping)
    evidence_kind: str = "excerpt"


def _check_cases(values: dict[str, Any], where: str) -> list[Problem]:
    known = [f.name for f in fields(CaseMapping)]
    problems = [
        Problem(where, f"unknown key 'cases.{shorten(key)}'; expected one of: {', '.join(known)}")
        for key in values
        if key not in known
    ]
    for key, default, allowed in (("represent", "participants", REPRESENTS), ("site_kind", "other", SITE_KINDS)):
        if values.get(key, default) not in allowed:
            problems.append(
                Problem(where, f"cases.{key} is {shorten(repr(values[key]))}; expected one of: {', '.join(allowed)}")
            )
    roles = values.get("roles") or {}
    if not isinstance(roles, dict):
        problems.append(Problem(where, "cases.roles must be a mapping of variable values to roles"))
    else:
        problems += [
            Problem(
                where,
                (
                    f"cases.roles maps {shorten(repr(raw))} to {shorten(repr(role))}, which is not a role; "
                    f"expected one of: {', '.join(ROLES)}"
                ),
            )
            for raw, role in roles.items()
            if role not in ROLES
        ]
    mapped = values.get("participants") or {}
    if not isinstance(mapped, dict) or not all(isinstance(v, str) and v.strip() for v in mapped.values()):
        problems.append(Problem(where, "cases.participants must map case names to participant ids"))
    for key in ("site_id", "participant_id"):
        if key in values and "{key}" not in str(values[key]):
            problems.append(Problem(where, f'cases.{key} must contain {{key}}, e.g. "{{study}}:site:{{key}}"'))
    return problems


def settings_from_manifest(section: dict[str, Any] | None, where: str = "wave.yaml") -> QdpxSettings:
    """QdpxSettings from the manifest's `qdpx:` mapping (keys other than `file`); problems raise ValidationError."""
    section = dict(section or {})
    section.pop("file", None)
    cases = section.pop("cases", None) or {}
    problems = [
        Problem(where, f"unknown key 'qdpx.{shorten(key)}'; expected file, evidence_kind or cases")
        for key in section
        if key != "evidence_kind"
    ]
    kind = section.get("evidence_kind", "excerpt")
    if kind not in EVIDENCE_KINDS:
        problems.append(
            Problem(where, f"qdpx.evidence_kind is {shorten(repr(kind))}; expected one of: {', '.join(EVIDENCE_KINDS)}")
        )
    if not isinstance(cases, dict):
        problems.append(Problem(where, "qdpx.cases must be a mapping"))
        cases = {}
    problems += _check_cases(cases, where)
    if problems:
        raise ValidationError(problems)
    cases = {
        **cases,
        "roles": {str(k): v for k, v in (cases.get("roles") or {}).items()},
        "participants": {str(k): v.strip() for k, v in (cases.get("participants") or {}).items()},
    }
    return QdpxSettings(CaseMapping(**cases), kind)
