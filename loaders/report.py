"""What a load did: one typed, frozen report for every loader.

Wave packages, .qdpx projects (converted to a package, then loaded), reference lists loaded with
`kb load FILE --cited-by ID` and each package of the demo all return a `LoadReport`:

    kind        'wave' (a wave package or a converted .qdpx) or 'references' (a reference list on its own)
    status      'loaded' (new), 'updated' (replaced an earlier version) or 'unchanged' (nothing changed)
    wave        the wave the load concerns (None: a reference list loaded without a wave)
    study       that wave's study (None: a reference list on its own)
    changes     created / updated / removed, each label or relationship type -> count
    warnings    what the readers could not settle cleanly; the rest loaded (LoadWarning)
    source      the file or folder named, and the sha256 over its files (None where none is kept)
    shared      label -> entities of the package that other loaded waves already defined
    measured    'participants' / 'sites' given survey network measures (empty when none were)
    references  each reference list the load read, in order (ReferenceList)
    citations   the cited works after the load resolved every citation (None when it read no list)

An update reports what it changed element by element (a one-cell correction is one updated
element, see loaders/wave/changes.py); an unchanged reload reports no changes at all. `as_dict()`
is the JSON form `kb load --format json` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from kb.errors import KBError, Problem, ValidationError, shorten

Kind = Literal["wave", "references"]
Status = Literal["loaded", "updated", "unchanged"]
Counts = Mapping[str, int]


def _frozen(counts: Counts) -> Counts:
    return MappingProxyType(dict(sorted(counts.items())))


@dataclass(frozen=True)
class LoadWarning:
    """Something a reader could not settle cleanly while the rest loaded.

    `message` reads on its own; `count`, when given, is the number of items it stands for (the
    message states it too), for a program to add up. `file`, `row` and `column` locate it when
    the input allows.
    """

    message: str
    count: int | None = None
    file: str | None = None
    row: int | None = None
    column: str | None = None

    @classmethod
    def of(cls, problem: Problem) -> LoadWarning:
        """A reader's located problem, kept as a warning because the rest of its input loaded."""
        return cls(problem.message, file=problem.file, row=problem.row, column=problem.column)

    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{shorten(self.column)}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "count": self.count, "file": self.file, "row": self.row, "column": self.column}


@dataclass(frozen=True)
class Changes:
    """What a load changed, per label and relationship type."""

    created: Counts = field(default_factory=dict)
    updated: Counts = field(default_factory=dict)
    removed: Counts = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("created", "updated", "removed"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated), "removed": dict(self.removed)}

    def any(self) -> bool:
        """Whether anything was created, updated or removed."""
        return any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())


@dataclass(frozen=True)
class Source:
    """Where a load came from: the path given, and the sha256 over its files (None when not kept)."""

    path: str
    hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "hash": self.hash}


@dataclass(frozen=True)
class ReferenceList:
    """How one reference list loaded: its entries and how they resolved into works."""

    file: str
    format: str
    cited_by: str  # the id of the citing Publication
    citations: int  # entries loaded as CITES relationships
    replaced: int  # citations of an earlier load of the same file for the same publication
    works_in_list: int  # distinct works the entries resolved to
    duplicates_in_list: int  # entries that resolved to a work the list already cites
    shared_with_other_lists: int  # of its works, those other loaded lists cite too

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CitationGraph:
    """The cited works after a load resolved every citation in the knowledge base again."""

    works: int
    works_created: int
    works_removed: int
    authors: int
    possibly_same: int  # pairs of works left for a reviewer (`kb citations review`)
    conflicts: tuple[str, ...] = ()  # reviewers' decisions that cannot all hold

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "conflicts": list(self.conflicts)}


@dataclass(frozen=True)
class LoadReport:
    """What one load did; see the module docstring for each field."""

    kind: Kind
    status: Status
    wave: str | None
    study: str | None
    source: Source
    changes: Changes = field(default_factory=Changes)
    warnings: tuple[LoadWarning, ...] = ()
    shared: Counts = field(default_factory=dict)
    measured: Counts = field(default_factory=dict)
    references: tuple[ReferenceList, ...] = ()
    citations: CitationGraph | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shared", _frozen(self.shared))
        object.__setattr__(self, "measured", _frozen(self.measured))

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: wave, status, changes and warnings first, then what callers need besides."""
        return {
            "wave": self.wave,
            "status": self.status,
            "changes": self.changes.as_dict(),
            "warnings": [warning.as_dict() for warning in self.warnings],
            "kind": self.kind,
            "study": self.study,
            "source": self.source.as_dict(),
            "shared": dict(self.shared),
            "measured": dict(self.measured),
            "references": [reference.as_dict() for reference in self.references],
            "citations": self.citations.as_dict() if self.citations else None,
        }


def refusal(error: KBError) -> dict[str, Any]:
    """A load or validation that did not happen, in the JSON form `--format json` prints:
    `{"status": "refused", "problems": [{"file", "row", "column", "message"}]}` for bad input or
    usage (exit code 2), status "failed" for a runtime failure (exit code 1)."""
    if isinstance(error, ValidationError):
        problems = [problem.as_dict() for problem in error.problems]
    else:
        problems = [{"file": None, "row": None, "column": None, "message": str(error)}]
    return {"status": "refused" if error.exit_code == 2 else "failed", "problems": problems}
