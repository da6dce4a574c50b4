"""`kb load X.qdpx` and `kb validate X.qdpx`: a REFI-QDA project read, checked and loaded as one wave.

The project is read (loaders.qdpx.qde), turned into a wave package in a temporary folder
(loaders.qdpx.wave) and handed to the wave loader, so a .qdpx is validated and written exactly as
a wave package is. What is particular to a project file happens here:

- ids: without --study/--wave both are the project's name made into a key plus eight hex digits
  of its fingerprint (tool, creation time, creating user; else the project file's bytes), so two
  unrelated projects that carry a tool's default name ("Untitled", "qc project") never share a
  wave;
- `--study EXISTING` attaches the project to a loaded study, keeping that study's title and
  description;
- a project never silently replaces a wave loaded from another file: that needs `replace`;
- a case role that is not a participant role makes the participant `other`, with a warning (a
  project on its own has no wave.yaml to map roles in);
- a project with nothing usable left (no codes, or coded selections none of which could be
  read) is refused with the reasons;
- the reader's warnings travel with the report, and problems are worded for the project file,
  not for a wave.yaml its user never wrote.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kb.errors import Problem, UsageError, ValidationError, shorten
from kb.schema import label
from kb.store.base import Store, Writer
from loaders.qdpx.archive import QdpxArchive
from loaders.qdpx.qde import read_qdpx
from loaders.qdpx.records import QdaProject
from loaders.qdpx.wave import PackageSummary, key_from_name, project_to_package
from loaders.report import LoadReport, LoadWarning, Source
from loaders.wave.records import ValidatedPackage

Progress = Callable[[int, int, str], None]
_MANIFEST = "wave.yaml"


@dataclass(frozen=True)
class QdpxPlan:
    """What loading a project would do: its ids, the study it joins, and the package made from it."""

    project: QdaProject
    study: str
    wave: str
    study_meta: dict[str, str] | None  # title/description of the loaded study it joins


def derived_key(project: QdaProject, archive: Path) -> str:
    """`<name key>-<8 hex digits>`: the project's name as a key, made unique by its fingerprint."""
    if project.fingerprint is None:  # no creation time: the project file's own bytes (zip times vary)
        with QdpxArchive(archive) as opened:
            fingerprint = hashlib.sha256(opened.read(opened.qde_member())).hexdigest()
    else:
        fingerprint = project.fingerprint
    return f"{key_from_name(project.name)}-{fingerprint[:8]}"


def _study_meta(reader: Store | Writer | None, study: str) -> dict[str, str] | None:
    if reader is None:
        return None
    props = reader.read(
        f"MATCH (s:{label('Study')} {{id: $id}}) RETURN properties(s) AS props", {"id": study}
    ).single_value()
    if not props:
        return None
    return {key: props[key] for key in ("title", "description") if props.get(key) is not None}


def _loaded_from(reader: Store | Writer, wave: str) -> tuple[str | None, list[str]] | None:
    """(study, files the wave was loaded from) of a loaded wave, or None when it is not loaded."""
    props = reader.read(
        f"MATCH (w:{label('Wave')} {{id: $id}}) RETURN properties(w) AS props", {"id": wave}
    ).single_value()
    if not props:
        return None
    sources = json.loads(props.get("sources") or "[]")
    return props.get("study"), [str(source.get("file")) for source in sources if source.get("file")]


def _refuse_replacing(reader: Store | Writer, plan: QdpxPlan, archive: Path, replace_wave: bool) -> None:
    loaded = _loaded_from(reader, plan.wave)
    if loaded is None or replace_wave:
        return
    _, files = loaded
    if archive.name in files:
        return
    before = ", ".join(f"'{shorten(f)}'" for f in files) or "a wave package"
    raise UsageError(
        f"wave '{plan.wave}' is already loaded from {before}; loading '{archive.name}' would replace it. "
        "Give --replace to replace it, or --wave NEW to load the project as another wave"
    )


