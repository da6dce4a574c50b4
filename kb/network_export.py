"""A site's survey network as a file for Gephi: one wave as GEXF or GraphML, or every wave as one
dynamic GEXF.

The static file holds the ties of one wave (the latest with ties at the site unless one is named)
with the kb.sna measures as node attributes; the dynamic file (kb.gexf) holds every wave with ties
at the site, each wave a spell on Gephi's timeline and its measures as dynamic attributes. Measures
are computed from the ties exported, with the definitions the loader stored them with. Each file is
replaced only once it is written completely, and `<file>.provenance.json` beside it records what
was asked, of which waves, on which engine and when.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import NotFound, UsageError
from kb.export import provenance_record, provenance_sidecar
from kb.gexf import WaveTime, spells, write_dynamic_gexf
from kb.network import SITE, Reader, SiteNetworkData, read_site_network, require_survey_network, survey_waves
from kb.sna import annotated, write_gexf, write_graphml

FORMATS = ("gexf", "graphml")


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    nodes: int
    edges: int
    waves: tuple[str, ...] = ()  # the waves whose ties the file holds


def _checked_network(reader: Reader, site: str, wave: str | None) -> tuple[str, SiteNetworkData]:
    """The wave answered for, and its network at `site`."""
    if reader.read(SITE, {"site": site}).first() is None:
        raise NotFound(
            f"site '{site}' is not in the knowledge base; give a site id such as z13:site:A "
            "(`kb query compare_sites` lists them)"
        )
    chosen = require_survey_network(reader, site, wave).id
    return chosen, read_site_network(reader, site, chosen)


def _checked_target(fmt: str, out: str | Path) -> Path:
    if fmt not in FORMATS:
        raise UsageError(f"unknown network format '{fmt}'; use one of {', '.join(FORMATS)}")
    path = Path(out)
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist; create it or choose another --out")
    return path


def export_site_network(
    reader: Reader,
    site: str,
    fmt: str,
    out: str | Path,
    wave: str | None = None,
    engine: str | None = None,
    dynamic: bool = False,
) -> ExportSummary:
    """Write the survey network of `site` as GEXF or GraphML: the ties of `wave` (empty: the latest
    wave with ties there), or with `dynamic` (GEXF only) every wave's, on a timeline.

    Raises UsageError for an unknown format, a missing folder, or `dynamic` with another format or
    with a wave; NotFound for an unknown site, a site without a survey network, or a wave without
    ties there.
    """
    path = _checked_target(fmt, out)
    if dynamic:
        if fmt != "gexf":
            raise UsageError("--dynamic writes GEXF (Gephi's timeline); use --format gexf")
        if wave:
            raise UsageError("--dynamic holds every wave with ties at the site; leave out --wave")
        return _export_dynamic(reader, site, path, engine)
    chosen, data = _checked_network(reader, site, wave)
    graph = data.graph()
    _replace(path, lambda target: (write_gexf if fmt == "gexf" else write_graphml)(graph, target))
    summary = ExportSummary(path, graph.number_of_nodes(), graph.number_of_edges(), (chosen,))
    _write_provenance(summary, {"site": site, "wave": chosen}, fmt, engine)
    return summary


def _export_dynamic(reader: Reader, site: str, path: Path, engine: str | None) -> ExportSummary:
    if reader.read(SITE, {"site": site}).first() is None:
        raise NotFound(f"site '{site}' is not in the knowledge base; give a site id such as z13:site:A")
    require_survey_network(reader, site)
    waves = survey_waves(reader, site)
    timeformat, times = spells([WaveTime(w.id, w.started, w.ended) for w in waves])
    graphs = [annotated(read_site_network(reader, site, w.id).graph()) for w in waves]
    description = f"The survey network of {site}, wave by wave: {', '.join(w.id for w in waves)}"
    snapshots = list(zip(times, graphs, strict=True))
    _replace(path, lambda target: write_dynamic_gexf(target, snapshots, timeformat, description))
    nodes = len({node for graph in graphs for node in graph})
    edges = len({edge for graph in graphs for edge in graph.edges()})
    summary = ExportSummary(path, nodes, edges, tuple(w.id for w in waves))
    parameters = {"site": site, "waves": list(summary.waves), "timeformat": timeformat}
    _write_provenance(summary, parameters, "gexf (dynamic)", engine)
    return summary


def _write_provenance(summary: ExportSummary, parameters: dict[str, Any], fmt: str, engine: str | None) -> None:
    meta = {
        "query": "network export",
        "parameters": parameters,
        "engine": engine,
        "format": fmt,
        "row_count": summary.edges,
        "nodes": summary.nodes,
    }
    record = provenance_sidecar(provenance_record(meta))
    _replace(
        summary.path.with_name(summary.path.name + ".provenance.json"),
        lambda target: target.write_text(record, encoding="utf-8"),
    )


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside `path`, moved into place only when writing succeeded."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
