"""The archive format: member names, one JSON line per element, and the manifest's checks.

An archive is a zip holding
    manifest.json               what the archive holds and a sha256 of every other member
    README.md                   what it holds and how to open it, for a person
    ro-crate-metadata.json      the same for repositories that index RO-Crates
    nodes/<Label>.jsonl         one node a line: {"id", "labels", "properties"}
    relationships/<TYPE>.jsonl  one relationship a line: {"type", "start_label", "start",
                                "end_label", "end", "properties"}
Nodes are named by their kb `id` (unique per label), never by an engine's internal identity, so an
archive taken on one engine restores on the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from kb import schema
from kb.errors import UsageError

Progress = Callable[[int, int, str], None]  # (done, total, archive member)
Records = dict[str, list[dict[str, Any]]]  # archive member -> its records

FORMAT = "ccg-kb-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
README = "README.md"
RO_CRATE = "ro-crate-metadata.json"
NODES_DIR = "nodes/"
RELS_DIR = "relationships/"


def node_member(name: str) -> str:
    return f"{NODES_DIR}{schema.label(name)}.jsonl"


def rel_member(name: str) -> str:
    return f"{RELS_DIR}{schema.rel_type(name)}.jsonl"


def json_line(record: dict[str, Any]) -> bytes:
    """One element as a line: keys sorted, so the same knowledge base gives the same bytes."""
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ArchiveError(UsageError):
    """An archive that cannot be restored as it is: damaged, tampered with, or of another model."""


def check_manifest(manifest: Any, source: str) -> dict[str, Any]:
    """The manifest, if this code can restore what it describes; ArchiveError naming why not."""
    try:
        return _checked(manifest, source)
    except ArchiveError as exc:
        raise ArchiveError(f"{exc}; nothing was restored") from None


def _checked(manifest: Any, source: str) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{source} is not a ccg-kb archive (its {MANIFEST} does not say format '{FORMAT}')")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ArchiveError(
            f"{source} is in archive format {version!r}; this ccg-kb reads format {FORMAT_VERSION}: "
            "restore it with the ccg-kb version that wrote it"
        )
    model = manifest.get("schema_version")
    if not isinstance(model, int) or isinstance(model, bool):
        raise ArchiveError(f"{source} does not say which version of the knowledge model it holds (schema_version)")
    if model > schema.SCHEMA_VERSION:
        raise ArchiveError(
            f"{source} holds knowledge model version {model}, newer than this ccg-kb's {schema.SCHEMA_VERSION}; "
            f"upgrade ccg-kb (the archive was written by {manifest.get('project_version') or 'an unknown version'})"
        )
    if model < schema.SCHEMA_VERSION:
        raise ArchiveError(
            f"{source} holds knowledge model version {model} and this ccg-kb knows no way to bring it to version "
            f"{schema.SCHEMA_VERSION}; restore it with ccg-kb {manifest.get('project_version') or 'of that version'}, "
            "or load its waves' packages again"
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
        isinstance(entry, dict) and isinstance(entry.get("sha256"), str) for entry in members.values()
    ):
        raise ArchiveError(f"{source}: {MANIFEST} lists no checksums of its members")
    return manifest
