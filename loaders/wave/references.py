"""Reference lists carried by a wave package, read by the citations loader and written with the wave.

`wave.yaml` names each list (`citations: [{file, format, cited_by}]`); the files' bytes are kept
on the validated package. Parsing them is part of validation, so `kb validate` reports a list that
cannot be read at all; entries that cannot be parsed are reported as warnings while the rest load,
as the citations loader does for a list loaded on its own. Each list is parsed once: the parsed
lists stay on the package (`pkg.references`) and are handed to the writer inside the wave's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kb.errors import KBError, Problem, ValidationError, shorten
from kb.store.base import Writer
from loaders.citations import load_reference_lists, read_citations_text, remove_wave_citations
from loaders.citations.model import ReadResult
from loaders.citations.read import decode_reference_list
from loaders.citations.write import created_by_lists, list_warnings
from loaders.report import CitationGraph, Counts, LoadWarning, ReferenceList
from loaders.wave.records import ReferenceLists, ValidatedPackage


@dataclass(frozen=True)
class Cited:
    """What loading a wave's reference lists did."""

    lists: tuple[ReferenceList, ...] = ()
    works: CitationGraph | None = None
    created: Counts = field(default_factory=dict)  # CITES relationships and new Works, for the wave's counts


def _read_one(pkg: ValidatedPackage, file: str, fmt: str | None, problems: list[Problem]) -> ReadResult | None:
    raw = pkg.citation_files.get(file)
    if raw is None:
        return None  # validation has already reported the missing file
    try:
        # The same decoding as a list loaded on its own: UTF-8, UTF-16 with its mark, or the
        # encoding a JabRef `% Encoding:` header declares.
        text = decode_reference_list(raw, file)
    except KBError as exc:
        problems.append(Problem(shorten(file), str(exc).removeprefix(f"{file}: ")))
        return None
    try:
        result = read_citations_text(text, file, fmt)
    except ValidationError as exc:  # already located in the file
        problems.extend(exc.problems)
        return None
    except KBError as exc:
        problems.append(Problem(shorten(file), str(exc)))
        return None
    if not result.citations:
        problems.append(Problem(shorten(file), "no reference could be read; check the `format` given in wave.yaml"))
        return None
    return result


def read_reference_lists(pkg: ValidatedPackage) -> ValidatedPackage:
    """The package with each list its manifest names parsed, once, and their warnings added to its own;
    ValidationError for a list that cannot be read at all."""
    lists: list[tuple[ReadResult, str]] = []
    warnings: list[LoadWarning] = []
    problems: list[Problem] = []
    for entry in pkg.manifest.citations:
        result = _read_one(pkg, entry.file, entry.format, problems)
        if result is not None:
            warnings += list_warnings(result)
            lists.append((result, entry.cited_by))
    if problems:
        raise ValidationError(problems)
    references = ReferenceLists(tuple(lists), tuple(warnings))
    return replace(pkg, references=references, warnings=pkg.warnings + references.warnings)


def write_reference_lists(w: Writer, references: ReferenceLists, wave_id: str) -> Cited:
    """Load the lists already read (inside the wave's unit), resolving them with every citation loaded."""
    if not references.lists:
        return Cited()
    lists, works = load_reference_lists(w, references.lists, wave=wave_id)
    return Cited(lists, works, created_by_lists(lists, works))


def remove_reference_lists(w: Writer, wave_id: str) -> int:
    """Drop the citations a wave loaded (inside its unit); how many were removed."""
    return int(remove_wave_citations(w, wave_id).get("citations_removed", 0))
