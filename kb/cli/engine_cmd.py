"""`kb engine start|stop|status`: the embedded engine's lifecycle."""

from __future__ import annotations

from pathlib import Path

import click

from kb import engine as lifecycle
from kb import faults
from kb.cli.common import common_options, config, print_json
from kb.errors import UsageError


def _embedded_dir() -> Path:
    cfg = config()
    if cfg.uri:
        raise UsageError(f"`kb engine` manages the embedded engine; the target is {cfg.describe()}")
    return cfg.data_dir


@click.group()
def engine() -> None:
    """Start, stop or inspect the embedded engine (FalkorDB on a Unix socket in the data directory)."""


@engine.command()
@common_options
def start() -> None:
    """Start the embedded engine, or report the one already running."""
    state = lifecycle.start(_embedded_dir())
    click.echo(f"engine running (pid {state.pid}, FalkorDB {state.version}) on {state.socket}")


@engine.command()
@common_options
def stop() -> None:
    """Shut the embedded engine down cleanly."""
    if lifecycle.stop(_embedded_dir()):
        click.echo("engine stopped")
    else:
        click.echo("engine was not running")


@engine.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(fmt: str) -> None:
    """Say whether the embedded engine is running, without starting it, and the last fault it met."""
    data_dir = _embedded_dir()
    state = lifecycle.status(data_dir)
    fault = faults.last_fault(data_dir)
    if fmt == "json":
        print_json({**state.as_dict(), "last_fault": fault.as_dict() if fault else None})
        return
    if state.running:
        click.echo(f"running: pid {state.pid}, FalkorDB {state.version}, socket {state.socket}")
    else:
        click.echo(f"not running (data directory {state.data_dir})")
    if fault:
        when = f" (logged {fault.at})" if fault.at else " (the disk, now)"
        click.echo(f"last fault{when}: {fault.message}")
