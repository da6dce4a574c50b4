"""Route a path given to `kb load` to the loader for its kind.

    folder or .zip with wave.yaml      a wave package
    .qdpx                              a REFI-QDA project, converted to a wave package, then loaded
    .bib .ris .json .txt (+ cited_by)  a reference list of a loaded Publication

The kind is decided by what the path is (a folder, an extension) and by the options given, never
by guessing from a file's contents.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.errors import UsageError
from kb.store.base import Store
from loaders.report import LoadReport

REFERENCE_SUFFIXES = (".bib", ".ris", ".json", ".txt")
Progress = Callable[[int, int, str], None]


def load_path(
    store: Store,
    path: Path,
    cited_by: str | None = None,
    study: str | None = None,
    wave: str | None = None,
    on_progress: Progress | None = None,
    replace: bool = False,
) -> LoadReport:
    """Load whatever `path` is; the loader's report (the same type for every kind). `replace` lets a
    .qdpx project replace a wave loaded from another file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if cited_by:
        if suffix not in REFERENCE_SUFFIXES:
            raise UsageError(f"{path.name}: --cited-by takes a reference list ({', '.join(REFERENCE_SUFFIXES)})")
        from loaders.citations.api import load_citations

        return load_citations(store, path, cited_by=cited_by, wave=wave)
    if suffix == ".qdpx":
        from loaders.qdpx.load import load_qdpx

        return load_qdpx(store, path, study=study, wave=wave, replace_wave=replace, on_progress=on_progress)
    if study or wave or replace:
        raise UsageError(
            "--study, --wave and --replace apply to a .qdpx project; a wave package names them in wave.yaml"
        )
    if path.is_dir() or suffix == ".zip":
        from loaders.wave.api import load_package

        return load_package(store, path, on_progress=on_progress)
    if suffix in REFERENCE_SUFFIXES:
        raise UsageError(f"{path.name} looks like a reference list; say which publication cites it with --cited-by ID")
    raise UsageError(
        f"{path.name}: not a wave package (folder or .zip with wave.yaml), a .qdpx project or a reference list"
    )
