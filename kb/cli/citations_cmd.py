"""`kb citations review|merge|split`: decide which cited works are one and the same."""

from __future__ import annotations

import click

from kb.cli.common import common_options, emit_rows, print_json, store


@click.group()
def citations() -> None:
    """Review works that may be the same, and record merge or split decisions (they survive reloads)."""


@citations.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def review(fmt: str) -> None:
    """List pairs of works that may be one work, best match first."""
    from loaders.citations import review as pending

    pairs = pending(store())
    if fmt == "json":
        print_json(pairs)
        return
    columns = ["a", "b", "score", "a_title", "a_year", "b_title", "b_year", "reason"]
    emit_rows(columns, pairs, fmt, None)
    if pairs and fmt == "table":
        click.echo("decide with `kb citations merge A B` or `kb citations split A B`", err=True)


def _decide(kind: str, a: str, b: str) -> None:
    from loaders import citations as api

    report = (api.merge if kind == "merge" else api.split)(store(), a, b)
    click.echo(
        f"{kind} recorded for {a} and {b}: {report['works']} works, {report['possibly_same']} pairs left to review"
    )


@citations.command()
@common_options
@click.argument("a")
@click.argument("b")
def merge(a: str, b: str) -> None:
    """Record that works A and B are the same work."""
    _decide("merge", a, b)


@citations.command()
@common_options
@click.argument("a")
@click.argument("b")
def split(a: str, b: str) -> None:
    """Record that works A and B are different works."""
    _decide("split", a, b)


COMMANDS = [citations]
