"""Scheduled backups: an archive named by its time in a folder, and only the newest N kept.

Only files this module names (`kb-backup-<UTC time>.zip`) are ever counted or removed, so a folder
shared with other files loses nothing else; the removed archives are reported by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from kb.backup.format import Progress
from kb.backup.take import BackupReport, backup
from kb.errors import UsageError
from kb.store.base import Store

PREFIX = "kb-backup-"
_NAMED = re.compile(r"^kb-backup-(\d{8}T\d{6}Z)(?:-(\d+))?\.zip$")


def archive_name(when: dt.datetime) -> str:
    return f"{PREFIX}{when.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.zip"


def archives_in(folder: Path) -> list[Path]:
    """The archives this module named in `folder`, oldest first (their names sort by time)."""
    found = []
    for path in Path(folder).iterdir():
        named = _NAMED.match(path.name)
        if named and path.is_file():
            found.append(((named.group(1), int(named.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def backup_into_folder(
    store: Store,
    folder: Path,
    keep: int | None = None,
    waves: Iterable[str] | None = None,
    on_progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> tuple[BackupReport, list[Path]]:
    """Write a new archive in `folder`, then remove the oldest of its archives beyond the newest
    `keep` (the new one included); returns the report and the removed paths."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; create it first")
    if keep is not None and keep < 1:
        raise UsageError(f"--keep {keep} would remove every archive; keep at least 1")
    when = now or dt.datetime.now(dt.UTC)
    target = folder / archive_name(when)
    number = 1
    while target.exists():  # two backups within one second
        number += 1
        target = folder / archive_name(when).replace(".zip", f"-{number}.zip")
    report = backup(store, target, waves, on_progress, when)
    removed: list[Path] = []
    if keep is not None:
        found = archives_in(folder)
        for old in found[: max(0, len(found) - keep)]:
            if old != target:
                old.unlink()
                removed.append(old)
    return report, removed
