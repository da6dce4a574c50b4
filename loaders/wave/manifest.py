"""wave.yaml: parse the manifest of a wave package and check its keys.

`parse_manifest` never raises for bad input: it returns the `Manifest` it could build (fields it
could not read are None or empty) together with every problem found, so the package's CSV files can
still be checked in the same pass. Problems name wave.yaml and the line of the offending key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kb.errors import Problem, ValidationError, shorten
from loaders.qdpx.mapping import QdpxSettings, settings_from_manifest
from loaders.wave.causes import Tally
from loaders.wave.spec import MAX_ID_LENGTH
from loaders.wave.yaml_check import (
    KeyPath,
    YamlChecker,
    YamlLines,
    load_yaml,
    nesting_problem,
    out_of_range,
    path_name,
    range_hint,
)

MANIFEST = "wave.yaml"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ManifestField:
    """One key of wave.yaml, as documented in docs/wave-format.md."""

    path: str
    type: str
    required: bool
    doc: str


FIELDS: tuple[ManifestField, ...] = (
    ManifestField("format", "int", True, f"version of the package format; must be {FORMAT_VERSION}"),
    ManifestField("study.id", "key", True, "short key of the study; every id in the package starts with `<study.id>:`"),
    ManifestField("study.title", "str", True, "title of the study (the same in every wave of the study)"),
    ManifestField("study.description", "str", False, "what the study is about"),
    ManifestField("wave.id", "key", True, "key of this wave, unique across the knowledge base"),
    ManifestField("wave.title", "str", True, "what this round of data is"),
    ManifestField("wave.started", "date", False, "when fieldwork started: YYYY, YYYY-MM or YYYY-MM-DD"),
    ManifestField("wave.ended", "date", False, "when fieldwork ended: YYYY, YYYY-MM or YYYY-MM-DD"),
    ManifestField("wave.design", "str", False, "the study design of this wave, free text"),
    ManifestField("wave.phase", "int", False, "order of this wave within its study"),
    ManifestField(
        "requires", "list of keys", False, "waves whose entities this package refers to; they must be loaded first"
    ),
    ManifestField(
        "publications", "list of ids", False, "publications that report this wave: (Wave)-[:REPORTED_IN]->(Publication)"
    ),
    ManifestField("sources", "list of {id, title, doi?, file?}", False, "the documents that `locator` cells refer to"),
    ManifestField(
        "citations",
        "list of {file, format, cited_by}",
        False,
        "reference lists in the package for the citations loader; `cited_by` is a publication id; "
        "each file is read as `kb load FILE` reads one (UTF-8, UTF-16 with its byte-order mark, "
        "or a JabRef `% Encoding:` header's encoding: docs/citations.md)",
    ),
    ManifestField(
        "figures",
        "map of name to number",
        False,
        "headline figures of the wave (e.g. `gps: 208`), stored on the Wave node as `figure_<name>`; "
        "names are identifiers (letters, digits, `_`, not starting with a digit)",
    ),
    ManifestField(
        "figure_locators",
        "map of figure name to text",
        False,
        "where each of `figures` is published (document, then section or table, row and column), stored "
        "on the Wave node as the list `locators` of `name: locator` items; each name must be a figure",
    ),
    ManifestField(
        "qdpx",
        "map",
        False,
        "coded qualitative data: `file` (a .qdpx in the package), `evidence_kind`, `cases` "
        "(see Coded qualitative data below)",
    ),
)

SECTIONS = {
    "": (
        "format",
        "study",
        "wave",
        "requires",
        "publications",
        "sources",
        "citations",
        "figures",
        "figure_locators",
        "qdpx",
    ),  # fmt: skip
    "study": ("id", "title", "description"),
    "wave": ("id", "title", "started", "ended", "design", "phase"),
}
# key -> (required, what to write when it is missing or malformed)
SOURCE_KEYS = {
    "id": (True, "a short key of the document"),
    "title": (True, "the document's title or citation"),
    "doi": (False, "a bare DOI"),
    "file": (False, "the document's file name"),
}
CITATION_KEYS = {
    "file": (True, "the path of the reference list inside the package, e.g. references/refs.txt"),
    "format": (True, "the reference list's format, e.g. pmc"),
    "cited_by": (True, "the id of the publication whose reference list it is"),
}


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    doi: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class Citation:
    file: str
    format: str
    cited_by: str


FIGURE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FIGURE_PREFIX = "figure_"


@dataclass(frozen=True)
class QdpxSection:
    """The `qdpx:` section: the .qdpx file in the package (if any) and how to convert coded data."""

    file: str | None
    settings: QdpxSettings | None  # None when the section has problems: the file is known but not converted


@dataclass(frozen=True)
class Manifest:
    """The manifest's values; a field that could not be read is None (or empty)."""

    study_id: str | None
    study_title: str | None
    study_description: str | None
    wave_id: str | None
    wave_title: str | None
    started: str | None = None
    ended: str | None = None
    design: str | None = None
    phase: int | None = None
    requires: tuple[str, ...] = ()
    publications: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    citations: tuple[Citation, ...] = ()
    figures: tuple[tuple[str, int | float], ...] = ()  # (name, value) in the order given
    figure_locators: tuple[tuple[str, str], ...] = ()  # (figure name, where it is published)
    qdpx: QdpxSection | None = None
    # keys that were misspelt (`require:` for `requires`), each with the problem naming it; what
    # follows from a missing key is counted on its tally, not listed (see causes.py)
    misspelt: tuple[tuple[str, Tally], ...] = ()

    def misspelt_key(self, name: str) -> Tally | None:
        """The tally of the misspelt key that stands for `name` (e.g. 'requires'), if any."""
        return next((tally for key, tally in self.misspelt if key == name), None)


