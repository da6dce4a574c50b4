"""The `kb` command: thin commands over library functions.

Each command parses its options, opens the store, calls one library function and prints the
result. Library errors (kb.errors) become one line on stderr and an exit code: 0 success,
1 runtime failure, 2 bad usage or invalid input. `--debug` shows the traceback instead.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from kb.errors import KBError, ValidationError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory of the embedded engine (default: KB_DATA_DIR, else the user data directory).",
)
@click.option("--uri", default=None, help="Neo4j URI (default: KB_URI or NEO4J_URI; none: the embedded engine).")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.version_option(package_name="ccg-kb", prog_name="kb")
def cli(data_dir: Path | None, uri: str | None, debug: bool) -> None:
    """A graph knowledge base of research on GP leadership of Clinical Commissioning Groups.

    Start with `kb demo` to load the two published studies, then `kb queries` to see the
    question library, `kb query NAME` to run one, and `kb ui` to open the app.
    """


def _register() -> None:
    from kb.cli import (
        agreement_cmd,
        backup_cmd,
        citations_cmd,
        core_cmd,
        engine_cmd,
        network_cmd,
        synth_cmd,
        ui_cmd,
        waves_cmd,
    )

    cli.add_command(engine_cmd.engine)
    for module in (core_cmd, waves_cmd, backup_cmd, citations_cmd, agreement_cmd, network_cmd, ui_cmd, synth_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def _report(exc: KBError) -> None:
    click.echo(f"error: {exc}", err=True)
    if isinstance(exc, ValidationError) and len(exc.problems) > 1:
        for problem in exc.problems[1:50]:
            click.echo(f"error: {problem}", err=True)
        if len(exc.problems) > 50:
            click.echo(f"error: … {len(exc.problems) - 50} more; fix these first", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and turn named errors into one line and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode click returns the exit code of a command that exits through
        # ctx.exit or click's Exit (as `--format json` refusals do) instead of raising it.
        code = cli.main(args=argv, prog_name="kb", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code:
            return code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C during a command into Abort; it is still an interruption (exit 130).
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            return 130
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2
    except KBError as exc:
        if debug:
            traceback.print_exc()
        _report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # an unexpected failure: one line unless --debug
        if debug:
            traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for details)", err=True)
        return 1
    return 0
