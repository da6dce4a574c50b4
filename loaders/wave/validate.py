"""Validate a package without a database: cell types, required cells, ids and references.

Every problem is collected before anything is raised, so a data steward sees them all at once.
References to entities the package does not define are kept as `external_refs` when the manifest
`requires` other waves (storecheck.py looks them up there); without `requires` they are problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from kb.errors import Problem, ValidationError, shorten
from kb.schema import LABELS
from loaders.wave.arrow_memory import file_pool
from loaders.wave.causes import Definers, Tally, root_causes_first
from loaders.wave.column_records import NotPlain, node_records, rel_records
from loaders.wave.columns import NotColumnar, stream_column_batches
from loaders.wave.manifest import Manifest
from loaders.wave.node_rows import NodeRecords, ReadAgain, kept_columns
from loaders.wave.package import PackageContent, read_package
from loaders.wave.reader import CsvRow, CsvTable, file_columns
from loaders.wave.record_blocks import Parts, RelBlock, records_of
from loaders.wave.records import NodeRecord, RelRecord, ValidatedPackage
from loaders.wave.refcheck import FILE_OF_LABEL, RefChecker, a_label, check_refs
from loaders.wave.spec import MAX_ID_LENGTH, Column, NodeFile, RelFile

__all__ = ["ATTACHING", "FILE_OF_LABEL", "a_label", "read_and_validate", "validate_content"]
from loaders.wave.values import CellError, parse_cell

ATTACHING = frozenset({"Participant", "Site"})  # labels whose entities coded data may name instead of define
INDEXED = {spec.name: spec.indexed for spec in LABELS}  # properties the knowledge base indexes, per label
# Whether a file whose header is in order is first read column by column (columns.py); the row path
# alone is kept for comparison: the tests load the same package both ways and compare the graphs.
COLUMNAR = True


def _typed(
    row: CsvRow, columns: Iterable[Column], present: tuple[str, ...], problems: list[Problem]
) -> tuple[dict[str, Any], bool]:
    """Every column's typed value (None when empty, absent or wrong) and whether all cells were right."""
    values: dict[str, Any] = {}
    ok = True
    for column in columns:
        raw = row.cells.get(column.name, "")
        try:
            value = parse_cell(column, raw)
        except CellError as exc:
            problems.append(Problem(row.file, str(exc), row=row.row, column=column.name))
            values[column.name], ok = None, False
            continue
        values[column.name] = tuple(value) if isinstance(value, list) else value  # records stay immutable
        if column.required and column.name in present and value is None:
            problems.append(Problem(row.file, "a value is required; fill in the cell", row=row.row, column=column.name))
            ok = False
    return values, ok


def _node(
    row: CsvRow, table: CsvTable, spec: NodeFile, study_id: str | None, problems: list[Problem]
) -> NodeRecord | None:
    # A row with a wrong cell still defines its id, so references to it do not add follow-on
    # problems; the package is refused anyway, so the record is never written.
    values, _ = _typed(row, spec.columns, table.columns, problems)
    if values.get("id") is None:
        return None
    if study_id and not values["id"].startswith(study_id + ":"):
        problems.append(
            Problem(
                row.file,
                f"'{values['id']}' does not start with '{study_id}:'; ids of this package "
                f"are namespaced by study.id, e.g. {study_id}:site:a",
                row=row.row,
                column="id",
            )
        )
        return None
    return NodeRecord(spec, row.row, values, row.origin)


def _rel(row: CsvRow, table: CsvTable, spec: RelFile, problems: list[Problem]) -> RelRecord | None:
    values, ok = _typed(row, file_columns(spec), table.columns, problems)
    if not ok:
        return None
    start = values.pop(spec.start.name)
    end = values.pop(spec.end.name) if spec.end.type != "wave" else None
    if start is None or (end is None and spec.end.type != "wave"):
        return None  # a missing required column, already reported at the header
    if spec.distinct_ends and start == end:
        problems.append(
            Problem(
                row.file,
                f"'{shorten(end, MAX_ID_LENGTH)}' names the {spec.start.name} themself; "
                f"a tie links two different people, so name someone else or delete the row",
                row=row.row,
                column=spec.end.name,
            )
        )
        return None
    return RelRecord(spec, row.row, start, end, values, row.origin)


def _attaches(record: NodeRecord, first: NodeRecord | None, mapped: frozenset[str]) -> bool:
    """Whether a row converted from coded data names an entity defined elsewhere (a participant or
    site of the package's own files, or of a wave it requires) rather than defining it: its id is
    already defined with its label, or the manifest maps a case to it (qdpx.cases.participants)."""
    if record.origin is None or record.spec.label not in ATTACHING:
        return False
    return (first is not None and first.spec.label == record.spec.label) or (
        first is None and record.spec.label == "Participant" and record.id in mapped
    )


