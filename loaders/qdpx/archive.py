"""Safe reading of a `.qdpx` archive: members are checked before anything is read.

A `.qdpx` is a zip holding one `.qde` XML project file and a `Sources/` folder. Archives come from
other people's machines, so the whole member list is vetted first: no absolute or `..` paths, no
symbolic links, a bounded number of members, a bounded total size and a bounded compression ratio
(zip bombs). Nothing is ever extracted to disk; members are read into memory by name.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kb.errors import NotFound, Problem, ValidationError, shorten

INTERNAL_SCHEME = "internal://"
SOURCES_FOLDER = "Sources"


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds an archive must respect before any member is read."""

    max_members: int = 10_000
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1024 * 1024  # small members may compress well; only big ones are judged


DEFAULT_LIMITS = ArchiveLimits()


def _unsafe_path(name: str) -> bool:
    if "\x00" in name or name.startswith(("/", "\\")):
        return True
    if len(name) > 1 and name[1] == ":":  # a Windows drive letter, e.g. C:/x or C:x
        return True
    return ".." in name.replace("\\", "/").split("/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _member_problems(archive: str, infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> list[Problem]:
    problems: list[Problem] = []
    if len(infos) > limits.max_members:
        problems.append(Problem(archive, f"holds {len(infos)} members, more than the limit of {limits.max_members}"))
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        problems.append(
            Problem(archive, f"members would unpack to {total} bytes, more than the limit of {limits.max_total_bytes}")
        )
    for info in infos:
        if _unsafe_path(info.filename):
            problems.append(
                Problem(
                    archive,
                    (
                        f"member '{shorten(info.filename)}' has an unsafe path (absolute or with '..'); "
                        "the archive is refused"
                    ),
                )
            )
        elif _is_symlink(info):
            problems.append(
                Problem(archive, f"member '{shorten(info.filename)}' is a symbolic link; the archive is refused")
            )
        elif info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                problems.append(
                    Problem(
                        archive,
                        (
                            f"member '{shorten(info.filename)}' expands {ratio:.0f} times (limit "
                            f"{limits.max_ratio:g}); "
                            "the archive is refused as a possible zip bomb"
                        ),
                    )
                )
    return problems


class QdpxArchive:
    """An opened `.qdpx` whose members passed the safety checks; use as a context manager."""

    def __init__(self, path: str | Path | bytes, limits: ArchiveLimits = DEFAULT_LIMITS, name: str | None = None):
        """Open `path`, or the archive's bytes (as a wave package holds it) named `name` in messages."""
        source: io.BytesIO | Path
        if isinstance(path, bytes):
            self.name, source = name or "project.qdpx", io.BytesIO(path)
        else:
            path = Path(path)
            self.name, source = name or path.name, path
            if not path.is_file():
                raise NotFound(f"{path}: no such file; give the path of a .qdpx project exported by your QDA tool")
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(
                [
                    Problem(
                        self.name,
                        (
                            f"is not a readable zip archive ({shorten(exc)}); a .qdpx is a zip of a .qde project "
                            "file and a "
                            "Sources folder: export the project again from your QDA tool"
                        ),
                    )
                ]
            ) from exc
        infos = self._zip.infolist()
        problems = _member_problems(self.name, infos, limits)
        if problems:
            self._zip.close()
            raise ValidationError(problems)
        self._files = {info.filename: info for info in infos if not info.is_dir()}

    def __enter__(self) -> QdpxArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def qde_member(self) -> str:
        """The project file: the one `.qde` member (any name), or `project.qde` among several."""
        found = sorted(name for name in self._files if name.lower().endswith(".qde"))
        if len(found) == 1:
            return found[0]
        preferred = [name for name in found if PurePosixPath(name).name.lower() == "project.qde"]
        if len(preferred) == 1:
            return preferred[0]
        if not found:
            raise ValidationError(
                [
                    Problem(
                        self.name,
                        ("holds no .qde project file; a .qdpx must contain the project XML (usually project.qde)"),
                    )
                ]
            )
        raise ValidationError(
            [
                Problem(
                    self.name,
                    (
                        f"holds {len(found)} .qde files ({shorten(', '.join(found))}) and none is project.qde; "
                        "expected exactly one project file"
                    ),
                )
            ]
        )

    def read(self, member: str) -> bytes:
        """The bytes of a member (its size was bounded when the archive was opened).

        A damaged member (bad header, corrupt or cut data, wrong checksum, an offset outside the
        file) or a password-protected one raises ValidationError naming the archive and member.
        """
        try:
            return self._zip.read(self._files[member])
        except (RuntimeError, zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
            raise ValidationError(
                [
                    Problem(
                        f"{self.name}/{shorten(member)}",
                        (
                            f"cannot be read from the archive ({shorten(str(exc) or type(exc).__name__)}); it may "
                            "be damaged "
                            "or password-protected: export the project again"
                        ),
                    )
                ]
            ) from exc

    def resolve(self, text_path: str) -> str | None:
        """The member an `internal://name` path points to, or None when it is not in the archive.

        Matching falls back to ignoring letter case, because some tools write `sources/`.
        """
        if not text_path.startswith(INTERNAL_SCHEME):
            return None
        relative = text_path[len(INTERNAL_SCHEME) :].lstrip("/")
        if _unsafe_path(relative):
            return None
        wanted = f"{SOURCES_FOLDER}/{relative}"
        if wanted in self._files:
            return wanted
        folded = {name.casefold(): name for name in self._files}
        return folded.get(wanted.casefold())
