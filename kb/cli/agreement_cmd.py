"""`kb agreement`: inter-coder agreement per code of a study's coded excerpts."""

from __future__ import annotations

import click

from kb.cli.common import common_options, emit_rows, store
from kb.errors import NotFound


@click.command("agreement")
@common_options
@click.option(
    "--study", required=True, help="The study whose coded excerpts are compared, e.g. the id `kb waves` shows."
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def agreement_cmd(study: str, fmt: str) -> None:
    """Per code: the coders, the characters each coded, their overlap, Krippendorff's alpha and (for
    two coders) Cohen's kappa, over the characters anyone coded in the documents the code was applied in."""
    from kb.agreement import COLUMNS, agreement, coded_spans, coders_of

    spans = coded_spans(store(), study)
    if not spans:
        raise NotFound(
            f"study '{study}' has no coded excerpts that name their coder and document; "
            "load a .qdpx project of that study first (`kb waves` lists the loaded studies)"
        )
    rows = [item.as_row() for item in agreement(spans)]
    if len(coders_of(spans)) < 2 and fmt == "table":
        click.echo(f"study '{study}' was coded by one coder only; agreement needs two or more", err=True)
    emit_rows(list(COLUMNS), rows, fmt, None, {"study": study} if fmt == "json" else None)


COMMANDS = [agreement_cmd]
