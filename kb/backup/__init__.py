"""Backups, restores and publication archives of a knowledge base, on either engine.

format.py    the archive's members, lines and manifest checks
dump.py      every node and relationship of a snapshot, page by page
subset.py    the part behind chosen waves (a publication archive)
describe.py  the archive's README and RO-Crate metadata
take.py      `backup`: snapshot, records, zip
restore.py   `restore`: verify everything, then one atomic unit
rotate.py    archives named by time in a folder, the newest N kept
"""

from kb.backup.format import ArchiveError
from kb.backup.restore import RestoreReport, read_archive, restore
from kb.backup.rotate import backup_into_folder
from kb.backup.take import BackupReport, backup

__all__ = [
    "ArchiveError",
    "BackupReport",
    "RestoreReport",
    "backup",
    "backup_into_folder",
    "read_archive",
    "restore",
]
