"""A sample of the generated wave packages through the `kb` command itself (kb.cli.main, in-process).

`kb validate` and `kb load` must answer a refused package with exit code 2 and `error: ` lines
only (the first one the same text as the library's error), never a traceback, and a refused
`kb load` writes nothing. The library's own verdict on the same package, in this process, is the
expected answer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given

from kb.errors import UsageError
from loaders.wave.api import validate_package
from support.cli import KbRun, run_kb
from support.fuzz.harness import REFUSALS, SURVEY, BaseGraph, check_case, examples
from support.fuzz.packages import PackageCase, any_package


class CommandFailed(Exception):
    """`kb` ended in a way a refused input must not: another exit code, a traceback, stray lines."""


@pytest.fixture(scope="module")
def cli_base(fuzz_base):
    """The graph `kb` opens by default in the fuzz data directory, holding the base wave."""
    base = BaseGraph(fuzz_base.data_dir, graph="kb")
    yield base
    base.store.drop()


def kb(base: BaseGraph, *args: str) -> KbRun:
    return run_kb("--data-dir", str(base.data_dir), *args)


def library_verdict(base: BaseGraph, path: Path) -> Exception | None:
    """None when the library accepts the package, else the named error it refuses it with."""
    try:
        validate_package(path, base.store)
    except REFUSALS as exc:
        return exc
    return None


def expect_refusal(done: KbRun, verdict: Exception | None) -> None:
    lines = done.stderr.splitlines()
    if done.exit_code != 2 or "Traceback" in done.stderr or not all(line.startswith("error: ") for line in lines):
        raise CommandFailed(f"exit {done.exit_code}: {done.stderr[-300:]!r}")
    if verdict is None:  # refused at load time only (e.g. by the knowledge base's state)
        raise UsageError(lines[0].removeprefix("error: "))
    assert lines[0] == f"error: {verdict}"
    raise verdict


def run_command(done: KbRun, verdict: Exception | None) -> None:
    """Turn what `kb` did into what the harness checks: return (accepted) or raise (refused or failed)."""
    if done.exit_code == 0:
        return
    expect_refusal(done, verdict)


def cli_case(base: BaseGraph, tally, case: PackageCase) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = case.write(Path(tmp))
        try:
            verdict = library_verdict(base, path)
        except Exception as exc:  # the library itself crashed: a bug the other fuzz tests name
            if not SURVEY:
                raise
            tally.crash("cli validate", exc)
            return
        check_case(
            base, "cli validate", tally, lambda: run_command(kb(base, "validate", str(path)), verdict), writes=False
        )
        check_case(base, "cli load", tally, lambda: run_command(kb(base, "load", str(path)), verdict))


@examples(3)
@given(case=any_package())
@example(case=PackageCase())  # the loaded wave itself: valid, and `unchanged` on load
@example(case=PackageCase(manifest=("set", "wave.id", "t01-w9")))  # a second wave sharing its entities
def test_kb_validate_and_load_refuse_in_error_lines_with_exit_code_2(cli_base, tally, case):
    cli_case(cli_base, tally, case)


@pytest.mark.long
@examples(60)
@given(case=any_package())
def test_long_kb_validate_and_load(cli_base, tally, case):
    cli_case(cli_base, tally, case)