def _refuse_if_unusable(project: QdaProject, archive: Path) -> None:
    if project.segments or (project.themes and not project.selections):
        return
    if project.selections:
        count = project.selections
        head = f"none of its {count} selection{'s' if count != 1 else ''} became evidence, so there is nothing to load"
    else:
        head = "it has no codes and no coded selections, so there is nothing to load"
    raise ValidationError([Problem(archive.name, head)] + [Problem(archive.name, w) for w in project.warnings])


def plan_qdpx(
    path: str | Path, reader: Store | Writer | None = None, study: str | None = None, wave: str | None = None
) -> QdpxPlan:
    """Read the project at `path` and settle its ids; ValidationError when nothing usable is in it."""
    archive = Path(path)
    project = read_qdpx(archive)
    _refuse_if_unusable(project, archive)
    key = derived_key(project, archive)
    study_id = study or key
    meta = _study_meta(reader, study_id) if study else None
    return QdpxPlan(project, study_id, wave or key, meta)


def _for_project(exc: ValidationError, archive: str) -> ValidationError:
    """Problems of the converted package, located in the project and worded for its options."""
    problems = []
    for problem in exc.problems:
        message = problem.message.replace("choose another wave.id", "give another --wave")
        message = message.replace("wave.id", "--wave").replace("study.id", "--study")
        where = archive if problem.file == _MANIFEST else f"{archive} (as {problem.file})"
        problems.append(Problem(where, message, problem.row, problem.column))
    return ValidationError(problems)


def _package(plan: QdpxPlan, folder: Path) -> PackageSummary:
    return project_to_package(
        plan.project, folder, plan.study, plan.wave, study_meta=plan.study_meta, lenient_roles=True
    )


def validate_qdpx(
    path: str | Path, store: Store | None = None, study: str | None = None, wave: str | None = None
) -> tuple[ValidatedPackage, PackageSummary]:
    """The project checked as `kb load` would read it (against the store when given); nothing is written.

    Returns (ValidatedPackage, PackageSummary); raises ValidationError with every problem.
    """
    from loaders.wave.api import validate_package

    plan = plan_qdpx(path, store, study, wave)
    with tempfile.TemporaryDirectory(prefix="kb-qdpx-") as tmp:
        summary = _package(plan, Path(tmp) / "package")
        try:
            package = validate_package(summary.path, store)
        except ValidationError as exc:
            raise _for_project(exc, Path(path).name) from None
    warnings = _warnings(plan.project, summary.warnings, Path(path).name) + package.warnings
    return replace(package, warnings=warnings), replace(summary, path=Path(path))


def load_qdpx(
    store: Store,
    path: str | Path,
    study: str | None = None,
    wave: str | None = None,
    replace_wave: bool = False,
    on_progress: Progress | None = None,
) -> LoadReport:
    """Load the project as one wave: the wave loader's report, naming the .qdpx as its source and
    carrying the reader's and the conversion's warnings first (with counts where they stand for
    several items)."""
    from loaders.wave.api import load_package

    archive = Path(path)
    plan = plan_qdpx(archive, store, study, wave)
    _refuse_replacing(store, plan, archive, replace_wave)
    with tempfile.TemporaryDirectory(prefix="kb-qdpx-") as tmp:
        summary = _package(plan, Path(tmp) / "package")
        try:
            report = load_package(store, summary.path, on_progress=on_progress)
        except ValidationError as exc:
            raise _for_project(exc, archive.name) from None
    converted = _warnings(plan.project, summary.warnings, archive.name)
    return replace(report, source=Source(str(archive), report.source.hash), warnings=converted + report.warnings)


def _warnings(project: QdaProject, messages: tuple[str, ...], file: str) -> tuple[LoadWarning, ...]:
    counts = dict(project.counts)
    return tuple(LoadWarning(message, count=counts.get(message), file=file) for message in dict.fromkeys(messages))
