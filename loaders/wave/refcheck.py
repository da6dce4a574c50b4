"""A package's references checked against the ids it defines, with their root causes found first.

A reference to an id the package defines must name an entity of a label the column allows. One to
an id it does not define is kept for the waves it `requires` (storecheck.py looks it up there);
without `requires` it is a problem, unless a root cause explains it (causes.py): the file that
would define it could not be read, `requires` was misspelt, or a loaded wave defines the id and
only has to be required (asked of the knowledge base through `definers`, when one is given).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any, TypeVar

from kb.errors import Problem, shorten
from loaders.wave.causes import Definers, Tally, defined_elsewhere
from loaders.wave.manifest import MANIFEST, Manifest
from loaders.wave.record_blocks import Parts, RelBlock
from loaders.wave.records import NodeRecord, RefUse, RelRecord
from loaders.wave.spec import MAX_ID_LENGTH, NODE_FILES, Column, RelFile

FILE_OF_LABEL = {spec.label: spec.file for spec in NODE_FILES}
Record = TypeVar("Record", NodeRecord, RelRecord)


def a_label(names: tuple[str, ...] | str) -> str:
    """'a Site', 'an Initiative or CommissioningModel': a label (or alternatives) with its article."""
    text = names if isinstance(names, str) else " or ".join(names)
    return ("an " if text[0] in "AEIOU" else "a ") + text


def not_defined(ref: RefUse) -> Problem:
    where = " or ".join(FILE_OF_LABEL[label] for label in ref.labels)
    return Problem(
        ref.file,
        f"'{shorten(ref.id, MAX_ID_LENGTH)}' is not defined in this package; define it in {where}, or list "
        "the wave that defines it under 'requires' in wave.yaml",
        row=ref.row,
        column=ref.column,
    )


def explain_unresolved(refs: list[RefUse], definers: Definers | None, tallies: list[Tally]) -> list[RefUse]:
    """References into loaded waves the package does not require become one cause per wave (the first
    reference) counting the rest (`tallies`); the references no loaded wave defines are returned."""
    found = definers([(ref.id, ref.labels) for ref in refs]) if definers and refs else {}
    by_waves: dict[tuple[str, ...], Tally] = {}
    missing: list[RefUse] = []
    for ref in refs:
        waves = found.get(ref.id)
        if not waves:
            missing.append(ref)
        elif waves in by_waves:
            by_waves[waves].count += 1
        else:
            located = Problem(ref.file, "", row=ref.row, column=ref.column)
            by_waves[waves] = defined_elsewhere(located, ref.id, waves, MANIFEST)
            tallies.append(by_waves[waves])
    return missing


class RefChecker:
    """Resolves references against the package, collecting problems and the ones to find elsewhere."""

    def __init__(
        self,
        index: dict[str, NodeRecord],
        manifest: Manifest,
        problems: list[Problem],
        unconverted: frozenset[str] = frozenset(),
        unreadable: dict[str, Tally] | None = None,
    ):
        self.index, self.requires, self.problems = index, manifest.requires, problems
        self.unconverted = unconverted  # labels whose entities may be in coded data that failed to convert
        self.unreadable = unreadable or {}  # label -> the cause that kept the file defining it from being read
        self.misspelt_requires = manifest.misspelt_key("requires")
        self.external: list[RefUse] = []
        self.unresolved: list[RefUse] = []  # not in the package, and no `requires` to look in

    def check(self, file: str, row: int | None, column: str | None, target: str, labels: tuple[str, ...]) -> None:
        record = self.index.get(target)
        cause = next((self.unreadable[label] for label in labels if label in self.unreadable), None)
        if record is not None:
            if record.spec.label not in labels:
                self.problems.append(
                    Problem(
                        file,
                        f"'{shorten(target, MAX_ID_LENGTH)}' is {a_label(record.spec.label)} ({record.source}), but "
                        f"this refers to {a_label(labels)}; use the id of {a_label(labels)}",
                        row=row,
                        column=column,
                    )
                )
        elif self.unconverted & set(labels):
            return  # the coded data's own problems are reported; a missing id here would only repeat them
        elif cause is not None:
            cause.count += 1
        elif self.requires:
            self.external.append(RefUse(file, row, column, target, labels))
        elif self.misspelt_requires is not None:
            self.misspelt_requires.count += 1
        else:
            self.unresolved.append(RefUse(file, row, column, target, labels))

    def cell(self, file: str, row: int, column: Column, value: Any) -> None:
        for target in value if isinstance(value, tuple) else (value,):
            self.check(file, row, column.name, target, column.ref)

    def finish(self, definers: Definers | None, tallies: list[Tally]) -> None:
        """Report the references found nowhere, after those a loaded wave defines (see explain_unresolved)."""
        self.problems += [not_defined(ref) for ref in explain_unresolved(self.unresolved, definers, tallies)]


def _runs(records: Sequence[Record]) -> Iterator[Sequence[Record]]:
    """The records in runs of one file's (consecutive records of one spec)."""
    for _, run in groupby(records, key=lambda record: id(record.spec)):
        yield list(run)


