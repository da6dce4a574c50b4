"""Route a path given to `kb load` to the loader for its kind.

    folder or .zip with wave.yaml      a wave package
    .qdpx                              a REFI-QDA project, converted to a wave package, then loaded
    .bib .ris .json .txt (+ cited_by)  a reference list of a loaded Publication

The kind is decided by what the path is (a folder, an extension) and by the options given, never
by guessing from a file's contents.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kb.errors import UsageError
from kb.store.base import Store
from loaders.report import LoadReport, LoadWarning, Source

REFERENCE_SUFFIXES = (".bib", ".ris", ".json", ".txt")
Progress = Callable[[int, int, str], None]


def load_path(
    store: Store,
    path: Path,
    cited_by: str | None = None,
    study: str | None = None,
    wave: str | None = None,
    on_progress: Progress | None = None,
) -> LoadReport:
    """Load whatever `path` is; the loader's report (the same type for every kind)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if cited_by:
        if suffix not in REFERENCE_SUFFIXES:
            raise UsageError(f"{path.name}: --cited-by takes a reference list ({', '.join(REFERENCE_SUFFIXES)})")
        from loaders.citations.api import load_citations

        return load_citations(store, path, cited_by=cited_by, wave=wave)
    if suffix == ".qdpx":
        return _load_qdpx(store, path, study, wave, on_progress)
    if study or wave:
        raise UsageError("--study and --wave apply to a .qdpx project; a wave package names them in wave.yaml")
    if path.is_dir() or suffix == ".zip":
        from loaders.wave.api import load_package

        return load_package(store, path, on_progress=on_progress)
    if suffix in REFERENCE_SUFFIXES:
        raise UsageError(f"{path.name} looks like a reference list; say which publication cites it with --cited-by ID")
    raise UsageError(
        f"{path.name}: not a wave package (folder or .zip with wave.yaml), a .qdpx project or a reference list"
    )


def _load_qdpx(
    store: Store, path: Path, study: str | None, wave: str | None, on_progress: Progress | None
) -> LoadReport:
    """Convert the project to a wave package in a scratch folder and load that; the report names the
    .qdpx as its source and carries the conversion's warnings first."""
    from loaders.qdpx.wave import qdpx_to_package
    from loaders.wave.api import load_package

    with tempfile.TemporaryDirectory(prefix="kb-qdpx-") as tmp:
        package = qdpx_to_package(path, Path(tmp) / "package", study=study, wave=wave)
        report = load_package(store, package.path, on_progress=on_progress)
    converted = tuple(LoadWarning(warning, file=path.name) for warning in package.warnings)
    return replace(report, source=Source(str(path), report.source.hash), warnings=converted + report.warnings)
