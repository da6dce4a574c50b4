"""Write a validated package in one atomic unit: all of the wave becomes visible at once, or none of it.

Inside the unit: a wave already loaded from the same source hash is left alone (`unchanged`); one
loaded from a different hash is removed first (as unload does) and written again (`updated`). The
checks against the knowledge base run inside the same unit, so they see exactly what is written
against. Labels and types reach the Cypher only through kb.schema.label() / rel_type(). After the
package's rows, the survey network measures of its advice ties are written (measures.py) and its
reference lists are loaded (references.py), so they appear and disappear with the wave.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kb.errors import QueryError, ValidationError
from kb.schema import label
from kb.store.base import Store, Writer
from loaders.wave.measures import Measured, measure_wave
from loaders.wave.plan import WritePlan, build_plan
from loaders.wave.records import ValidatedPackage
from loaders.wave.references import write_reference_lists
from loaders.wave.remove import refuse_if_required, remove_wave
from loaders.wave.storecheck import check_against_store, wave_conflict, wave_props

BATCH_SIZE = 2000
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class LoadReport:
    """What one load did: `status` is 'loaded', 'unchanged' or 'updated'."""

    wave_id: str
    study: str
    status: str
    created: Mapping[str, int] = field(default_factory=dict)  # label or relationship type -> count
    removed: Mapping[str, int] = field(default_factory=dict)  # the previous version's facts (an update)
    shared: Mapping[str, int] = field(default_factory=dict)  # label -> entities other waves already defined
    source_hash: str = ""
    measured: Mapping[str, int] = field(default_factory=dict)  # participants / sites given survey measures
    warnings: tuple[str, ...] = ()  # what converting coded qualitative data could not settle cleanly

    def as_dict(self) -> dict[str, Any]:
        return {
            "wave_id": self.wave_id,
            "study": self.study,
            "status": self.status,
            "created": dict(self.created),
            "removed": dict(self.removed),
            "shared": dict(self.shared),
            "source_hash": self.source_hash,
            "measured": dict(self.measured),
            "warnings": list(self.warnings),
        }


class _Progress:
    def __init__(self, total: int, callback: Progress | None):
        self.done, self.total, self.callback = 0, total, callback

    def step(self, stage: str) -> Callable[[int], None]:
        def advance(rows: int) -> None:
            self.done += rows
            if self.callback:
                self.callback(self.done, self.total, stage)

        return advance


def _expect(created: int, expected: int, what: str) -> None:
    # Validation guarantees every end exists; a shortfall means the store changed underneath us.
    if created != expected:
        raise QueryError(f"wrote {created} of {expected} {what}; the load was rolled back, run it again")


def _write_nodes(w: Writer, plan: WritePlan, progress: _Progress) -> dict[str, int]:
    groups: list[tuple[str, tuple[dict, ...]]] = [("Study", (dict(plan.study),))] if plan.study else []
    groups += [("Wave", (dict(plan.wave),)), *plan.nodes.items()]
    created: dict[str, int] = {}
    for name, rows in groups:
        _expect(w.create_nodes(name, rows, progress.step("nodes")), len(rows), f"{name} nodes")
        created[name] = len(rows)
    for name, ids in plan.shared.items():
        cypher = f"UNWIND $rows AS row MATCH (n:{label(name)} {{id: row.id}}) SET n.waves = n.waves + [row.wave]"
        w.run_batches(cypher, ({"id": i, "wave": plan.wave_id} for i in ids), BATCH_SIZE, progress.step("nodes"))
    return created


def _write_relationships(w: Writer, plan: WritePlan, progress: _Progress) -> dict[str, int]:
    created: dict[str, int] = {}
    for (rel, start, end), rows in plan.relationships.items():
        count = w.create_relationships(rel, start, end, rows, progress.step("relationships"))
        _expect(count, len(rows), f"{rel} relationships from {start} to {end}")
        created[rel] = created.get(rel, 0) + len(rows)
    return created


def _finish_wave(w: Writer, plan: WritePlan, created: dict[str, int], source_hash: str) -> None:
    cypher = (
        f"MATCH (w:{label('Wave')} {{id: $id}}) SET w.status = 'loaded', w.loaded_at = $loaded_at, "
        "w.source_hash = $source_hash, w.counts = $counts"
    )
    loaded_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    w.run(
        cypher,
        {
            "id": plan.wave_id,
            "loaded_at": loaded_at,
            "source_hash": source_hash,
            "counts": json.dumps(created, sort_keys=True),
        },
    )


def _write(
    w: Writer, pkg: ValidatedPackage, on_progress: Progress | None
) -> tuple[dict[str, int], dict[str, int], Measured]:
    plan = build_plan(pkg, check_against_store(w, pkg))
    progress = _Progress(plan.total(), on_progress)
    created = _write_nodes(w, plan, progress)
    created.update(_write_relationships(w, plan, progress))
    # The plan's ADVISED_BY rows are exactly the wave's ties (an update removed the old ones first),
    # so the measures need not read them back.
    measured = measure_wave(w, plan.wave_id, on_progress, ties=plan.ends_of("ADVISED_BY"))
    if measured.observations_created:
        created["OBSERVED_IN"] = created.get("OBSERVED_IN", 0) + measured.observations_created
    for name, count in write_reference_lists(w, pkg).items():
        created[name] = created.get(name, 0) + count
    _finish_wave(w, plan, created, pkg.source_hash)
    progress.step("wave")(0)
    return dict(sorted(created.items())), {name: len(ids) for name, ids in sorted(plan.shared.items())}, measured


def unchanged_report(
    existing: dict | None, wave_id: str, study_id: str, source_hash: str, warnings: tuple[str, ...] = ()
) -> LoadReport | None:
    """The 'unchanged' report when the loaded wave (`existing`, its properties) came from `source_hash`."""
    if existing and existing.get("source_hash") == source_hash and existing.get("status") == "loaded":
        counts = json.loads(existing.get("counts") or "{}")
        return LoadReport(wave_id, study_id, "unchanged", counts, {}, {}, source_hash, {}, warnings)
    return None


def _unchanged(existing: dict | None, pkg: ValidatedPackage) -> LoadReport | None:
    return unchanged_report(existing, pkg.wave_id, pkg.study_id, pkg.source_hash, pkg.warnings)


def write_package(store: Store, pkg: ValidatedPackage, on_progress: Progress | None = None) -> LoadReport:
    """Load `pkg` into `store` in one atomic unit; see the module docstring for reloads."""
    # An unchanged wave is recognised on the read path first, so a reload costs no copy of the graph;
    # the same check inside the unit settles a race with another loader.
    unchanged = _unchanged(wave_props(store, pkg.wave_id), pkg)
    if unchanged:
        return unchanged
    with store.atomic() as w:
        existing = wave_props(w, pkg.wave_id)
        unchanged = _unchanged(existing, pkg)
        if unchanged:
            return unchanged
        removed: dict[str, int] = {}
        if existing:
            conflict = wave_conflict(existing, pkg.manifest)
            if conflict:
                raise ValidationError([conflict])
            refuse_if_required(w, pkg.wave_id, "update")
            removed = remove_wave(w, pkg.wave_id, on_progress)
        created, shared, measured = _write(w, pkg, on_progress)
    status = "updated" if existing else "loaded"
    return LoadReport(
        pkg.wave_id,
        pkg.study_id,
        status,
        created,
        removed,
        shared,
        pkg.source_hash,
        measured.as_dict() if measured.participants or measured.sites else {},
        pkg.warnings,
    )
