"""Remove a wave's facts: its relationships, the entities only it owns, and its name from shared ones.

Shared entities keep the relationships that define them. A link (e.g. a site's IN_REGION) or a
study relationship is written once, by the first wave that defines the entity, and carries that
wave's id; when that wave goes and another still defines the entity, the relationship passes to the
remaining wave (and to its tallies, loaders/wave/tallies.py) instead of being deleted. Everything
else with `wave` = the removed wave is deleted, and the other waves forget their comparisons with
it (loaders/wave/pairs.py).

These functions run inside the caller's atomic unit; unload_wave and a load that replaces an
earlier version of its wave (an update) call them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kb.errors import UsageError, ValidationError
from kb.schema import label, label_names, rel_names, rel_type
from kb.store.base import Writer
from loaders.report import Changes
from loaders.wave import pairs, tallies
from loaders.wave.records import ValidatedPackage
from loaders.wave.references import remove_reference_lists as remove_lists
from loaders.wave.spec import NODE_FILES
from loaders.wave.storecheck import Reader, wave_conflict

DETACHED = "(detached relationships)"  # key for relationships without `wave` that went with a removed node
Progress = Callable[[int, int, str], None]


def dependents(reader: Reader, wave_id: str) -> list[str]:
    """The loaded waves that list `wave_id` under `requires`."""
    cypher = (
        f"MATCH (w:{label('Wave')}) WHERE $id IN coalesce(w.requires, []) AND w.id <> $id RETURN w.id AS id ORDER BY id"
    )
    return reader.read(cypher, {"id": wave_id}).values("id")


def refuse_if_required(reader: Reader, wave_id: str, doing: str) -> None:
    """UsageError naming the loaded waves that require `wave_id`, if any."""
    needed_by = dependents(reader, wave_id)
    if needed_by:
        names = ", ".join(f"'{w}'" for w in needed_by)
        which = f"loaded wave {names} requires" if len(needed_by) == 1 else f"loaded waves {names} require"
        raise UsageError(
            f"cannot {doing} wave '{wave_id}': {which} it; unload {'it' if len(needed_by) == 1 else 'them'} first"
        )


def _handover_statements() -> list[tuple[str, str]]:
    """(statement, source prefix) pairs passing a shared entity's defining relationships to one of its other waves."""
    statements = []
    for spec in NODE_FILES:
        node = f"(n:{label(spec.label)})"
        # (pattern, its start node): the receiving wave's tallies count by the start node's study
        patterns = [
            (f"(m)-[r:{rel_type(link.rel)}]->{node}", "m")
            if link.reverse
            else (f"{node}-[r:{rel_type(link.rel)}]->(m)", "n")
            for link in spec.links
        ]
        if spec.study_rel:
            patterns.append((f"(m:{label('Study')})-[r:{rel_type(spec.study_rel)}]->{node}", "m"))
        for pattern, start in patterns:
            statements.append(
                (
                    f"MATCH {pattern} WHERE r.wave = $wave AND r.source STARTS WITH $prefix "
                    "AND $wave IN n.waves AND size(n.waves) > 1 SET r.wave = [x IN n.waves WHERE x <> $wave][0] "
                    f"RETURN r.wave AS wave, {start}.study AS study, type(r) AS rel, count(r) AS moved",
                    f"{spec.file} row ",
                )
            )
    return statements


def _delete_relationships(w: Writer, wave_id: str, removed: dict[str, int]) -> None:
    for name in rel_names():
        result = w.run(f"MATCH (a)-[r:{rel_type(name)}]->(b) WHERE r.wave = $wave DELETE r", {"wave": wave_id})
        if result.counters["relationships_deleted"]:
            removed[name] = result.counters["relationships_deleted"]


def _delete_nodes(w: Writer, wave_id: str, removed: dict[str, int], kept: dict[str, int]) -> None:
    for name in label_names():
        node = f"(n:{label(name)})"
        result = w.run(f"MATCH {node} WHERE $wave IN n.waves AND size(n.waves) = 1 DETACH DELETE n", {"wave": wave_id})
        if result.counters["nodes_deleted"]:
            removed[name] = result.counters["nodes_deleted"]
        if result.counters["relationships_deleted"]:
            removed[DETACHED] = removed.get(DETACHED, 0) + result.counters["relationships_deleted"]
        shared = w.run(
            f"MATCH {node} WHERE $wave IN n.waves SET n.waves = [x IN n.waves WHERE x <> $wave] "
            "RETURN count(n) AS kept",
            {"wave": wave_id},
        ).single_value()
        if shared:
            kept[name] = int(shared)


def remove_reference_lists(w: Writer, wave_id: str) -> int:
    """Drop the citations the wave loaded, rebuilding the works the rest cite; skipped when it loaded none."""
    found = w.read(f"MATCH ()-[r:{rel_type('CITES')}]->() WHERE r.wave = $wave RETURN count(r) AS c", {"wave": wave_id})
    if not found.single_value():
        return 0
    return remove_lists(w, wave_id)


def remove_wave(w: Writer, wave_id: str, on_progress: Progress | None = None) -> dict[str, int]:
    """Remove the wave's facts inside the unit `w`; removed counts per label and relationship type.

    Its per-wave values (OBSERVED_IN, with the survey measures) go with its relationships."""
    return dict(removal(w, wave_id, on_progress).removed)


def removal(w: Writer, wave_id: str, on_progress: Progress | None = None) -> Changes:
    """Remove the wave's facts inside the unit `w`, as remove_wave does, and say what else changed:
    `removed` per label and type; `updated` the entities other waves also define, which stay without
    this wave's name (per label), and the relationships handed over to one of those waves (per type)."""
    removed: dict[str, int] = {}
    kept: dict[str, int] = {}
    cites = remove_reference_lists(w, wave_id)
    if cites:
        removed["CITES"] = cites
    steps = _handover_statements()
    total = len(steps) + 2
    moved: list[dict[str, Any]] = []
    for done, (statement, prefix) in enumerate(steps, start=1):
        moved += w.run(statement, {"wave": wave_id, "prefix": prefix}).rows
        if on_progress:
            on_progress(done, total, "removing")
    tallies.hand_over(w, moved)
    pairs.forget(w, wave_id)
    _delete_relationships(w, wave_id, removed)
    if on_progress:
        on_progress(total - 1, total, "removing")
    _delete_nodes(w, wave_id, removed, kept)
    if on_progress:
        on_progress(total, total, "removing")
    for row in moved:
        if row["moved"]:
            kept[row["rel"]] = kept.get(row["rel"], 0) + int(row["moved"])
    return Changes(removed=dict(sorted(removed.items())), updated=dict(sorted(kept.items())))


def remove_previous_version(
    w: Writer, existing: Mapping[str, Any] | None, pkg: ValidatedPackage, on_progress: Progress | None = None
) -> dict[str, int]:
    """Before an update, remove the loaded version of the wave (`existing`, its properties; None
    when the wave is new) inside the unit `w`; removed counts, as remove_wave gives them.

    Refused (ValidationError) when the wave id is loaded for another study, and (UsageError) while
    other loaded waves require the wave.
    """
    if existing is None:
        return {}
    conflict = wave_conflict(existing, pkg.manifest)
    if conflict:
        raise ValidationError([conflict])
    refuse_if_required(w, pkg.wave_id, "update")
    return remove_wave(w, pkg.wave_id, on_progress)
