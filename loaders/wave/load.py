"""One load of a wave package, top to bottom: `load_package` is the whole of it, step by step.

    identify   the wave, study and source hash, from the files' bytes (package.quick_identity)
    (reload)   a loaded wave with the same hash is left alone: 'unchanged', nothing parsed or copied,
               the reload noted in the wave's history by one statement (history.record_unchanged)
    read       the manifest and every file, each row typed as it is read (validate.read_and_validate);
               a reference it cannot resolve is looked up among the loaded waves (storecheck.loaded_definers)
    validate   every check that needs no database, then each reference list parsed, once
    -- inside one atomic unit --
    (race)     another loader may have loaded the same bytes meanwhile: 'unchanged' after all
    (update)   the loaded version's elements read once (changes.read_previous), then removed
               (remove.remove_previous_version)
    check      required waves, references into them, entities other waves share (storecheck)
    plan       the rows to write, made on demand from the records (plan.build_plan)
    write      nodes, relationships, then the wave's share of entities other waves define (write.write_rows);
               once the relationships the measures read are in, the measures are read and computed
               (measures.start_measures) while the other relationships are written
    measure    the survey network measures of the wave's advice ties, written (measures.write_measures)
    cite       the reference lists already parsed, resolved with every citation loaded (references)
    compare    what really changed: the previous version against the rows written (changes.what_changed)
    tally      what the wave holds per label and type, for wave_changes (tallies.of_load)
    pair       its participants' values compared with each other wave's of its study, for wave_changes (pairs.of_load)
    finish     the Wave node marked 'loaded' with its hash, what it holds and its history (write.finish_wave)

A failure at any step inside the unit leaves the knowledge base as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kb.store.base import Store, Writer
from loaders.report import Changes, LoadReport, LoadWarning, Source, Status
from loaders.wave import history, pairs, tallies
from loaders.wave.changes import cited_holdings, holdings, read_citations, read_previous, what_changed
from loaders.wave.measures import READ_TYPES, Measured, PendingMeasures, start_measures, write_measures
from loaders.wave.package import quick_identity
from loaders.wave.plan import WritePlan, build_plan
from loaders.wave.records import Identity, ValidatedPackage
from loaders.wave.references import Cited, read_reference_lists, write_reference_lists
from loaders.wave.remove import remove_previous_version
from loaders.wave.storecheck import check_against_store, loaded_definers, wave_props
from loaders.wave.validate import read_and_validate
from loaders.wave.write import RowProgress, finish_wave, write_rows

Progress = Callable[[int, int, str], None]
RECORD_ATTEMPTS = 5  # an unchanged reload's tries at noting itself before it takes a unit


def load_package(store: Store, path: str | Path, on_progress: Progress | None = None) -> LoadReport:
    """Validate the package at `path` (folder or .zip) and write it as one all-or-nothing unit.

    Loading the same files again reports 'unchanged' and writes nothing but the reload in the
    wave's history; changed files replace the wave's previous version ('updated', with what
    changed element by element), which is refused while another loaded wave requires it.
    Raises ValidationError (nothing written), UsageError or NotFound.
    """
    identity = quick_identity(path)
    if identity is not None:
        reloaded = reload_unchanged(store, identity, path)
        if reloaded is not None:
            return reloaded
    # A reference the package cannot resolve is looked up among the loaded waves, so that a
    # forgotten `requires` is one line naming the wave, not a line per reference.
    pkg = read_reference_lists(read_and_validate(path, definers=loaded_definers(store)))
    with store.atomic() as unit:
        existing = wave_props(unit, pkg.wave_id)
        # The reload check above ran on the read path, outside the unit; a concurrent loader may
        # have loaded these very bytes since. The same check, on what the unit sees, settles that.
        if is_unchanged(existing, pkg.identity):
            return note_unchanged(unit, existing or {}, pkg.identity, path, pkg.warnings)
        previous = read_previous(unit, pkg.wave_id) if existing else None
        cited_before = read_citations(unit) if pkg.references.lists or _cited(existing) else None
        remove_previous_version(unit, existing, pkg, on_progress)
        facts = check_against_store(unit, pkg)
        plan = build_plan(pkg, facts)
        progress = RowProgress(plan.total(), on_progress)
        measuring: list[PendingMeasures] = []

        def start() -> None:
            # The plan's ADVISED_BY rows are exactly the wave's ties (an update removed the old ones
            # first), so the measures need not read them back.
            measuring.append(start_measures(unit, plan.wave_id, lambda: plan.ends_of("ADVISED_BY")))

        # Where a read between creations is cheap, the measures are started once what they read is
        # written, and computed while the writer sends the wave's other relationships.
        early = unit.reads_amid_creations
        try:
            created = write_rows(unit, plan, progress, READ_TYPES if early else (), start if early else None)
            if not measuring:
                start()
            # A new wave's report counts what was created; only an update compares the values.
            measured = write_measures(unit, plan.wave_id, measuring[0], on_progress, keep_values=previous is not None)
        finally:
            for pending in measuring:
                pending.cancel()  # a failed write leaves no worker behind
        cited = write_reference_lists(unit, pkg.references, pkg.wave_id)
        changes = what_changed(unit, previous, cited_before, plan, measured, created)
        status: Status = "loaded" if existing is None else "updated" if changes.any() else "unchanged"
        at = history.now()
        load = history.entry(status, pkg.source_hash, changes, at)
        held = {**holdings(plan, measured), **cited_holdings(unit, plan.wave_id)}
        tallies.write(unit, plan.wave_id, tallies.of_load(unit, plan))
        pairs.of_load(unit, plan.study_id, plan.wave_id)
        finish_wave(unit, plan.wave_id, held, pkg.source_hash, history.extended(existing, load), at, progress)
    return wave_report(pkg, path, status, changes, plan, measured, cited)


def is_unchanged(existing: Mapping[str, Any] | None, identity: Identity) -> bool:
    """Whether the loaded wave (`existing`, its properties) came from these very bytes (`identity`)."""
    if not existing:
        return False
    return existing.get("status") == "loaded" and existing.get("source_hash") == identity.source_hash


def reload_unchanged(store: Store, identity: Identity, path: str | Path) -> LoadReport | None:
    """The 'unchanged' report of a reload of the very bytes loaded, noted in the wave's history;
    None when the loaded wave came from other bytes (or none is loaded): then load it.

    No unit is opened (on FalkorDB a unit copies the whole graph): the entry is written by one
    statement that holds only while the wave and its history are as read. Another reload noting
    itself meanwhile means reading again; a load that changed the wave means loading."""
    for _ in range(RECORD_ATTEMPTS):
        existing = wave_props(store, identity.wave_id)
        if not is_unchanged(existing, identity):
            return None  # decided on the read path: no unit is opened for a package to load
        load = history.entry("unchanged", identity.source_hash, Changes(), history.now())
        if history.record_unchanged(store, identity.wave_id, existing or {}, load):
            return unchanged_report(identity, path)
    with store.atomic() as unit:  # reloads of this wave keep racing: settle it in a unit
        existing = wave_props(unit, identity.wave_id)
        if not is_unchanged(existing, identity):
            return None
        return note_unchanged(unit, existing or {}, identity, path)


def note_unchanged(
    w: Writer,
    existing: Mapping[str, Any],
    identity: Identity,
    path: str | Path,
    warnings: tuple[LoadWarning, ...] = (),
) -> LoadReport:
    """Note the reload in the wave's history (inside the unit `w`) and report it: nothing changed."""
    history.record(
        w, identity.wave_id, existing, history.entry("unchanged", identity.source_hash, Changes(), history.now())
    )
    return unchanged_report(identity, path, warnings)