def _syntax_problem(exc: yaml.YAMLError) -> Problem:
    marked = exc if isinstance(exc, yaml.MarkedYAMLError) else None  # the parser's errors say where
    mark = (marked.problem_mark or marked.context_mark) if marked else None
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "line 1"
    reason = (marked.problem if marked else None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    return Problem(
        MANIFEST, f"{where}: not valid YAML ({shorten(reason)}); fix the syntax, e.g. quote values that contain ': '"
    )


def _strings(check: YamlChecker, path: KeyPath, what: str) -> tuple[str, ...]:
    out = []
    for index, item in enumerate(check.items(path)):
        where = path + (index,)
        if not isinstance(item, str) or not item.strip():
            check.problem(where, f"'{path_name(where)}' must be {what}, not '{shorten(item)}'")
        elif len(item.strip()) > MAX_ID_LENGTH:
            check.problem(
                where,
                f"'{path_name(where)}' is {len(item.strip())} characters long; {what} has at most "
                f"{MAX_ID_LENGTH} characters",
            )
        else:
            out.append(item.strip())
    return tuple(out)


def _entries(check: YamlChecker, path: KeyPath, keys: dict[str, tuple[bool, str]]) -> list[dict[str, Any]]:
    """The well-formed {key: text} entries of a list of mappings (a key not required may hold None),
    with a problem for each bad one."""
    entries = []
    for index, item in enumerate(check.items(path)):
        where = path + (index,)
        if not isinstance(item, dict):
            check.problem(where, f"'{path_name(where)}' must be a mapping with keys {', '.join(keys)}")
            continue
        check.unknown_keys(where, tuple(keys))
        values = {key: check.text(where + (key,), required, hint) for key, (required, hint) in keys.items()}
        if all(values[key] for key, (required, _) in keys.items() if required):
            entries.append(values)
    return entries


def _format(check: YamlChecker) -> None:
    value = check.get(("format",))
    if value is None:
        check.problem(("format",), f"'format' is missing; add 'format: {FORMAT_VERSION}' at the top")
    elif isinstance(value, bool) or value != FORMAT_VERSION:
        check.problem(
            ("format",),
            f"'format' is {shorten(repr(value))}, but this loader reads format {FORMAT_VERSION}; "
            f"write 'format: {FORMAT_VERSION}' and follow docs/wave-format.md",
        )


def _wave_fields(check: YamlChecker) -> dict[str, Any]:
    has_wave = check.mapping(("wave",), required=True)
    check.unknown_keys(("wave",), SECTIONS["wave"])
    if not has_wave:
        return {"wave_id": None, "wave_title": None}
    return {
        "wave_id": check.key(("wave", "id"), True, "the wave's key, e.g. t01-2014"),
        "wave_title": check.text(("wave", "title"), True, "a short title of the wave"),
        "started": check.date(("wave", "started")),
        "ended": check.date(("wave", "ended")),
        "design": check.text(("wave", "design"), False, "the design as text"),
        "phase": check.integer(("wave", "phase")),
    }


def _study_fields(check: YamlChecker) -> dict[str, Any]:
    has_study = check.mapping(("study",), required=True)
    check.unknown_keys(("study",), SECTIONS["study"])
    if not has_study:
        return {"study_id": None, "study_title": None, "study_description": None}
    return {
        "study_id": check.key(("study", "id"), True, "the study's short key, e.g. t01"),
        "study_title": check.text(("study", "title"), True, "the study's title"),
        "study_description": check.text(("study", "description"), False, "a description as text"),
    }


def _lists(check: YamlChecker, wave_id: str | None) -> dict[str, Any]:
    requires = _strings(check, ("requires",), "a wave key")
    if wave_id and wave_id in requires:
        check.problem(("requires",), f"'requires' lists this wave itself ('{wave_id}'); remove it")
    return {
        "requires": requires,
        "publications": _strings(check, ("publications",), "a publication id"),
        "sources": tuple(Source(**entry) for entry in _entries(check, ("sources",), SOURCE_KEYS)),
        "citations": tuple(Citation(**entry) for entry in _entries(check, ("citations",), CITATION_KEYS)),
    }


def _figures(check: YamlChecker) -> tuple[tuple[str, int | float], ...]:
    if not check.mapping(("figures",), required=False):
        return ()
    figures = []
    for name, value in check.get(("figures",)).items():
        where = ("figures", str(name))
        if not isinstance(name, str) or not FIGURE_NAME.match(name):
            check.problem(
                where,
                f"figure name '{shorten(name)}' is not an identifier; use letters, digits and '_', "
                "starting with a letter, e.g. meeting_observations",
            )
        elif len(name) > MAX_ID_LENGTH:
            check.problem(
                where,
                f"figure name '{shorten(name)}' is {len(name)} characters long; a name has at most "
                f"{MAX_ID_LENGTH} characters",
            )
        elif out_of_range(value):
            check.problem(where, f"figure '{name}' is '{shorten(value)}', which is out of range; {range_hint()}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            check.problem(
                where,
                f"figure '{name}' is '{shorten(value)}', which is not a number; write e.g. 208 or 0.94 "
                "(no thousands separators)",
            )
        else:
            figures.append((name, value))
    return tuple(figures)


def _figure_locators(check: YamlChecker, figures: tuple[tuple[str, int | float], ...]) -> tuple[tuple[str, str], ...]:
    if not check.mapping(("figure_locators",), required=False):
        return ()
    names = {name for name, _ in figures}
    located = []
    for name, text in check.get(("figure_locators",)).items():
        where = ("figure_locators", str(name))
        if name not in names:
            check.problem(
                where, f"'{shorten(name)}' is not one of `figures`; give a locator only for a figure listed there"
            )
        elif not isinstance(text, str) or not text.strip():
            check.problem(where, f"the locator of figure '{name}' must be text naming where it is published")
        else:
            located.append((str(name), text.strip()))
    return tuple(located)


def _qdpx(check: YamlChecker) -> QdpxSection | None:
    if not check.mapping(("qdpx",), required=False):
        return None
    file = check.text(("qdpx", "file"), False, "the path of the .qdpx inside the package, e.g. coding/interviews.qdpx")
    try:
        settings = settings_from_manifest(check.get(("qdpx",)), MANIFEST)
    except ValidationError as exc:
        for problem in exc.problems:
            check.problem(("qdpx",), problem.message)
        settings = None
    return QdpxSection(file, settings)


def parse_manifest(text: str) -> tuple[Manifest | None, list[Problem]]:
    """The manifest in `text` and every problem with it; None when the text is not a YAML mapping."""
    try:
        too_deep = nesting_problem(MANIFEST, text)
        if too_deep:
            return None, [too_deep]
        lines = YamlLines(text)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc)]
    except (ValueError, RecursionError) as exc:  # a value no Python type holds, which the loader did not foresee
        return None, [
            Problem(
                MANIFEST,
                f"line 1: cannot be read ({shorten(exc)}); check the values of the file against docs/wave-format.md",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            Problem(
                MANIFEST,
                "line 1: the file must be a YAML mapping starting with 'format: 1'; "
                "see docs/wave-format.md for an example",
            )
        ]
    check = YamlChecker(MANIFEST, data, lines)
    check.nul_characters()
    for path, line in lines.duplicates:
        check.problems.append(Problem(MANIFEST, f"line {line}: '{shorten(path_name(path))}' is given twice; keep one"))
    _format(check)
    check.unknown_keys((), SECTIONS[""])
    fields = {**_study_fields(check), **_wave_fields(check)}
    fields.update(_lists(check, fields["wave_id"]))
    figures = _figures(check)
    fields.update(figures=figures, figure_locators=_figure_locators(check, figures), qdpx=_qdpx(check))
    misspelt = tuple((path_name(path), tally) for path, tally in check.misspelt.items())
    return Manifest(**fields, misspelt=misspelt), check.problems
