"""`restore`: an archive into a knowledge base on either engine, checked in full before anything is written.

Order of work, so that a bad archive writes nothing:
1. read the manifest and refuse an archive of another format or knowledge model (format.check_manifest);
2. read every member and compare its SHA-256 with the manifest's; refuse a missing, extra or
   changed member;
3. parse every line and check its labels and types against kb.schema (labels never come from the
   archive: each name is looked up in the schema, and an unknown one is refused);
4. refuse a target that holds anything, unless `replace` is given;
5. one atomic unit: delete what the target holds (with `replace`), create the nodes, then the
   relationships, and compare the counts with the manifest's before the unit is published.
Readers see the old knowledge base until the unit is published, then the restored one.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb import schema, status
from kb.backup.format import (
    MANIFEST,
    NODES_DIR,
    RELS_DIR,
    ArchiveError,
    Progress,
    Records,
    check_manifest,
    node_member,
    rel_member,
    sha256,
)
from kb.errors import QueryError, UsageError
from kb.store.base import Store, Writer


@dataclass(frozen=True)
class RestoreReport:
    source: Path
    nodes: int
    relationships: int
    replaced_nodes: int
    replaced_relationships: int
    waves: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "nodes": self.nodes,
            "relationships": self.relationships,
            "replaced_nodes": self.replaced_nodes,
            "replaced_relationships": self.replaced_relationships,
            "waves": list(self.waves),
        }


def read_archive(path: Path) -> tuple[dict[str, Any], Records]:
    """The manifest and records of a verified archive; ArchiveError naming the first problem."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path} is not a readable zip archive ({exc}); nothing was restored") from None
    with archive:
        try:
            manifest = check_manifest(json.loads(archive.read(MANIFEST)), str(path))
        except KeyError:
            raise ArchiveError(f"{path} has no {MANIFEST}; it is not a ccg-kb archive") from None
        except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise ArchiveError(f"{path}: {MANIFEST} cannot be read ({exc}); nothing was restored") from None
        listed = manifest["members"]
        present = set(archive.namelist()) - {MANIFEST}
        extra = sorted(present - set(listed))
        if extra:
            raise ArchiveError(f"{path} holds {extra[0]}, which its manifest does not list; nothing was restored")
        contents: dict[str, bytes] = {}
        for member, entry in sorted(listed.items()):
            if member not in present:
                raise ArchiveError(f"{path} lacks {member}, which its manifest lists; nothing was restored")
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError) as exc:  # a damaged member fails the zip's own CRC
                raise ArchiveError(f"{path}: {member} is damaged ({exc}); nothing was restored") from None
            if sha256(data) != entry["sha256"]:
                raise ArchiveError(
                    f"{path}: {member} does not match its checksum in the manifest (changed or damaged); "
                    "nothing was restored"
                )
            contents[member] = data
    return manifest, _parse(path, contents)


def _parse(path: Path, contents: dict[str, bytes]) -> Records:
    records: Records = {}
    for member, data in contents.items():
        if member.startswith(NODES_DIR):
            expected = _schema_member(path, member, NODES_DIR, schema.label_names(), node_member)
        elif member.startswith(RELS_DIR):
            expected = _schema_member(path, member, RELS_DIR, schema.rel_names(), rel_member)
        else:
            continue
        parsed = []
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            where = f"{path}: {member} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ArchiveError(f"{where} is not JSON ({exc.msg}); nothing was restored") from None
            _check_record(record, member, expected, where)
            parsed.append(record)
        records[member] = parsed
    return records


def _schema_member(path: Path, member: str, folder: str, names: list[str], named: Callable[[str], str]) -> str:
    name = member[len(folder) : -len(".jsonl")] if member.endswith(".jsonl") else ""
    if name not in names:
        what = "label" if folder == NODES_DIR else "relationship type"
        raise ArchiveError(
            f"{path}: {member} is not a {what} of this knowledge model (see `kb schema`); nothing was restored"
        )
    return name if named(name) == member else ""


