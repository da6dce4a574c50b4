"""Read a whole wave package: its manifest, its CSV files and the source hash over both.

Nothing here touches a database. `read_package` collects the problems of form (file names,
encoding, headers, manifest keys); a package whose files cannot be opened at all (a missing path,
an unsafe zip) raises at once, since there is nothing further to check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kb.errors import Problem, ValidationError, shorten
from loaders.report import LoadWarning
from loaders.wave.manifest import MANIFEST, Manifest, parse_manifest
from loaders.wave.qualitative import CONVERTED_LABELS, convert_qualitative, qualitative_files
from loaders.wave.reader import CsvTable, HashingStream, read_csv
from loaders.wave.records import Identity
from loaders.wave.source import PackageFiles, open_package_files
from loaders.wave.spec import FILE_ORDER, FILES, FileSpec

README = "README.md"
OnTable = Callable[[CsvTable, "Manifest | None"], None]
SPECS: dict[str, FileSpec] = {spec.file: spec for spec in FILES}


@dataclass(frozen=True)
class PackageContent:
    """What a package holds, read but not yet validated."""

    path: Path
    manifest: Manifest | None
    tables: list[CsvTable]  # validation takes them out one by one as their rows become records
    citation_files: Mapping[str, bytes]
    source_hash: str
    problems: tuple[Problem, ...]
    warnings: tuple[LoadWarning, ...] = ()  # from converting coded qualitative data
    unconverted: frozenset[str] = frozenset()  # labels coded data that failed to convert would have defined


def _manifest(files: PackageFiles, digests: dict[str, str], problems: list[Problem]) -> Manifest | None:
    if MANIFEST not in files.names():
        problems.append(Problem(MANIFEST, "is missing; a package needs wave.yaml at its top (see docs/wave-format.md)"))
        return None
    raw = files.read(MANIFEST)
    digests[MANIFEST] = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(MANIFEST, f"line {line}: not valid UTF-8 (byte 0x{raw[exc.start]:02X}); save the file as UTF-8")
        )
        return None
    manifest, found = parse_manifest(text)
    problems.extend(found)
    return manifest


def _known_files(manifest: Manifest | None) -> list[str]:
    citations = [c.file for c in manifest.citations] if manifest else []
    return [MANIFEST, README, *FILE_ORDER, *qualitative_files(manifest), *citations]


def _unknown_file(name: str, manifest: Manifest | None) -> Problem:
    known = ", ".join(shorten(file) for file in _known_files(manifest))
    return Problem(
        shorten(name),
        f"is not a file of the wave format; a package may hold {known}, the .qdpx named under "
        "'qdpx' and the reference lists named under 'citations' in wave.yaml",
    )


def _table(
    files: PackageFiles,
    name: str,
    digests: dict[str, str],
    problems: list[Problem],
    consume: OnTable,
    lazy: bool,
    manifest: Manifest | None,
) -> None:
    with files.open(name) as raw:
        hashing = HashingStream(raw)
        # A lazy table can be read again from its start (reader.FileSource), as the column reader does:
        # then the bytes it read whole are those validated, and hashed.
        table = read_csv(SPECS[name], hashing, problems, lazy=lazy, again=lambda: files.open(name))
        consume(table, manifest)  # while the file is open
        digests[name] = table.source.digest if table.source and table.source.digest else hashing.drain()


def _citation_files(
    files: PackageFiles, manifest: Manifest | None, digests: dict[str, str], problems: list[Problem]
) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for citation in manifest.citations if manifest else ():
        if citation.file not in files.names():
            problems.append(
                Problem(
                    MANIFEST, f"citations file '{shorten(citation.file)}' is not in the package; add it or fix the path"
                )
            )
        elif citation.file in SPECS or citation.file == MANIFEST:
            problems.append(
                Problem(
                    MANIFEST,
                    f"citations file '{shorten(citation.file)}' is a file of the wave format; name the reference list",
                )
            )
        else:
            out[citation.file] = files.read(citation.file)
            digests[citation.file] = hashlib.sha256(out[citation.file]).hexdigest()
    return out


def source_hash(digests: Mapping[str, str]) -> str:
    """sha256 over the loaded files' names and contents, in name order: the same for a folder and its zip."""
    total = hashlib.sha256()
    for name in sorted(digests):
        total.update(f"{name}\0{digests[name]}\n".encode())
    return total.hexdigest()


def read_package(path: str | Path, on_table: OnTable | None = None) -> PackageContent:
    """Read the package at `path` (folder or .zip); problems of form are collected, not raised.

    With `on_table`, each table is handed to it as it is read, its rows an iterator to consume at
    once, and the content keeps no tables (validate.read_and_validate streams a package this way).
    """
    problems: list[Problem] = []
    digests: dict[str, str] = {}
    kept: list[CsvTable] = []
    consume = on_table or (lambda table, _: kept.append(table))
    with open_package_files(path) as files:
        manifest = _manifest(files, digests, problems)
        known = set(_known_files(manifest))
        for name in files.names():
            if name not in known:
                problems.append(_unknown_file(name, manifest))
        for name in FILE_ORDER:
            if name in files.names():
                _table(files, name, digests, problems, consume, on_table is not None, manifest)
        coded = convert_qualitative(files, manifest, digests, problems)
        citations = _citation_files(files, manifest, digests, problems)
    for table in coded.tables:
        consume(table, manifest)
    return PackageContent(
        Path(path),
        manifest,
        kept,
        MappingProxyType(citations),
        source_hash(digests),
        tuple(problems),
        coded.warnings,
        CONVERTED_LABELS if coded.failed else frozenset(),
    )


def _file_digest(files: PackageFiles, name: str) -> str:
    digest = hashlib.sha256()
    with files.open(name) as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quick_identity(path: str | Path) -> Identity | None:
    """The wave, study and source hash of the package at `path`, from its raw bytes, without reading
    a row: what `read_package` would hash when every file is read. None when the manifest has
    problems or the package holds a file the format does not know (the full read reports them).

    The hash covers the names and contents of every file that counts, so it can only equal a
    loaded wave's hash when the package is byte for byte the one that was loaded.
    """
    problems: list[Problem] = []
    digests: dict[str, str] = {}
    with open_package_files(path) as files:
        manifest = _manifest(files, digests, problems)
        if manifest is None or problems or manifest.wave_id is None or manifest.study_id is None:
            return None
        known = set(_known_files(manifest))
        for name in files.names():
            if name not in known:
                return None
            if name != README and name not in digests:
                digests[name] = _file_digest(files, name)
    return Identity(manifest.wave_id, manifest.study_id, source_hash(digests))


def require_no_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """Raise ValidationError when there is any problem."""
    if problems:
        raise ValidationError(list(problems))
