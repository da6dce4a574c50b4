"""The write steps of a load, inside its atomic unit: the plan's rows, then the finished Wave node.

`write_rows` creates the plan's new nodes (the Study when new, the Wave with status 'loading', the
package's entities), then every planned relationship, then adds the wave to the entities other
waves share; each count is checked against the rows sent. `finish_wave` marks the Wave 'loaded'
with its source hash, counts and history, last, so a unit that fails before it leaves no loaded wave.
Labels and types reach the Cypher only through kb.schema.label() / rel_type().
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from kb.errors import QueryError
from kb.schema import label
from kb.store.base import Writer
from loaders.wave.arrow_memory import file_pool
from loaders.wave.plan import WritePlan

BATCH_SIZE = 2000
Progress = Callable[[int, int, str], None]


class RowProgress:
    """Rows written so far of the plan's total, reported as `on_progress(done, total, stage)`."""

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


def _write_nodes(w: Writer, plan: WritePlan, progress: RowProgress) -> dict[str, int]:
    groups: list[tuple[str, Sequence[dict[str, Any]]]] = [("Study", (dict(plan.study),))] if plan.study else []
    groups += [("Wave", (dict(plan.wave),)), *plan.nodes.items()]
    created: dict[str, int] = {}
    for name, rows in groups:
        with file_pool():
            _expect(w.create_nodes(name, rows, progress.step("nodes")), len(rows), f"{name} nodes")
        created[name] = len(rows)
    return created


def _share_nodes(w: Writer, plan: WritePlan, progress: RowProgress) -> None:
    """Add the wave to the entities it shares with other waves (progress stage 'relationships': it
    links the wave to them). It runs after every new entity and relationship is created, being the
    first statement that is not a creation: an engine that stages new entities outside the unit's
    transaction (Neo4j, kb/store/neo4j_unit.py) can then stage all of them."""
    for name, ids in plan.shared.items():
        cypher = f"UNWIND $rows AS row MATCH (n:{label(name)} {{id: row.id}}) SET n.waves = n.waves + [row.wave]"
        rows = ({"id": i, "wave": plan.wave_id} for i in ids)
        w.run_batches(cypher, rows, BATCH_SIZE, progress.step("relationships"))


def _write_relationships(
    w: Writer, plan: WritePlan, progress: RowProgress, keys: Iterable[tuple[str, str, str]]
) -> dict[str, int]:
    created: dict[str, int] = {}
    for key in keys:
        (rel, start, end), rows = key, plan.relationships[key]
        with file_pool():  # the packer's Arrow columns (kb/store/falkor_columns.py), handed back per type
            count = w.create_relationships(rel, start, end, rows, progress.step("relationships"))
        _expect(count, len(rows), f"{rel} relationships from {start} to {end}")
        created[rel] = created.get(rel, 0) + len(rows)
    return created


def write_rows(
    w: Writer,
    plan: WritePlan,
    progress: RowProgress,
    first: Collection[str] = (),
    between: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Write the plan's nodes, then its relationships, then the wave's share of entities other waves
    define; created counts per label and relationship type.

    `between`, when given, is called once the nodes and the relationships of the types in `first`
    are written, before the others: the measures read the first ones and are computed meanwhile."""
    created = _write_nodes(w, plan, progress)
    keys = list(plan.relationships)
    counts = _write_relationships(w, plan, progress, [key for key in keys if key[0] in first])
    if between:
        between()
    for rel, count in _write_relationships(w, plan, progress, [key for key in keys if key[0] not in first]).items():
        counts[rel] = counts.get(rel, 0) + count
    created.update((rel, counts[rel]) for rel in dict.fromkeys(key[0] for key in keys))  # in the plan's order
    _share_nodes(w, plan, progress)
    return created


def finish_wave(
    w: Writer,
    wave_id: str,
    counts: Mapping[str, int],
    source_hash: str,
    history: str,
    loaded_at: str,
    progress: RowProgress,
) -> None:
    """Mark the wave loaded, with its source hash, what it holds (`counts`) and its `history` (JSON
    text, this load last): the last write of a load."""
    cypher = (
        f"MATCH (w:{label('Wave')} {{id: $id}}) SET w.status = 'loaded', w.loaded_at = $loaded_at, "
        "w.source_hash = $source_hash, w.counts = $counts, w.history = $history"
    )
    w.run(
        cypher,
        {
            "id": wave_id,
            "loaded_at": loaded_at,
            "source_hash": source_hash,
            "counts": json.dumps(dict(counts), sort_keys=True),
            "history": history,
        },
    )
    progress.step("wave")(0)
