"""Qualitative coding projects: REFI-QDA `.qdpx` archives and the codebook/segments CSV alternative.

read_qdpx(path or bytes) -> QdaProject     safe reading of a .qdpx (records, warnings)
read_coded_csv(codebook, segments) -> QdaProject
read_coded_tables(codebook_bytes, segments_bytes, name) -> QdaProject   (as a wave package holds them)
project_to_rows(project, study, settings) -> PackageRows   wave-package rows (spec columns)
qdpx_to_package(path, out_dir, study, wave, settings) -> PackageSummary   a loadable folder
"""

from loaders.qdpx.archive import ArchiveLimits
from loaders.qdpx.mapping import CaseMapping, QdpxSettings, settings_from_manifest
from loaders.qdpx.qde import read_qde, read_qdpx
from loaders.qdpx.records import Case, Note, QdaProject, Segment, Source, Theme, User
from loaders.qdpx.rows import PackageRows, project_to_rows
from loaders.qdpx.tabular import read_coded_csv, read_coded_tables
from loaders.qdpx.wave import PackageSummary, qdpx_to_package

__all__ = [
    "ArchiveLimits",
    "Case",
    "CaseMapping",
    "Note",
    "PackageRows",
    "PackageSummary",
    "QdaProject",
    "QdpxSettings",
    "Segment",
    "Source",
    "Theme",
    "User",
    "project_to_rows",
    "qdpx_to_package",
    "read_coded_csv",
    "read_qde",
    "read_coded_tables",
    "read_qdpx",
    "settings_from_manifest",
]
