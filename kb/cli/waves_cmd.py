"""`kb validate`, `kb load`, `kb unload`, `kb waves`, `kb demo`: study waves in and out."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kb.cli.common import common_options, emit_rows, print_json, store
from kb.cli.table import print_table


@contextmanager
def progress_bar():
    """A rich progress bar on stderr, fed by the loaders' on_progress(done, total, stage) callback."""
    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as progress:
        tasks: dict[str, int] = {}

        def on_progress(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield on_progress


def _print_citations_report(report: dict) -> None:
    click.echo(
        f"{report['file']} ({report['format']}): {report['citations']} references cited by {report['cited_by']}, "
        f"{report['works_in_list']} distinct works ({report['duplicates_in_list']} duplicates in the list, "
        f"{report['shared_with_other_lists']} shared with other lists); {report['works_created']} works created, "
        f"{report['possibly_same']} pairs to review"
    )
    for problem in report.get("problems", []) + report.get("warnings", []):
        click.echo(f"  {problem['file']}, row {problem['row']}: {problem['message']}", err=True)
    if report.get("possibly_same"):
        click.echo("review uncertain pairs with `kb citations review`", err=True)


def _print_report(report: dict) -> None:
    if "cited_by" in report:
        _print_citations_report(report)
        return
    status = report.get("status", "loaded")
    click.echo(f"wave {report['wave_id']} ({report.get('study', '')}): {status}")
    rows = [
        {"kind": k, "created": v, "removed": report.get("removed", {}).get(k, 0)}
        for k, v in sorted(report.get("created", {}).items())
    ]
    for kind, removed in sorted(report.get("removed", {}).items()):
        if kind not in report.get("created", {}):
            rows.append({"kind": kind, "created": 0, "removed": removed})
    if rows:
        print_table(["kind", "created", "removed"], rows)
    measured = report.get("measured") or {}
    if any(measured.values()):
        click.echo(
            f"network measures computed for {measured.get('participants', 0)} participants "
            f"at {measured.get('sites', 0)} sites"
        )
    _print_warnings(report.get("warnings") or [])


def _print_warnings(warnings: list) -> None:
    for warning in warnings[:50]:
        click.echo(f"warning: {warning}", err=True)
    if len(warnings) > 50:
        click.echo(f"warning: … and {len(warnings) - 50} more", err=True)


@click.command()
@common_options
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate(path):
    """Check a wave package (folder or .zip) against the format and the loaded waves; write nothing."""
    from loaders.wave.api import validate_package

    package = validate_package(path, store())
    rows = package.counts()
    total = sum(rows.values())
    click.echo(f"{path}: valid — wave {package.wave_id} of study {package.study_id}, {total} rows in {len(rows)} files")
    _print_warnings(list(getattr(package, "warnings", []) or []))


@click.command()
@common_options
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--cited-by", help="For a reference list (BibTeX, RIS, CSL-JSON or text): the id of the citing Publication."
)
@click.option("--study", help="For a .qdpx project: the study it belongs to.")
@click.option("--wave", "wave_id", help="For a .qdpx project: the wave id to give it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def load(path, cited_by, study, wave_id, fmt):
    """Validate a wave package (folder or .zip), a .qdpx project or a reference list, then load it atomically."""
    from loaders.dispatch import load_path

    with progress_bar() as on_progress:
        report = load_path(store(), path, cited_by=cited_by, study=study, wave=wave_id, on_progress=on_progress)
    if fmt == "json":
        print_json(report)
    else:
        _print_report(report)


@click.command()
@common_options
@click.argument("wave_id")
def unload(wave_id):
    """Remove one wave's facts, leaving every other wave intact."""
    from loaders.wave.api import unload_wave

    removed = unload_wave(store(), wave_id)
    click.echo(f"wave {wave_id} unloaded")
    print_table(["kind", "removed"], [{"kind": k, "removed": v} for k, v in sorted(removed.items()) if v])


@click.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def waves(fmt):
    """List loaded waves: study, wave, status, when, counts and source hash."""
    from loaders.wave.api import list_waves

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
def demo():
    """Load the two published studies (the demo dataset); safe to run again."""
    from loaders.wave.api import load_demo

    with progress_bar() as on_progress:
        reports = load_demo(store(), on_progress=on_progress)
    for report in reports:
        r = report.as_dict() if hasattr(report, "as_dict") else report
        total = sum(r.get("created", {}).values())
        what = "nothing changed" if r.get("status") == "unchanged" else f"{total} nodes and relationships written"
        click.echo(f"  {r['wave_id']:<24} {r.get('status', 'loaded'):<10} {what}")
    click.echo("next: `kb queries` lists the question library; try `kb query interviews_by_site` or `kb ui`")


COMMANDS = [validate, load, unload, waves, demo]
