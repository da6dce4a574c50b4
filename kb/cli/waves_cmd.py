"""`kb validate`, `kb load`, `kb unload`, `kb waves`, `kb demo`: study waves in and out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from kb.cli.common import common_options, config, emit_rows, print_json, store
from kb.cli.table import print_table
from kb.errors import KBError, NotFound, UsageError
from loaders.report import Changes, LoadReport, LoadWarning, refusal

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the report, or a refusal's problems, as JSON on stdout.",
)


@contextmanager
def json_errors(fmt: str) -> Iterator[None]:
    """With `--format json`, a refusal or failure is JSON on stdout (loaders.report.refusal) and
    the exit code is still 2 (bad input or usage) or 1 (a runtime failure)."""
    if fmt != "json":
        yield
        return
    try:
        yield
    except KBError as exc:
        print_json(refusal(exc))
        raise click.exceptions.Exit(exc.exit_code) from None


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr, fed by the loaders' on_progress(done, total, stage) callback."""
    console = Console(stderr=True)  # stdout holds the report alone (`--format json` is parsed)
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=console,
        disable=not console.is_terminal,  # off a terminal rich leaves a blank line behind
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def on_progress(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield on_progress


def _print_citations_report(report: LoadReport) -> None:
    works_created, pairs = (
        (report.citations.works_created, report.citations.possibly_same) if report.citations else (0, 0)
    )
    for listed in report.references:
        click.echo(
            f"{listed.file} ({listed.format}): {listed.citations} references cited by {listed.cited_by}, "
            f"{listed.works_in_list} distinct works ({listed.duplicates_in_list} duplicates in the list, "
            f"{listed.shared_with_other_lists} shared with other lists); {works_created} works created, "
            f"{pairs} pairs to review"
        )
    for warning in report.warnings:
        click.echo(f"  {warning}", err=True)
    if pairs:
        click.echo("review uncertain pairs with `kb citations review`", err=True)


def _change_rows(changes: Changes) -> tuple[list[str], list[dict[str, object]]]:
    """A row per label or type the load created, updated or removed (in that order of first mention)."""
    kinds = [*sorted(changes.created), *sorted(set(changes.updated) - set(changes.created))]
    kinds += sorted(set(changes.removed) - set(kinds))
    columns = ["kind", "created", *(["updated"] if changes.updated else []), "removed"]
    rows = [
        {
            "kind": kind,
            "created": changes.created.get(kind, 0),
            "updated": changes.updated.get(kind, 0),
            "removed": changes.removed.get(kind, 0),
        }
        for kind in kinds
    ]
    return columns, rows


def _print_report(report: LoadReport) -> None:
    if report.kind == "references":
        _print_citations_report(report)
        return
    click.echo(f"wave {report.wave} ({report.study or ''}): {report.status}")
    columns, rows = _change_rows(report.changes)
    if rows:
        print_table(columns, rows)
    if report.measured:
        click.echo(
            f"network measures computed for {report.measured.get('participants', 0)} participants "
            f"at {report.measured.get('sites', 0)} sites"
        )
    _print_warnings(report.warnings)


def _print_warnings(warnings: Sequence[LoadWarning]) -> None:
    for warning in warnings[:50]:
        click.echo(f"warning: {warning}", err=True)
    if len(warnings) > 50:
        click.echo(f"warning: … and {len(warnings) - 50} more", err=True)


def _existing(path: Path) -> Path:
    # Checked here rather than by click, so that `--format json` reports it as JSON too.
    if not path.exists():
        raise NotFound(f"{path} does not exist; give the path of a wave package (folder or .zip) or a file to load")
    return path


def _validated(path: Path, study: str | None, wave_id: str | None) -> Any:
    """The package at `path` checked as `kb load` would read it (a .qdpx through its converter)."""
    if path.suffix.lower() == ".qdpx":
        from loaders.qdpx.load import validate_qdpx

        package, _ = validate_qdpx(path, store(), study=study, wave=wave_id)
        return package
    from loaders.wave.api import validate_package

    if study or wave_id:
        raise UsageError("--study and --wave apply to a .qdpx project; a wave package names them in wave.yaml")
    return validate_package(path, store())


@click.command()
@common_options
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--study", help="For a .qdpx project: the study it would belong to.")
@click.option("--wave", "wave_id", help="For a .qdpx project: the wave id it would get.")
@FORMAT
def validate(path: Path, study: str | None, wave_id: str | None, fmt: str) -> None:
    """Check a wave package (folder or .zip) or a .qdpx project against its format and the loaded
    waves, as `kb load` would read it; write nothing."""
    with json_errors(fmt):
        package = _validated(_existing(path), study, wave_id)
    rows = package.counts()
    if fmt == "json":
        print_json(
            {
                "status": "valid",
                "wave": package.wave_id,
                "study": package.study_id,
                "rows": rows,
                "warnings": [warning.as_dict() for warning in package.warnings],
            }
        )
        return
    total = sum(rows.values())
    click.echo(f"{path}: valid — wave {package.wave_id} of study {package.study_id}, {total} rows in {len(rows)} files")
    _print_warnings(package.warnings)


@click.command()
@common_options
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--cited-by", help="For a reference list (BibTeX, RIS, CSL-JSON or text): the id of the citing Publication."
)
@click.option("--study", help="For a .qdpx project: the study it belongs to.")
@click.option("--wave", "wave_id", help="For a .qdpx project: the wave id to give it.")
@click.option(
    "--replace", is_flag=True, help="For a .qdpx project: replace the wave even when it was loaded from another file."
)
@FORMAT
def load(path: Path, cited_by: str | None, study: str | None, wave_id: str | None, replace: bool, fmt: str) -> None:
    """Validate a wave package (folder or .zip), a .qdpx project or a reference list, then load it
    atomically; the report says what was created, updated and removed, per label and type.

    Warnings (what was skipped or read in a particular way) are printed with their counts; the
    command still succeeds. Nothing usable in the input is an error (exit 2)."""
    from loaders.dispatch import load_path

    with json_errors(fmt), progress_bar() as on_progress:
        disk_warning = _warn_if_disk_is_low(_existing(path))
        report = load_path(
            store(),
            _existing(path),
            cited_by=cited_by,
            study=study,
            wave=wave_id,
            on_progress=on_progress,
            replace=replace,
        )
    if fmt == "json":
        if disk_warning:  # stderr had it before the load; a program reading the report gets it too
            report = dataclasses.replace(report, warnings=(LoadWarning(disk_warning), *report.warnings))
        print_json(report.as_dict())
    else:
        _print_report(report)