def _index(
    nodes: list[NodeRecord], problems: list[Problem], mapped: frozenset[str] = frozenset()
) -> tuple[dict[str, NodeRecord], list[NodeRecord]]:
    """Each defined id's record, and the converted rows that attach to an entity defined elsewhere
    (see _attaches); any other second definition is a problem naming both rows."""
    index: dict[str, NodeRecord] = {}
    attached: list[NodeRecord] = []
    for record in nodes:
        first = index.get(record.id)
        if _attaches(record, first, mapped):
            attached.append(record)
        elif first is None:
            index[record.id] = record
        else:
            problems.append(
                Problem(
                    record.file,
                    f"'{record.id}' is already defined in {first.source}; "
                    "give each entity its own id, or delete one of the rows",
                    row=record.row,
                    column="id",
                )
            )
    return index, attached


def _self_references(nodes: list[NodeRecord], problems: list[Problem]) -> None:
    """A region `part_of` itself or a theme its own `parent` would make a loop of one."""
    links: dict[int, list[Column]] = {}  # id(spec) -> its ref and refs columns, found once per file
    for record in nodes:
        columns = links.get(id(record.spec))
        if columns is None:
            columns = links[id(record.spec)] = [c for c in record.spec.columns if c.type in ("ref", "refs")]
        for column in columns:
            value = record.typed.get(column.name)
            targets = value if isinstance(value, tuple) else (value,)
            if record.id in targets:
                problems.append(
                    Problem(
                        record.file,
                        f"'{record.id}' refers to itself; name another entity or leave the cell empty",
                        row=record.row,
                        column=column.name,
                    )
                )


def _indexed_lengths(nodes: list[NodeRecord], problems: list[Problem]) -> None:
    """Indexed values (a publication's doi) are looked up like ids, and held to the same length: the
    embedded store refuses long indexed strings, and index keys have size limits on every engine."""
    for record in nodes:
        for name in INDEXED.get(record.spec.label, ()):
            value = record.typed.get(name)
            if isinstance(value, str) and len(value) > MAX_ID_LENGTH:
                problems.append(
                    Problem(
                        record.file,
                        f"'{shorten(value)}' is {len(value)} characters long; '{name}' is "
                        f"indexed and may have at most {MAX_ID_LENGTH} characters",
                        row=record.row,
                        column=name,
                    )
                )


def _one_row_per_start(rels: Parts[RelRecord], problems: list[Problem]) -> None:
    """Files whose rows describe the loading wave (site_observations.csv) take one row per start entity."""
    seen: dict[tuple[str, str], RelRecord] = {}
    for rel in records_of(rels, lambda spec: spec.end.type == "wave"):
        first = seen.setdefault((rel.spec.file, rel.start), rel)
        if first is not rel:
            problems.append(
                Problem(
                    rel.file,
                    f"'{rel.start}' already has a row ({first.source}); this file takes "
                    "one row per entity for the wave, so merge the rows",
                    row=rel.row,
                    column=rel.spec.start.name,
                )
            )


def _distinct_block(block: RelBlock) -> bool:
    """Whether no two rows of the block have the same ends and `unique_by` values: told by one
    hash per row (equal rows hash alike), so no key is kept per row; False when two rows hash
    alike, and the rows are then compared one by one."""
    keys = zip(block.starts, block.ends, *(block.typed[name] for name in block.spec.unique_by), strict=True)
    try:
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(block))
    except TypeError:  # a value that cannot be hashed: compare the rows
        return False
    hashes.sort()
    return not bool((hashes[1:] == hashes[:-1]).any())


def _repeated_rows(rels: Parts[RelRecord], problems: list[Problem]) -> None:
    """Files with `unique_by` (advice_ties.csv) take each tie once: no two rows with the same ends
    and the same values in those columns (a relation)."""
    seen: dict[tuple[Any, ...], RelRecord] = {}
    for part in rels.parts:
        if isinstance(part, RelBlock) and (not part.spec.unique_by or _distinct_block(part)):
            continue  # a file of ties each given once: nothing to report, and no key made per row
        for rel in part:
            if not rel.spec.unique_by:
                continue
            key = (rel.spec.file, rel.start, rel.end, *(rel.typed.get(name) for name in rel.spec.unique_by))
            first = seen.setdefault(key, rel)
            if first is not rel:
                named = ", ".join((rel.spec.start.name, rel.spec.end.name, *rel.spec.unique_by))
                problems.append(
                    Problem(
                        rel.file,
                        f"repeats the tie of row {first.row} (the same {named}); keep one of the two rows",
                        row=rel.row,
                        column=rel.spec.end.name,
                    )
                )


