"""Choose a reader for a reference-list file (from its format name, extension or content) and run it."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kb.errors import Problem, UsageError, ValidationError, shorten
from loaders.citations.bibtex import read_bibtex
from loaders.citations.csl import read_csl_json
from loaders.citations.model import FORMATS, ReadResult
from loaders.citations.pmc import read_pmc
from loaders.citations.ris import read_ris
from loaders.citations.search_export import read_search_export
from loaders.citations.vancouver import read_vancouver
from loaders.wave.spec import MAX_ID_LENGTH

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
    return read_citations_text(decode_reference_list(path.read_bytes(), str(path)), path.name, fmt)


_ENCODING_HEADER = re.compile(rb"^%\s*Encoding:\s*([A-Za-z0-9_.:-]+)", re.MULTILINE)
_JAVA_NAMES = {"utf8": "utf-8", "cp1252": "cp1252", "iso8859_1": "iso8859-1", "iso8859_15": "iso8859-15"}


def decode_reference_list(data: bytes, name: str) -> str:
    """The text of a reference list: UTF-8 (a byte-order mark is dropped), UTF-16 with its mark, or
    the encoding a JabRef `% Encoding: NAME` header declares (JabRef writes Java's names: Cp1252, UTF8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{name}: starts as UTF-16 text but is not (byte {exc.start}); the file may be cut short: "
                "save it as UTF-8 and load it again"
            ) from None
    header = _ENCODING_HEADER.search(data[:4096].lstrip(b"\xef\xbb\xbf"))
    encoding = "utf-8-sig"
    if header:
        declared = header.group(1).decode("ascii")
        encoding = _JAVA_NAMES.get(declared.lower(), declared)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                f"{name}: its '% Encoding: {shorten(declared)}' header names an encoding that is not known here; "
                "save the file as UTF-8 and load it again"
            ) from None
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        if header:
            raise UsageError(
                f"{name}: its '% Encoding: {shorten(header.group(1).decode('ascii'))}' header does not match its "
                f"bytes (byte {exc.start} is not {encoding}); save the file as UTF-8 and load it again"
            ) from None
        raise UsageError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 and load it again"
        ) from None


def read_citations_text(text: str, name: str, fmt: str | None = None) -> ReadResult:
    """Read a reference list already in memory (e.g. from a wave package); `name` is the file name it came as.

    A NUL character refuses the whole file (ValidationError): no engine can store one, and a text
    reference list holds none unless it was saved in another encoding (UTF-16) or is not text.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(
            [
                Problem(
                    name,
                    "contains a NUL character, which a reference list cannot hold; remove it, "
                    "or save the file as UTF-8 text if it was saved as UTF-16",
                    row=line,
                )
            ]
        )
    chosen = fmt or guess_format(name, text)
    if chosen not in READERS:
        raise UsageError(f"unknown citation format '{shorten(chosen)}'; use one of: {', '.join(FORMATS)}")
    return _without_overlong_identifiers(READERS[chosen](text, name))


def _without_overlong_identifiers(result: ReadResult) -> ReadResult:
    """A DOI or PMID longer than MAX_ID_LENGTH is no real one (a parsing accident): it is dropped,
    with a warning, so that it cannot reach an index."""
    citations, warnings = [], list(result.warnings)
    for citation in result.citations:
        overlong = [field for field in ("doi", "pmid") if len(getattr(citation, field) or "") > MAX_ID_LENGTH]
        for field in overlong:
            warnings.append(
                Problem(
                    result.source,
                    f"the {field.upper()} is {len(getattr(citation, field))} characters "
                    "long, longer than any real one; it was ignored",
                    row=citation.line,
                )
            )
        citations.append(
            replace(
                citation,
                doi=None if "doi" in overlong else citation.doi,
                pmid=None if "pmid" in overlong else citation.pmid,
            )
        )
    return replace(result, citations=tuple(citations), warnings=tuple(warnings))


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