def _warn_if_disk_is_low(path: Path) -> str | None:
    """Pre-flight: warn on stderr, before anything is read, when the embedded engine's disk may not
    hold this load (kb.faults.space_warning); the warning, or None."""
    from kb import faults

    cfg = config()
    if cfg.uri:
        return None
    warning = faults.space_warning(cfg.data_dir, faults.package_bytes(path))
    if warning:
        click.echo(f"warning: {warning}", err=True)
    return warning


@click.command()
@common_options
@click.argument("wave_id")
@FORMAT
def unload(wave_id: str, fmt: str) -> None:
    """Remove one wave's facts, leaving every other wave intact.

    The report lists what was removed and, as updated, what stays because another wave also
    defines it (the entity without this wave's name, its defining relationships passed on)."""
    from loaders.wave.api import unload as unload_changes

    with json_errors(fmt):
        changes = unload_changes(store(), wave_id)
    if fmt == "json":
        print_json({"wave": wave_id, "status": "unloaded", "changes": changes.as_dict()})
        return
    click.echo(f"wave {wave_id} unloaded")
    columns, rows = _change_rows(changes)
    columns.remove("created")
    if rows:
        print_table(columns, [{k: v for k, v in row.items() if k != "created"} for row in rows])


def _history_rows(loads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "loaded_at": load["loaded_at"],
            "status": load["status"],
            "source_hash": (load.get("source_hash") or "")[:12],
            **{what: sum(load["changes"].get(what, {}).values()) for what in ("created", "updated", "removed")},
        }
        for load in loads
    ]


@click.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--history",
    "history_of",
    metavar="WAVE",
    default=None,
    help="Every load of WAVE, newest first: when, status, source hash and what it created, updated and removed.",
)
def waves(fmt: str, history_of: str | None) -> None:
    """List loaded waves: study, wave, status, when, counts and source hash; or one wave's loads."""
    from loaders.wave.api import list_waves, wave_history

    if history_of:
        loads = wave_history(store(), history_of)
        if fmt == "json":
            print_json(loads)
        else:
            columns = ["loaded_at", "status", "source_hash", "created", "updated", "removed"]
            emit_rows(columns, _history_rows(loads), "table", None)
        return
    items = list_waves(store())
    if fmt == "json":
        print_json(items)
        return
    rows = [
        {**w, "counts": sum((w.get("counts") or {}).values()), "source_hash": (w.get("source_hash") or "")[:12]}
        for w in items
    ]
    emit_rows(["study", "wave", "title", "status", "loaded_at", "counts", "source_hash"], rows, "table", None)


@click.command()
@common_options
def demo() -> None:
    """Load the two published studies (the demo dataset); safe to run again."""
    from loaders.wave.api import load_demo

    with progress_bar() as on_progress:
        reports = load_demo(store(), on_progress=on_progress)
    for report in reports:
        total = sum(report.changes.created.values())
        what = "nothing changed" if report.status == "unchanged" else f"{total} nodes and relationships written"
        click.echo(f"  {report.wave or '':<24} {report.status:<10} {what}")
    click.echo("next: `kb queries` lists the question library; try `kb query interviews_by_site` or `kb ui`")


COMMANDS = [validate, load, unload, waves, demo]
