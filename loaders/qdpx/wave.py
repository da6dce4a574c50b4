"""Turn a `.qdpx` project into a wave-package folder that the generic wave loader can load.

`kb load FILE.qdpx [--study S] [--wave W]` (loaders.qdpx.load) writes the project as a package
in a temporary folder with `project_to_package`, then loads that folder as any wave package.
`qdpx_to_package` does the same for a path, naming study and wave after the project when they
are not given.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.errors import UsageError
from loaders.qdpx.archive import DEFAULT_LIMITS, ArchiveLimits
from loaders.qdpx.mapping import QdpxSettings
from loaders.qdpx.qde import read_qdpx
from loaders.qdpx.records import QdaProject
from loaders.qdpx.rows import PackageRows, project_to_rows
from loaders.wave.spec import NODE_FILES

_COLUMNS = {spec.file: [column.name for column in spec.columns] for spec in NODE_FILES}


@dataclass(frozen=True)
class PackageSummary:
    """What `qdpx_to_package` wrote: the folder, its study and wave ids, rows per file, warnings."""

    path: Path
    study: str
    wave: str
    rows: dict[str, int]
    warnings: tuple[str, ...]


KEY_FROM_NAME_LENGTH = 40  # the study's key starts every id of the wave, so a key made from a name stays short


def key_from_name(name: str) -> str:
    """A lower-case key (letters, digits, hyphens) from a name: 'CCG Interviews 2011' -> 'ccg-interviews-2011';
    at most KEY_FROM_NAME_LENGTH characters of it."""
    key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return key[:KEY_FROM_NAME_LENGTH].rstrip("-") or "qdpx"


def _fieldwork_dates(project: QdaProject) -> dict[str, str]:
    """`started`/`ended` from the coding dates (the project's creation date when no coding is dated)."""
    dates = sorted(segment.coded_at[:10] for segment in project.segments if segment.coded_at)
    if not dates and project.created:
        dates = [project.created[:10]]
    return {"started": dates[0], "ended": dates[-1]} if dates else {}


def manifest(project: QdaProject, study: str, wave: str, study_meta: dict[str, str] | None = None) -> dict[str, Any]:
    """The wave.yaml content for a package made from `project`; `study_meta` (title, description)
    is that of a loaded study the project joins, kept as it is."""
    archive = project.file.split("/")[0]
    tool = f" from {project.origin}" if project.origin else ""
    return {
        "format": 1,
        "study": {"id": study, **(study_meta or {"title": project.name})},
        "wave": {
            "id": wave,
            "title": f"{project.name}: coded qualitative data (REFI-QDA import)",
            **_fieldwork_dates(project),
            "design": f"qualitative coding, REFI-QDA export{tool}",
        },
        "sources": [{"id": key_from_name(Path(archive).stem), "title": project.name, "file": archive}],
    }


def _write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_package(rows: PackageRows, manifest_content: dict[str, Any], out_dir: str | Path) -> dict[str, int]:
    """Write wave.yaml and one CSV per file that has rows into `out_dir` (created; must be empty)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise UsageError(f"{out_dir} is not empty; give a new or empty folder for the wave package")
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "wave.yaml").open("w", encoding="utf-8") as handle:
        yaml.safe_dump(manifest_content, handle, sort_keys=False, allow_unicode=True)
    counts = {}
    for file, file_rows in rows.files().items():
        _write_csv(out_dir / file, _COLUMNS[file], file_rows)
        counts[file] = len(file_rows)
    return counts


def project_to_package(
    project: QdaProject,
    out_dir: str | Path,
    study: str,
    wave: str,
    settings: QdpxSettings | None = None,
    study_meta: dict[str, str] | None = None,
    lenient_roles: bool = False,
) -> PackageSummary:
    """Write an already read project as a wave package folder; returns what was written."""
    rows = project_to_rows(project, study, settings, lenient_roles)
    counts = write_package(rows, manifest(project, study, wave, study_meta), out_dir)
    return PackageSummary(Path(out_dir), study, wave, counts, rows.warnings)


def qdpx_to_package(
    qdpx_path: str | Path,
    out_dir: str | Path,
    study: str | None = None,
    wave: str | None = None,
    settings: QdpxSettings | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> PackageSummary:
    """Read a `.qdpx` and write it as a wave package folder; returns what was written.

    Raises ValidationError (unsafe or broken archive, unmappable cases) before writing anything.
    """
    project = read_qdpx(qdpx_path, limits)
    study = study or key_from_name(project.name)
    wave = wave or key_from_name(project.name)
    return project_to_package(project, out_dir, study, wave, settings)
