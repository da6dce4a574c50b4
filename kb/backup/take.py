"""`backup`: write a consistent snapshot of a knowledge base (or of some of its waves) as an archive.

The elements are read from `Store.snapshot()`, which lies between atomic units, so an archive
never holds part of a wave: a backup taken during a load holds the state before it or after it.
The zip is written next to its destination and renamed over it when complete, so an interrupted
backup leaves no half archive under the name asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kb import schema
from kb.backup import dump, subset
from kb.backup.describe import readme, ro_crate
from kb.backup.format import FORMAT, FORMAT_VERSION, MANIFEST, README, RO_CRATE, Progress, Records, json_line, sha256
from kb.errors import UsageError
from kb.store.base import Store


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    nodes: int
    relationships: int
    waves: tuple[str, ...]
    subset: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "bytes": self.bytes,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "waves": list(self.waves),
            "subset": self.subset,
        }


def project_version() -> str | None:
    try:
        return metadata.version("ccg-kb")
    except metadata.PackageNotFoundError:
        return None


def _wave_summary(props: dict[str, Any]) -> dict[str, Any]:
    history = props.get("history")
    return {
        "id": props.get("id"),
        "study": props.get("study"),
        "title": props.get("title"),
        "status": props.get("status"),
        "loaded_at": props.get("loaded_at"),
        "source_hash": props.get("source_hash"),
        "requires": list(props.get("requires") or []),
        "history": json.loads(history) if isinstance(history, str) and history else [],
    }


def _decisions(records: Records) -> list[str]:
    """Reviewers' merge and split decisions on cited works (loaders/citations/graph.py keeps them on Work nodes)."""
    found = {str(d) for rec in records.get("nodes/Work.jsonl", []) for d in rec["properties"].get("decisions") or []}
    return sorted(found)


def manifest_for(
    records: Records, engine: dict[str, Any], created_at: str, chosen: subset.Subset | None
) -> dict[str, Any]:
    """The manifest of `records`, without the members' checksums (added as they are written)."""
    nodes = {name: len(records.get(f"nodes/{name}.jsonl", [])) for name in schema.label_names()}
    rels = {name: len(records.get(f"relationships/{name}.jsonl", [])) for name in schema.rel_names()}
    waves = [_wave_summary(rec["properties"]) for rec in records.get("nodes/Wave.jsonl", [])]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema.SCHEMA_VERSION,
        "project_version": project_version(),
        "created_at": created_at,
        # The engine's kind and version only: an address or a data directory says where, not what.
        "engine": {"engine": engine.get("engine"), "version": engine.get("version")},
        "labels": schema.label_names(),
        "relationship_types": schema.rel_names(),
        "subset": chosen.as_dict() if chosen else None,
        "counts": {"nodes": nodes, "relationships": rels},
        "waves": sorted(waves, key=lambda w: str(w["id"])),
        "review_decisions": _decisions(records),
        "members": {},
    }


def backup(
    store: Store,
    out: Path,
    waves: Iterable[str] | None = None,
    on_progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> BackupReport:
    """Write the knowledge base, or the part behind `waves` (kb.backup.subset), to the archive `out`."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give the archive's file name, or use --keep to name it in the folder")
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist; create it first")
    with store.snapshot() as reads:
        records = dump.read_all(reads, on_progress)
    chosen = subset.select(records, waves) if waves else None
    if chosen:
        records = chosen.records
    created = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    manifest = manifest_for(records, store.info(), created, chosen)
    size = _write_zip(out, records, manifest)
    counts = manifest["counts"]
    return BackupReport(
        out,
        size,
        sum(counts["nodes"].values()),
        sum(counts["relationships"].values()),
        tuple(str(w["id"]) for w in manifest["waves"]),
        manifest["subset"],
    )


def _write_zip(out: Path, records: Records, manifest: dict[str, Any]) -> int:
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    members: dict[str, dict[str, Any]] = {}
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:

            def put(member: str, data: bytes, lines: int | None = None) -> None:
                archive.writestr(member, data)
                entry: dict[str, Any] = {"sha256": sha256(data), "bytes": len(data)}
                if lines is not None:
                    entry["lines"] = lines
                members[member] = entry

            for member, recs in records.items():
                put(member, b"".join(json_line(rec) for rec in recs), len(recs))
            put(README, readme(manifest, out.name).encode("utf-8"))
            crate = ro_crate(manifest, members)
            put(RO_CRATE, crate.encode("utf-8"))
            manifest["members"] = members
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())  # the archive is on the disk before it takes the name asked for
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out.stat().st_size
