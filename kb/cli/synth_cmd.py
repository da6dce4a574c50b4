"""`kb synth` and `kb bench`: a synthetic England, and the benchmark that loads and queries it."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import common_options, config, print_json


@click.command()
@common_options
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Size relative to England (1: 211 CCGs, 40,000 participants, 400,000 advice ties).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="New or empty folder; one wave package is written into a sub-folder of it each.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed writes the same bytes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def synth(scale: float, out: Path, seed: int, fmt: str) -> None:
    """Write synthetic wave packages for a generated England (load them in folder order with `kb load`)."""
    from kb.synth import synthesize

    summary = synthesize(out, scale, seed)
    if fmt == "json":
        print_json(summary)
        return
    for package in summary["packages"]:
        click.echo(
            f"{Path(summary['out']) / package['folder']}: wave {package['wave']}, "
            f"{package['nodes']:,} nodes and {package['relationships']:,} relationships in its files"
            + (f", {package['extra_files']} reference lists" if package["extra_files"] else "")
        )
    click.echo(f"written in {summary['seconds']:.1f} s; load them in this order with `kb load FOLDER`")


@click.command()
@common_options
@click.option("--scale", type=float, default=1.0, show_default=True, help="Scale of the synthetic England to measure.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the figures as JSON here."
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Where to make the temporary folder (default: the system's temp folder).",
)
@click.option("--keep", is_flag=True, help="Keep the temporary folder (packages, data directory) for inspection.")
@click.option(
    "--engine",
    type=click.Choice(["embedded", "neo4j"]),
    default="embedded",
    show_default=True,
    help="embedded: a fresh FalkorDB in a temporary folder; neo4j: the empty Neo4j database --uri names.",
)
def bench(scale: float, seed: int, json_out: Path | None, work_dir: Path | None, keep: bool, engine: str) -> None:
    """Measure load throughput (against FalkorDB's bulk loader), reloads, memory, query and page latency.

    By default runs on a fresh embedded engine in a temporary data directory (--data-dir and --uri
    are not used). With --engine neo4j it loads and queries the Neo4j server --uri (or NEO4J_URI)
    names, which must hold an empty database, and empties it again. Prints the tables and whether
    each target is met.
    """
    from kb.bench import render, run_benchmark, write_json

    def say(message: str) -> None:
        click.echo(f"… {message}", err=True)

    if engine == "neo4j":
        from kb.bench.on_neo4j import run_neo4j_benchmark

        figures = run_neo4j_benchmark(config(), scale, seed, work_dir, keep, say=say)
    else:
        figures = run_benchmark(scale, seed, work_dir, keep, say=say)
    if json_out:
        write_json(figures, json_out)
    from rich.console import Console

    render(figures, Console(width=140))
    if json_out:
        click.echo(f"wrote {json_out}", err=True)


COMMANDS = [synth, bench]
