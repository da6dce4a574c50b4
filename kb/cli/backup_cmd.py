"""`kb backup`, `kb restore`: archives of the knowledge base, on either engine."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import common_options, print_json, store
from kb.cli.waves_cmd import FORMAT, json_errors, progress_bar
from kb.errors import UsageError


def _waves(text: str | None) -> list[str] | None:
    if text is None:
        return None
    waves = [part.strip() for part in text.split(",") if part.strip()]
    if not waves:
        raise UsageError("--waves names no wave; give wave ids separated by commas (see `kb waves`)")
    return waves


@click.command()
@common_options
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="The archive to write (.zip), or a folder to write a time-named archive in.",
)
@click.option("--waves", "waves", default=None, help="Only these waves (ids, comma-separated) and what they need.")
@click.option("--keep", type=int, default=None, help="With --out FOLDER: keep only the newest N archives there.")
@FORMAT
def backup(out: Path, waves: str | None, keep: int | None, fmt: str) -> None:
    """Write a consistent archive of the knowledge base (JSON Lines in a zip, with checksums)."""
    from kb.backup import backup as write_backup
    from kb.backup import backup_into_folder

    with json_errors(fmt), progress_bar() as on_progress:
        chosen = _waves(waves)
        removed: list[Path] = []
        if out.is_dir():
            report, removed = backup_into_folder(store(), out, keep, chosen, on_progress)
        elif keep is not None:
            raise UsageError(f"--keep needs --out to be a folder; {out} is not one")
        else:
            report = write_backup(store(), out, chosen, on_progress)
    if fmt == "json":
        print_json({**report.as_dict(), "removed": [str(path) for path in removed]})
        return
    what = f"waves {', '.join(report.waves)}" if report.subset else "the whole knowledge base"
    click.echo(
        f"wrote {report.path} ({report.bytes:,} bytes): {report.nodes} nodes, "
        f"{report.relationships} relationships, {what}"
    )
    for path in removed:
        click.echo(f"removed the older archive {path} (--keep {keep})")


@click.command()
@common_options
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace everything the target holds (it must be empty otherwise).")
@FORMAT
def restore(archive: Path, replace: bool, fmt: str) -> None:
    """Restore an archive into the knowledge base, checking every checksum before writing."""
    from kb.backup import restore as run_restore

    with json_errors(fmt), progress_bar() as on_progress:
        report = run_restore(store(), archive, replace=replace, on_progress=on_progress)
    if fmt == "json":
        print_json(report.as_dict())
        return
    click.echo(f"restored {report.nodes} nodes and {report.relationships} relationships from {report.source}")
    if report.replaced_nodes or report.replaced_relationships:
        click.echo(
            f"replaced what the knowledge base held: {report.replaced_nodes} nodes, "
            f"{report.replaced_relationships} relationships"
        )


COMMANDS = [backup, restore]