class _Records:
    """Typed records of a package's tables, made table by table (or row by row as they are read)."""

    def __init__(self, path: Path | None = None) -> None:
        self.nodes: list[NodeRecord] = []
        self.rels: Parts[RelRecord] = Parts()  # blocks of the files read by columns, records of the others
        self.problems: list[Problem] = []
        self.unreadable: dict[str, Tally] = {}  # label -> why the file defining it could not be read
        # node files read by columns, kept light and read again for the write (node_rows.py); only
        # for a package read from its path, which the write can read again
        self.path = path
        self.again: dict[str, ReadAgain] = {}

    def add(self, table: CsvTable, manifest: Manifest | None) -> None:
        study_id = manifest.study_id if manifest else None
        spec = table.spec
        if table.cause is not None and isinstance(spec, NodeFile):
            follows = f"references to the ids {spec.file} would define"
            self.unreadable[spec.label] = Tally(table.cause, follows, "fix the file and validate again")
        if COLUMNAR and table.source is not None and self._add_columns(table, study_id):
            return
        if isinstance(spec, NodeFile):
            for row in table.rows:
                record = _node(row, table, spec, study_id, self.problems)
                if record:
                    self.nodes.append(record)
        else:
            for row in table.rows:
                rel = _rel(row, table, spec, self.problems)
                if rel:
                    self.rels.append(rel)

    def _add_columns(self, table: CsvTable, study_id: str | None) -> bool:
        """The table's records made column by column, when every cell of it is plain (column_records.py);
        False when the rows must be read one by one, to name each problem as the row path does.
        The file is read again from its start a batch of rows at a time, hashed as it is read, so
        neither its bytes nor its columns are ever all held at once."""
        source = table.source
        if source is None:
            return False
        with file_pool(), source.stream() as stream:
            batches = stream_column_batches(table.spec, stream)
            if batches is None:
                return False
            nodes: list[NodeRecord] = []
            block: RelBlock | None = None
            keep = kept_columns(table.spec) if isinstance(table.spec, NodeFile) and self.path else None
            try:
                for columns in batches:
                    if isinstance(table.spec, NodeFile):
                        nodes += node_records(columns, table.spec, study_id, keep)
                    elif block is None:
                        block = rel_records(columns, table.spec)
                    else:
                        block.extend(rel_records(columns, table.spec))
                    del columns  # the batch's Arrow columns, freed before the next is read
            except (NotPlain, NotColumnar):
                return False
            # the bytes these records were made from, all read: the package's hash is of them
            source.digest = stream.drain()
        self.nodes += nodes
        if keep is not None and self.path is not None and isinstance(table.spec, NodeFile):
            # Its other values are typed again from these very bytes for the write (node_rows.py).
            self.again[table.spec.file] = ReadAgain(self.path, table.spec, source.digest)
        if block is not None:
            block.settle()
            self.rels.add_block(block)
        return True


def validate_content(content: PackageContent, definers: Definers | None = None) -> ValidatedPackage:
    """The validated package, or ValidationError with every problem found, root causes first.
    Consumes `content.tables`; `definers` (see read_and_validate)."""
    records = _Records()
    tables = content.tables
    while tables:
        # Each table is released once its rows are records, so a package is never held twice.
        records.add(tables.pop(0), content.manifest)
    return _validated(content, records, definers)


def read_and_validate(path: str | Path, definers: Definers | None = None) -> ValidatedPackage:
    """`validate_content(read_package(path))` in one pass: each row becomes a typed record as it is
    read, so a national package is held once, as records, and never as text rows.

    `definers` (storecheck.loaded_definers) says which loaded waves define the ids the package
    refers to but neither defines nor requires, so that one line can say which wave to require."""
    records = _Records(Path(path))
    content = read_package(path, on_table=records.add)
    return _validated(content, records, definers)


def _validated(content: PackageContent, records: _Records, definers: Definers | None) -> ValidatedPackage:
    # Problems of form first, then those of the rows, in file order, then those across rows.
    problems = [*content.problems, *records.problems]
    nodes, rels = records.nodes, records.rels
    index, attached = _index(nodes, problems, _mapped_participants(content.manifest))
    attaching = {id(record) for record in attached}
    nodes = [record for record in nodes if id(record) not in attaching]
    _indexed_lengths(nodes, problems)
    _one_row_per_start(rels, problems)
    _repeated_rows(rels, problems)
    manifest = content.manifest or Manifest(None, None, None, None, None)  # unreadable: check refs as if standalone
    refs = RefChecker(index, manifest, problems, content.unconverted, records.unreadable)
    for record in attached:  # what coded data attaches to must exist, here or in a required wave
        refs.check(record.file, record.row, "id", record.id, (record.spec.label,))
    check_refs(refs, nodes, rels, manifest)
    tallies = [tally for _, tally in manifest.misspelt] + list(records.unreadable.values())
    refs.finish(definers, tallies)
    _self_references(nodes, problems)
    if problems or tallies or content.manifest is None:
        raise ValidationError(root_causes_first(problems, tallies))
    labels = MappingProxyType({record.id: record.spec.label for record in index.values()})
    return ValidatedPackage(
        content.path,
        content.manifest,
        NodeRecords(nodes, records.again),
        rels,
        labels,
        tuple(refs.external),
        content.citation_files,
        content.source_hash,
        warnings=content.warnings,
        attached=tuple(attached),
    )


def _mapped_participants(manifest: Manifest | None) -> frozenset[str]:
    """The participant ids the manifest maps coded cases to (qdpx.cases.participants)."""
    settings = manifest.qdpx.settings if manifest and manifest.qdpx else None
    return frozenset(settings.cases.participants.values()) if settings else frozenset()