def unchanged_report(identity: Identity, path: str | Path, warnings: tuple[LoadWarning, ...] = ()) -> LoadReport:
    """The report of a load that changed nothing."""
    return LoadReport(
        kind="wave",
        status="unchanged",
        wave=identity.wave_id,
        study=identity.study_id,
        source=Source(str(path), identity.source_hash),
        warnings=warnings,
    )


def _cited(existing: Mapping[str, Any] | None) -> bool:
    """Whether the loaded version of the wave holds citations (its counts say so)."""
    return bool(existing) and bool(json.loads((existing or {}).get("counts") or "{}").get("CITES"))


def wave_report(
    pkg: ValidatedPackage,
    path: str | Path,
    status: Status,
    changes: Changes,
    plan: WritePlan,
    measured: Measured,
    cited: Cited,
) -> LoadReport:
    """The report of a wave written: 'loaded' (new), 'updated', or 'unchanged' when an update's
    new files changed nothing in the graph."""
    return LoadReport(
        kind="wave",
        status=status,
        wave=pkg.wave_id,
        study=pkg.study_id,
        source=Source(str(path), pkg.source_hash),
        changes=changes,
        warnings=pkg.warnings,
        shared={name: len(ids) for name, ids in plan.shared.items()},
        measured=measured.as_dict() if measured.participants or measured.sites else {},
        references=cited.lists,
        citations=cited.works,
    )
