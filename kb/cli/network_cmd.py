"""`kb export`: a site's survey network as a file for Gephi."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import common_options, store


@click.command("export")
@common_options
@click.option("--site", required=True, help="The site's id, e.g. z13:site:A.")
@click.option("--wave", default=None, help="Only the ties of this wave (default: the ties of every loaded wave).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gexf", "graphml"]),
    default="gexf",
    show_default=True,
    help="GEXF (Gephi's own) or GraphML.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
def export(site, wave, fmt, out):
    """Write a site's survey network with its measures (degree, betweenness, closeness, brokerage…)
    as node attributes, and FILE.provenance.json beside it."""
    from kb.network import export_site_network

    kb = store()
    summary = export_site_network(kb, site, fmt, out, wave=wave, engine=kb.kind)
    click.echo(f"wrote {summary.nodes} nodes and {summary.edges} ties of {site} to {summary.path}", err=True)


COMMANDS = [export]
