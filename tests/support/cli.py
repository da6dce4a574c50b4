"""The `kb` command run inside the test process, as a user runs it in a shell.

`run_kb("query", "--cypher", "RETURN 1 AS x")` calls `kb.cli.main`, the entry point the installed
`kb` script calls, so the exit code and the one-line errors are the ones a user gets: main turns
named errors into `error: ...` lines and exit codes outside click's standalone mode, and that is
the code under test. click's CliRunner supplies the isolation (captured stdout and stderr, a
temporary environment); nothing of the command is replaced.

The environment is the test's own minus every KB_* and NEO4J_* variable, so a developer's settings
never leak into a test; `data_dir` sets KB_DATA_DIR and `env` adds or overrides variables.

Tests that need a process boundary (the engine outliving a command, signals, kill -9, the app's
server) start `python -m kb` with subprocess instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kb.cli import main


@dataclass(frozen=True)
class KbRun:
    """What one `kb` command did: its exit code and what it wrote where."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    output: str  # stdout and stderr interleaved in the order written, as a terminal shows them

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def json(self) -> Any:
        """stdout parsed as JSON (for `--format json`)."""
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"`kb {' '.join(self.args)}` exited {self.exit_code}\n{self.output}"


def clean_environment(data_dir: Path | None = None, env: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The overrides that give a command the test's environment without KB_* and NEO4J_* settings."""
    overrides: dict[str, str | None] = {name: None for name in os.environ if name.startswith(("KB_", "NEO4J_"))}
    if data_dir is not None:
        overrides["KB_DATA_DIR"] = str(data_dir)
    overrides.update(env or {})
    return overrides


def run_kb(
    *args: str | Path, data_dir: Path | None = None, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> KbRun:
    """Run `kb ARGS` in this process and return its exit code, stdout, stderr and combined output."""
    argv = [str(arg) for arg in args]
    with CliRunner().isolation(input=stdin, env=clean_environment(data_dir, env)) as (out, err, mixed):
        try:
            code = main(argv)
        except SystemExit as exc:  # a command that exits by itself, as it would in a shell
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        captured = (out.getvalue(), err.getvalue(), mixed.getvalue())
    stdout, stderr, output = (data.decode("utf-8", errors="replace") for data in captured)
    return KbRun(tuple(argv), code, stdout, stderr, output)
