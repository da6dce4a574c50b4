"""`kb export`: a site's survey network as a file for Gephi."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import common_options, store


@click.command("export")
@common_options
@click.option("--site", required=True, help="The site's id, e.g. z13:site:A.")
@click.option("--wave", default=None, help="The survey wave (default: the latest wave with ties at the site).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gexf", "graphml"]),
    default="gexf",
    show_default=True,
    help="GEXF (Gephi's own) or GraphML.",
)
@click.option(
    "--dynamic",
    is_flag=True,
    help="Every wave with ties at the site in one GEXF 1.3 file: spells per wave for Gephi's timeline, "
    "each wave's measures as dynamic attributes.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
def export(site: str, wave: str | None, fmt: str, dynamic: bool, out: Path) -> None:
    """Write a site's survey network with its measures (degree, betweenness, closeness, brokerage…)
    as node attributes, and FILE.provenance.json beside it."""
    from kb.network_export import export_site_network

    kb = store()
    summary = export_site_network(kb, site, fmt, out, wave=wave, engine=kb.kind, dynamic=dynamic)
    waves = ", ".join(summary.waves)
    click.echo(
        f"wrote {summary.nodes} nodes and {summary.edges} ties of {site} (wave{'s' if len(summary.waves) > 1 else ''} "
        f"{waves}) to {summary.path}",
        err=True,
    )


COMMANDS = [export]
