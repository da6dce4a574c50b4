"""One load of a wave package, top to bottom: `load_package` is the whole of it, step by step.

    identify   the wave, study and source hash, from the files' bytes (package.quick_identity)
    (reload)   a loaded wave with the same hash is left alone: 'unchanged', nothing parsed or copied
    read       the manifest and every file, each row typed as it is read (validate.read_and_validate)
    validate   every check that needs no database, then each reference list parsed, once
    -- inside one atomic unit --
    (race)     another loader may have loaded the same bytes meanwhile: 'unchanged' after all
    (update)   a wave loaded from other bytes is removed first (remove.remove_previous_version)
    check      required waves, references into them, entities other waves share (storecheck)
    plan       the rows to write, made on demand from the records (plan.build_plan)
    write      nodes, relationships, then the wave's share of entities other waves define (write.write_rows)
    measure    the survey network measures of the wave's advice ties (measures.measure_wave)
    cite       the reference lists already parsed, resolved with every citation loaded (references)
    finish     the Wave node marked 'loaded' with its hash and counts (write.finish_wave)

A failure at any step inside the unit leaves the knowledge base as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kb.store.base import Store
from loaders.report import Changes, LoadReport, LoadWarning, Source
from loaders.wave.measures import Measured, measure_wave
from loaders.wave.package import quick_identity
from loaders.wave.plan import WritePlan, build_plan
from loaders.wave.records import Identity, ValidatedPackage
from loaders.wave.references import Cited, read_reference_lists, write_reference_lists
from loaders.wave.remove import remove_previous_version
from loaders.wave.storecheck import check_against_store, loaded_definers, wave_props
from loaders.wave.validate import read_and_validate
from loaders.wave.write import RowProgress, finish_wave, write_rows

Progress = Callable[[int, int, str], None]


def load_package(store: Store, path: str | Path, on_progress: Progress | None = None) -> LoadReport:
    """Validate the package at `path` (folder or .zip) and write it as one all-or-nothing unit.

    Loading the same files again reports 'unchanged' and writes nothing; changed files replace the
    wave's previous version ('updated'), which is refused while another loaded wave requires it.
    Raises ValidationError (nothing written), UsageError or NotFound.
    """
    identity = quick_identity(path)
    if identity is not None:
        unchanged = unchanged_report(wave_props(store, identity.wave_id), identity, path)
        if unchanged is not None:
            return unchanged
    # A reference the package cannot resolve is looked up among the loaded waves, so that a
    # forgotten `requires` is one line naming the wave, not a line per reference.
    pkg = read_reference_lists(read_and_validate(path, definers=loaded_definers(store)))
    with store.atomic() as unit:
        existing = wave_props(unit, pkg.wave_id)
        # The reload check above ran on the read path, outside the unit; a concurrent loader may
        # have loaded these very bytes since. The same check, on what the unit sees, settles that.
        raced = unchanged_report(existing, pkg.identity, path, pkg.warnings)
        if raced is not None:
            return raced
        removed = remove_previous_version(unit, existing, pkg, on_progress)
        facts = check_against_store(unit, pkg)
        plan = build_plan(pkg, facts)
        progress = RowProgress(plan.total(), on_progress)
        created = write_rows(unit, plan, progress)
        # The plan's ADVISED_BY rows are exactly the wave's ties (an update removed the old ones
        # first), so the measures need not read them back.
        measured = measure_wave(unit, plan.wave_id, on_progress, ties=plan.ends_of("ADVISED_BY"))
        cited = write_reference_lists(unit, pkg.references, pkg.wave_id)
        counts = wave_counts(created, measured, cited)
        finish_wave(unit, plan.wave_id, counts, pkg.source_hash, progress)
    return wave_report(pkg, path, existing is not None, Changes(counts, removed=removed), plan, measured, cited)


def unchanged_report(
    existing: Mapping[str, Any] | None, identity: Identity, path: str | Path, warnings: tuple[LoadWarning, ...] = ()
) -> LoadReport | None:
    """The 'unchanged' report when the loaded wave (`existing`, its properties) came from these very
    bytes (`identity`): nothing is written, so nothing changed. None otherwise."""
    if not existing or existing.get("status") != "loaded" or existing.get("source_hash") != identity.source_hash:
        return None
    return LoadReport(
        kind="wave",
        status="unchanged",
        wave=identity.wave_id,
        study=identity.study_id,
        source=Source(str(path), identity.source_hash),
        warnings=warnings,
    )


def wave_counts(created: Mapping[str, int], measured: Measured, cited: Cited) -> dict[str, int]:
    """Everything the load created, per label and relationship type: the plan's rows, the
    OBSERVED_IN relationships the measures had to create, and the reference lists' citations and works."""
    counts = dict(created)
    extra = {"OBSERVED_IN": measured.observations_created} if measured.observations_created else {}
    for name, count in (*extra.items(), *cited.created.items()):
        counts[name] = counts.get(name, 0) + count
    return dict(sorted(counts.items()))


def wave_report(
    pkg: ValidatedPackage,
    path: str | Path,
    replaced: bool,
    changes: Changes,
    plan: WritePlan,
    measured: Measured,
    cited: Cited,
) -> LoadReport:
    """The report of a wave written: 'updated' when it `replaced` a loaded version, else 'loaded'."""
    return LoadReport(
        kind="wave",
        status="updated" if replaced else "loaded",
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
