"""Reference lists carried by a wave package, read by the citations loader and written with the wave.

`wave.yaml` names each list (`citations: [{file, format, cited_by}]`); the files' bytes are kept
on the validated package. Reading them is part of validation, so `kb validate` reports a list that
cannot be read at all; entries that cannot be parsed are reported as warnings while the rest load,
as the citations loader does for a list loaded on its own.
"""

from __future__ import annotations

from typing import Any

from kb.errors import KBError, Problem, ValidationError, shorten
from kb.store.base import Writer
from loaders.citations import load_reference_lists, read_citations_text, remove_wave_citations
from loaders.citations.model import ReadResult
from loaders.wave.records import ValidatedPackage


def read_reference_lists(pkg: ValidatedPackage) -> tuple[list[tuple[ReadResult, str]], list[str]]:
    """Each list with the publication citing it, and warnings for entries that could not be read."""
    lists: list[tuple[ReadResult, str]] = []
    warnings: list[str] = []
    problems: list[Problem] = []
    for entry in pkg.manifest.citations:
        raw = pkg.citation_files.get(entry.file)
        if raw is None:
            continue  # validation has already reported the missing file
        try:
            result = read_citations_text(raw.decode("utf-8-sig"), entry.file, entry.format)
        except UnicodeDecodeError as exc:
            problems.append(Problem(shorten(entry.file), f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"))
            continue
        except ValidationError as exc:  # already located in the file
            problems.extend(exc.problems)
            continue
        except KBError as exc:
            problems.append(Problem(shorten(entry.file), str(exc)))
            continue
        if not result.citations:
            problems.append(
                Problem(shorten(entry.file), "no reference could be read; check the `format` given in wave.yaml")
            )
            continue
        warnings += [str(p) for p in (*result.problems, *result.warnings)]
        lists.append((result, entry.cited_by))
    if problems:
        raise ValidationError(problems)
    return lists, warnings


def write_reference_lists(w: Writer, pkg: ValidatedPackage) -> dict[str, int]:
    """Load the package's reference lists inside the wave's unit; created counts for the load report."""
    lists, _ = read_reference_lists(pkg)
    if not lists:
        return {}
    reports: list[dict[str, Any]] = load_reference_lists(w, lists, wave=pkg.wave_id)
    # The lists are resolved together, so every report carries the same whole-graph works figure.
    works_created = reports[0].get("works_created", 0)
    return {"CITES": sum(report.get("citations", 0) for report in reports), "Work": works_created}


def remove_reference_lists(w: Writer, wave_id: str) -> int:
    """Drop the citations a wave loaded (inside its unit); how many were removed."""
    return int(remove_wave_citations(w, wave_id).get("citations_removed", 0))