def _targets(values: Iterable[Any]) -> set[str]:
    """The ids a column's values name (a refs value names several)."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, tuple):
            found.update(value)
        elif value is not None:
            found.add(value)
    return found


def _all_defined(refs: RefChecker, targets: set[str], labels: tuple[str, ...]) -> bool:
    """Whether every target is defined in the package with one of `labels`: then checking each
    reference one by one would find nothing to report and nothing to look up elsewhere."""
    index = refs.index
    for target in targets:
        record = index.get(target)
        if record is None or record.spec.label not in labels:
            return False
    return True


def _node_run_defined(refs: RefChecker, run: Sequence[NodeRecord]) -> bool:
    columns = [column for column in run[0].spec.columns if column.type in ("ref", "refs")]
    return all(_all_defined(refs, _targets(r.typed[c.name] for r in run), c.ref) for c in columns)


def _rel_run_defined(refs: RefChecker, spec: RelFile, starts: Iterable[str], ends: Iterable[str | None]) -> bool:
    if not _all_defined(refs, set(starts), spec.start.ref):
        return False
    return spec.end.type == "wave" or _all_defined(refs, {end for end in ends if end is not None}, spec.end.ref)


def _rel_runs(rels: Sequence[RelRecord]) -> Iterator[Sequence[RelRecord]]:
    """Runs of one file's relationships: a block (record_blocks.py) is one, kept as columns."""
    for part in rels.parts if isinstance(rels, Parts) else [rels]:
        if isinstance(part, RelBlock):
            yield part
        else:
            yield from _runs(part)


def _run_defined(refs: RefChecker, run: Sequence[RelRecord]) -> bool:
    if isinstance(run, RelBlock):
        return _rel_run_defined(refs, run.spec, run.starts, run.ends)
    return _rel_run_defined(refs, run[0].spec, (rel.start for rel in run), (rel.end for rel in run))


def check_refs(refs: RefChecker, nodes: list[NodeRecord], rels: Sequence[RelRecord], manifest: Manifest) -> None:
    """Check every reference of the package: link columns, relationship ends and the manifest's ids.

    A file whose references all name entities the package defines, with the right labels, is
    checked by its distinct ids at once; any other is checked reference by reference, in order, so
    problems and the references to look up elsewhere come out as they always did."""
    for node_run in _runs(nodes):
        if _node_run_defined(refs, node_run):
            continue
        for record in node_run:
            for column in record.spec.columns:
                if column.type in ("ref", "refs") and record.typed[column.name] is not None:
                    refs.cell(record.file, record.row, column, record.typed[column.name])
    for rel_run in _rel_runs(rels):
        if _run_defined(refs, rel_run):
            continue
        for rel in rel_run:
            refs.cell(rel.file, rel.row, rel.spec.start, rel.start)
            if rel.end is not None:
                refs.cell(rel.file, rel.row, rel.spec.end, rel.end)
    for publication in manifest.publications:
        refs.check(MANIFEST, None, None, publication, ("Publication",))
    for citation in manifest.citations:
        refs.check(MANIFEST, None, None, citation.cited_by, ("Publication",))