def _check_record(record: Any, member: str, name: str, where: str) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("properties"), dict):
        raise ArchiveError(f"{where} has no 'properties' object; nothing was restored")
    if member.startswith(NODES_DIR):
        labels = record.get("labels")
        if record.get("id") is None or record["properties"].get(schema.KEY) != record["id"]:
            raise ArchiveError(f"{where}: the node has no id, or one unlike its properties' id; nothing was restored")
        if not isinstance(labels, list) or name not in labels or not all(lab in schema.label_names() for lab in labels):
            raise ArchiveError(
                f"{where}: labels {labels!r} are not {name} and labels of the model; nothing was restored"
            )
        return
    spec = next(s for s in schema.RELATIONSHIPS if s.name == name)
    if record.get("type") != name or record.get("start") is None or record.get("end") is None:
        raise ArchiveError(f"{where}: not a {name} relationship with a start and an end id; nothing was restored")
    if record.get("start_label") not in spec.start or record.get("end_label") not in schema.label_names():
        raise ArchiveError(
            f"{where}: a {name} relationship cannot run from {record.get('start_label')!r} to "
            f"{record.get('end_label')!r}; nothing was restored"
        )


def restore(store: Store, path: Path, replace: bool = False, on_progress: Progress | None = None) -> RestoreReport:
    """Restore the archive at `path` into `store` in one atomic unit (see the module docstring)."""
    manifest, records = read_archive(path)
    before = status.counts(store)
    held_nodes, held_rels = sum(before["nodes"].values()), sum(before["relationships"].values())
    if (held_nodes or held_rels) and not replace:
        raise UsageError(
            f"the target knowledge base is not empty ({held_nodes} nodes, {held_rels} relationships); "
            "restore into an empty one, or add --replace to replace everything it holds; nothing was restored"
        )
    with store.atomic() as unit:
        if held_nodes:
            _delete_all(unit)
        _create(unit, records, on_progress)
        _check_counts(unit, manifest)
    counts = manifest["counts"]
    return RestoreReport(
        Path(path),
        sum(counts["nodes"].values()),
        sum(counts["relationships"].values()),
        held_nodes if replace else 0,
        held_rels if replace else 0,
        tuple(str(w["id"]) for w in manifest.get("waves") or []),
    )


def delete_statements() -> list[str]:
    """What `--replace` deletes with, label by label (nothing without a label of the model is touched)."""
    return [f"MATCH (n:{schema.label(name)}) DETACH DELETE n" for name in schema.label_names()]


def _delete_all(unit: Writer) -> None:
    for statement in delete_statements():
        unit.run(statement)


def _create(unit: Writer, records: Records, on_progress: Progress | None) -> None:
    for name in schema.label_names():
        member = node_member(name)
        recs = records.get(member, [])
        if recs:
            unit.create_nodes(name, [rec["properties"] for rec in recs], _counter(member, len(recs), on_progress))
        for rec in recs:  # a node with more than one label of the model (none the loaders write today)
            for other in rec["labels"]:
                if other != name:
                    unit.run(
                        f"MATCH (n:{schema.label(name)} {{id: $id}}) SET n:{schema.label(other)}", {"id": rec["id"]}
                    )
    for spec in schema.RELATIONSHIPS:
        member = rel_member(spec.name)
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for rec in records.get(member, []):
            row = {"start": rec["start"], "end": rec["end"], "props": rec["properties"]}
            groups.setdefault((rec["start_label"], rec["end_label"]), []).append(row)
        on_batch = _counter(member, len(records.get(member, [])), on_progress)
        for (start, end), rows in groups.items():
            unit.create_relationships(spec.name, start, end, rows, on_batch)


def _counter(member: str, total: int, on_progress: Progress | None) -> Callable[[int], None] | None:
    """A writer's on_batch callback that reports a member's progress as (done, total, member)."""
    if on_progress is None:
        return None
    report = on_progress
    done = 0

    def on_batch(size: int) -> None:
        nonlocal done
        done += size
        report(done, total, member)

    return on_batch


def _check_counts(unit: Writer, manifest: dict[str, Any]) -> None:
    """The unit holds what the manifest counts, or it is not published."""
    found = status.counts(unit)
    for kind in ("nodes", "relationships"):
        for name, expected in manifest["counts"][kind].items():
            got = found[kind].get(name)
            if got != expected:
                raise QueryError(
                    f"the restore made {got} {name} {kind} where the archive holds {expected}; it was rolled back "
                    "and nothing was changed"
                )
