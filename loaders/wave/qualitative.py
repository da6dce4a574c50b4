"""Coded qualitative data inside a wave package: a REFI-QDA project and/or codebook.csv + coded_segments.csv.

Both are converted with loaders.qdpx (`project_to_rows`) into rows of themes.csv, evidence.csv,
participants.csv and sites.csv, which are then validated and written with the rest of the package
in the same all-or-nothing unit. The manifest's `qdpx:` section names the .qdpx (`file`) and says
how its cases map to participants and sites; its `evidence_kind` applies to the CSV pair too.

Converted rows carry their origin: problems name it (`evidence.csv (from coding/x.qdpx), row 3`)
and so does each entity's `source` (`evidence.csv row 3 (from coding/x.qdpx)`). Nothing here
touches a database; every problem is collected, none is raised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kb.errors import Problem, ValidationError, shorten
from loaders.qdpx import QdaProject, QdpxSettings, project_to_rows, read_coded_tables, read_qdpx
from loaders.report import LoadWarning
from loaders.wave.manifest import MANIFEST, Manifest
from loaders.wave.reader import CsvTable, table_from_rows
from loaders.wave.source import PackageFiles
from loaders.wave.spec import FILE_ORDER, NODE_FILES

CODEBOOK = "codebook.csv"
SEGMENTS = "coded_segments.csv"
_NODE_SPECS = {spec.file: spec for spec in NODE_FILES}


CONVERTED_LABELS = frozenset({"Theme", "Evidence", "Participant", "Site"})  # what conversion may define


@dataclass(frozen=True)
class Converted:
    """The tables converted from a package's coded data, the conversion's warnings, and whether
    some coded data could not be converted (its problems are reported)."""

    tables: tuple[CsvTable, ...] = ()
    warnings: tuple[LoadWarning, ...] = ()
    failed: bool = False


def qualitative_files(manifest: Manifest | None) -> list[str]:
    """The names a package may hold for coded data: the CSV pair and the .qdpx named in wave.yaml."""
    named = [manifest.qdpx.file] if manifest and manifest.qdpx and manifest.qdpx.file else []
    return [CODEBOOK, SEGMENTS, *named]


def _read(files: PackageFiles, name: str, digests: dict[str, str]) -> bytes:
    raw = files.read(name)
    digests[name] = hashlib.sha256(raw).hexdigest()
    return raw


def _qdpx_project(
    files: PackageFiles, manifest: Manifest, digests: dict[str, str], problems: list[Problem]
) -> QdaProject | None:
    file = manifest.qdpx.file if manifest.qdpx else None
    if not file:
        return None
    if file not in files.names():
        problems.append(
            Problem(MANIFEST, f"qdpx file '{shorten(file)}' is not in the package; add it or fix 'qdpx.file'")
        )
        return None
    if file in (MANIFEST, CODEBOOK, SEGMENTS, *FILE_ORDER):
        problems.append(
            Problem(MANIFEST, f"qdpx file '{shorten(file)}' is a file of the wave format; name the .qdpx project")
        )
        return None
    return read_qdpx(_read(files, file, digests), name=file)


def _csv_project(
    files: PackageFiles, manifest: Manifest, digests: dict[str, str], problems: list[Problem]
) -> QdaProject | None:
    present = [name for name in (CODEBOOK, SEGMENTS) if name in files.names()]
    if len(present) == 1:
        missing = SEGMENTS if present[0] == CODEBOOK else CODEBOOK
        problems.append(
            Problem(present[0], f"comes without {missing}; coded data needs both {CODEBOOK} and {SEGMENTS}")
        )
        return None
    if not present:
        return None
    name = manifest.wave_title or manifest.wave_id or SEGMENTS
    return read_coded_tables(_read(files, CODEBOOK, digests), _read(files, SEGMENTS, digests), name)


def _tables(project: QdaProject, origin: str, manifest: Manifest, problems: list[Problem]) -> Converted:
    settings = manifest.qdpx.settings if manifest.qdpx else QdpxSettings()
    if settings is None or not manifest.study_id:
        return Converted(failed=True)  # the manifest's problems are reported; there is nothing to convert with
    rows = project_to_rows(project, manifest.study_id, settings)
    tables = tuple(
        table_from_rows(_NODE_SPECS[file], list(file_rows), origin, problems)
        for file, file_rows in rows.files().items()
    )
    return Converted(tables, tuple(LoadWarning(warning, file=origin) for warning in rows.warnings))


def convert_qualitative(
    files: PackageFiles, manifest: Manifest | None, digests: dict[str, str], problems: list[Problem]
) -> Converted:
    """The package's coded data as converted tables; problems are appended, and the files read are
    added to `digests` (so they count in the source hash)."""
    if manifest is None:
        return Converted()
    readers = ((manifest.qdpx.file if manifest.qdpx else None, _qdpx_project), (SEGMENTS, _csv_project))
    tables: list[CsvTable] = []
    warnings: list[LoadWarning] = []
    failed = False
    for origin, reader in readers:
        before = len(problems)
        try:
            project = reader(files, manifest, digests, problems)
            converted = (
                _tables(project, origin, manifest, problems)
                if project and origin
                else Converted(failed=len(problems) > before)
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
            converted = Converted(failed=True)
        tables.extend(converted.tables)
        warnings.extend(converted.warnings)
        failed = failed or converted.failed
    if manifest.qdpx and not manifest.qdpx.file and not {CODEBOOK, SEGMENTS} & set(files.names()):
        problems.append(
            Problem(
                MANIFEST,
                f"'qdpx' names no file and the package holds no {CODEBOOK} and {SEGMENTS}; "
                "add 'qdpx.file' or the two CSV files, or remove the section",
            )
        )
    return Converted(tuple(tables), tuple(warnings), failed)
