"""The files of a wave package, from a folder or a .zip, read in place and never extracted.

A zip is checked before any member is read: no absolute paths, no `..`, no symbolic links, no
encrypted or duplicate members, at most `ZIP_MAX_MEMBERS` members, at most `ZIP_MAX_BYTES`
uncompressed and no member inflating more than `ZIP_MAX_RATIO` times (a zip bomb). Members are
streamed from the archive, so nothing is written to disk at all; a member found damaged while it is
read (its header, its compressed data or its checksum) raises ValidationError naming the zip. A zip
may hold the package at its top or inside one top folder (as "Compress folder" tools make it); a
package nested deeper is refused with one line naming its folder.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, BinaryIO

from kb.errors import NotFound, Problem, UsageError, ValidationError, shorten

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

ZIP_MAX_MEMBERS = 200
ZIP_MAX_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
IGNORED_TOP = ("__MACOSX",)  # resource forks macOS adds to zips it makes
_DRIVE = re.compile(r"^[A-Za-z]:")


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") for part in parts) or (bool(parts) and parts[0] in IGNORED_TOP)


class PackageFiles:
    """The regular files of a package by relative POSIX path; use as a context manager."""

    def __init__(self, label: str):
        self.label = label  # how messages name the package

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        with self.open(name) as fh:
            return fh.read()

    def close(self) -> None:
        """Release the archive, if any."""

    def __enter__(self) -> PackageFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderFiles(PackageFiles):
    def __init__(self, root: Path):
        super().__init__(str(root))
        self.root = root
        self._names, problems = self._scan()
        if problems:
            raise ValidationError(problems)

    def _scan(self) -> tuple[list[str], list[Problem]]:
        names: list[str] = []
        problems: list[Problem] = []
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            for entry in sorted(dirs + files):
                full = Path(folder) / entry
                name = full.relative_to(self.root).as_posix()
                if _ignored(name):
                    continue
                if full.is_symlink():
                    problems.append(
                        Problem(name, "is a symbolic link; a package may hold regular files only, so copy the file in")
                    )
                elif full.is_file():
                    names.append(name)
        return sorted(names), problems

    def names(self) -> list[str]:
        return list(self._names)

    def open(self, name: str) -> BinaryIO:
        return open(self.root / name, "rb")


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member cannot be part of a package, or None."""
    name = info.filename
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "has an absolute path; a package zip may hold only relative paths"
    if ".." in parts:
        return "has '..' in its path, which would point outside the package"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link; a package may hold regular files only"
    if info.flag_bits & 0x1:
        return "is encrypted; zip the package without a password"
    if info.file_size and (info.compress_size == 0 or info.file_size / info.compress_size > ZIP_MAX_RATIO):
        return (
            f"inflates more than {ZIP_MAX_RATIO} times ({info.compress_size} to {info.file_size} bytes), "
            "as a zip bomb does; zip the package normally"
        )
    return None


def _zip_problems(label: str, infos: list[zipfile.ZipInfo]) -> list[Problem]:
    problems = []
    if len(infos) > ZIP_MAX_MEMBERS:
        problems.append(Problem(label, f"holds {len(infos)} members; a package zip may hold at most {ZIP_MAX_MEMBERS}"))
    total = sum(info.file_size for info in infos)
    if total > ZIP_MAX_BYTES:
        problems.append(
            Problem(
                label,
                f"unpacks to {total} bytes; a package zip may unpack to at most "
                f"{ZIP_MAX_BYTES} bytes (200 MB): split the wave into smaller waves",
            )
        )
    seen: set[str] = set()
    for info in infos:
        reason = _member_problem(info)
        if reason:
            problems.append(Problem(label, f"member '{shorten(info.filename)}' {reason}"))
        elif info.filename in seen:
            problems.append(Problem(label, f"member '{shorten(info.filename)}' appears twice; keep one"))
        seen.add(info.filename)
    return problems


class ZipFiles(PackageFiles):
    def __init__(self, path: Path):
        super().__init__(path.name)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(
                [Problem(path.name, f"is not a readable zip file ({exc}); zip the package folder again")]
            ) from None
        infos = self._zip.infolist()
        problems = _zip_problems(path.name, infos)
        if problems:
            self._zip.close()
            raise ValidationError(problems)
        files = [info for info in infos if not info.is_dir() and not _ignored(info.filename)]
        prefix = _common_root([info.filename for info in files])
        self._members = {info.filename[len(prefix) :]: info for info in files}

    def names(self) -> list[str]:
        return sorted(self._members)

    def open(self, name: str) -> BinaryIO:
        try:
            member = self._zip.open(self._members[name])
        except ZIP_DAMAGE as exc:
            raise damaged_member(self.label, name, exc) from None
        return io.BufferedReader(_MemberStream(self.label, name, member))

    def close(self) -> None:
        self._zip.close()


# What zipfile raises for a damaged member: a bad local header or name (BadZipFile), an offset
# outside the file (OSError), corrupt or cut deflate data (zlib.error, EOFError), a checksum that
# does not match (BadZipFile), an unknown compression method (NotImplementedError).
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def damaged_member(label: str, name: str, exc: BaseException) -> ValidationError:
    """The refusal of a zip whose member `name` cannot be read back."""
    reason = shorten(str(exc) or type(exc).__name__)
    return ValidationError(
        [
            Problem(
                label,
                f"member '{shorten(name)}' is damaged and cannot be read ({reason}); zip the package folder again",
            )
        ]
    )


class _MemberStream(io.RawIOBase):
    """A zip member's bytes; damage found while reading raises ValidationError naming the zip."""

    def __init__(self, label: str, name: str, member: IO[bytes]):
        super().__init__()
        self.label, self.name, self._member = label, name, member

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        try:
            data = self._member.read(len(view))
        except ZIP_DAMAGE as exc:
            raise damaged_member(self.label, self.name, exc) from None
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        super().close()


def _common_root(names: list[str]) -> str:
    """'folder/' when every member sits in one top folder that holds wave.yaml, else ''."""
    if "wave.yaml" in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        top = tops.pop() + "/"
        if top + "wave.yaml" in names:
            return top
    return ""


def _nested(files: PackageFiles, inside: str) -> None:
    """Refuse, with one line, a package whose wave.yaml sits in a folder further down: every file would
    otherwise be reported as unknown, and the package as having no wave.yaml."""
    names = files.names()
    deeper = [name for name in names if name.endswith("/wave.yaml")]
    if "wave.yaml" in names or len(deeper) != 1:
        return
    folder = deeper[0].removesuffix("wave.yaml")
    files.close()
    raise ValidationError(
        [
            Problem(
                files.label,
                f"the package is in folder '{shorten(folder)}' {inside}; give that folder, or zip it so that "
                "wave.yaml is at the top of the zip or in its one top folder",
            )
        ]
    )


def open_package_files(path: str | Path) -> PackageFiles:
    """The files of the package at `path` (a folder or a .zip); raises NotFound, UsageError or ValidationError."""
    path = Path(path)
    if path.is_dir():
        folder = FolderFiles(path)
        _nested(folder, "inside it")
        return folder
    if path.is_file():
        if zipfile.is_zipfile(path):
            archive = ZipFiles(path)
            _nested(archive, "inside the archive")
            return archive
        raise UsageError(f"{path} is neither a folder nor a .zip file; give the package folder or a zip of it")
    raise NotFound(f"no wave package at {path}; give the path of a package folder or .zip")
