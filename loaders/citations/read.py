"""Choose a reader for a reference-list file (from its format name, extension or content) and run it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kb.errors import UsageError
from loaders.citations.bibtex import read_bibtex
from loaders.citations.csl import read_csl_json
from loaders.citations.model import FORMATS, ReadResult
from loaders.citations.pmc import read_pmc
from loaders.citations.ris import read_ris
from loaders.citations.search_export import read_search_export
from loaders.citations.vancouver import read_vancouver

READERS: dict[str, Callable[[str, str], ReadResult]] = {
    "bibtex": read_bibtex,
    "ris": read_ris,
    "csl-json": read_csl_json,
    "pmc": read_pmc,
    "search-export": read_search_export,
    "vancouver": read_vancouver,
}
_EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json"}
_SEARCH_EXPORT_LINE = re.compile(r"^\[\d+\]\s", re.MULTILINE)
_VANCOUVER_LINE = re.compile(r"^(?:-\s+\d+\.|\d+\.)\s", re.MULTILINE)


def read_citations(path: str | Path, fmt: str | None = None) -> ReadResult:
    """Read a reference list; `fmt` is one of FORMATS, or None to guess from the extension and content.

    Citations name the file by its base name (`source`), which is also what a reload replaces.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of a reference list")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 and load it again"
        ) from None
    return read_citations_text(text, path.name, fmt)


def read_citations_text(text: str, name: str, fmt: str | None = None) -> ReadResult:
    """Read a reference list already in memory (e.g. from a wave package); `name` is the file name it came as."""
    chosen = fmt or guess_format(name, text)
    if chosen not in READERS:
        raise UsageError(f"unknown citation format '{chosen}'; use one of: {', '.join(FORMATS)}")
    return READERS[chosen](text, name)


def guess_format(name: str, text: str) -> str:
    """The format a file is in, from its extension, else from its content."""
    suffix = Path(name).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    stripped = text.lstrip()
    if stripped.startswith("@"):
        return "bibtex"
    if stripped.startswith("TY  -"):
        return "ris"
    if stripped.startswith("["):
        if stripped[1:].lstrip().startswith("{"):
            return "csl-json"
    if "==== Refs" in text:
        return "pmc"
    if len(_SEARCH_EXPORT_LINE.findall(text)) >= 2:
        return "search-export"
    if len(_VANCOUVER_LINE.findall(text)) >= 2:
        return "vancouver"
    raise UsageError(
        f"{name}: cannot tell which reference format this is; pass the format explicitly (one of: {', '.join(FORMATS)})"
    )
