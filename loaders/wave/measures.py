"""Survey network measures, written back when a wave with advice ties loads, in the same atomic unit.

For every site whose participants reported ADVISED_BY ties in the wave (a participant's site is
its AT relationship), kb.network reads the site's survey network of that wave (the ties and the
people and organisations they name) and kb.sna measures it:

- each Participant of the site that is in the network gets `degree` (distinct contacts),
  `betweenness` and `closeness` (networkx defaults: normalised, on the undirected view),
  `brokerage` (its Gould-Fernandez brokerage roles, all five summed) and `sna_wave` (the wave
  measured). The site's participants first lose any earlier wave's measures, so a site's
  measures always come from one wave: the last loaded wave with ties for it.
- the site's (Site)-[:OBSERVED_IN]->(Wave) relationship for the wave, when the site has board
  members, gets `survey_ties_total` (distinct contacts of the board outside it),
  `survey_board_density` (density among the board members, ties in either direction; absent for a
  board of one) and `survey_ties_by_type` (JSON text: participant role or organisation type id ->
  contacts). The relationship is created when site_observations.csv has no row for the site.

Unloading a wave deletes its relationships, and with them its summaries. Participants measured
by the wave are cleared and measured again from the last loaded remaining wave (by `loaded_at`)
that has ties for their site, if there is one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from kb.network import Reader, SiteNetworkData, read_site_network
from kb.schema import label, rel_type
from kb.sna import brokerage_roles, node_measures, site_summary
from kb.store.base import Writer

MEASURE_DOCS = {
    "degree": "int: distinct people and organisations the participant is tied to, in either direction",
    "betweenness": "float: betweenness centrality, normalised (1.0 for the centre of a star)",
    "closeness": "float: closeness centrality, normalised",
    "brokerage": "int: Gould-Fernandez brokerage, all five roles summed (paths a → participant → c with no tie a → c)",
    "sna_wave": "text: the wave whose ties the measures were computed from",
}
SUMMARY_DOCS = {
    "survey_ties_total": "int: distinct contacts of the board outside the board",
    "survey_board_density": "float: density of the ties among the board members (absent for a board of one)",
    "survey_ties_by_type": "text: JSON object of contacts outside the board per participant role or organisation "
                           "type id, e.g. `{\"gp\": 2, \"vocab:orgtype:pct\": 1}`",
}
MEASURE_PROPERTIES = tuple(MEASURE_DOCS)
SUMMARY_PROPERTIES = tuple(SUMMARY_DOCS)
SUMMARY_SOURCE = "advice_ties.csv (network measures)"
SUMMARY_LOCATOR = "computed by the loader from the wave's advice_ties.csv"
Progress = Callable[[int, int, str], None]

_P, _SITE, _WAVE = label("Participant"), label("Site"), label("Wave")
_AT, _ADVISED_BY, _OBSERVED_IN = rel_type("AT"), rel_type("ADVISED_BY"), rel_type("OBSERVED_IN")

SITES_OF_WAVE = (f"MATCH (p:{_P})-[r:{_ADVISED_BY}]->(x) WHERE r.wave = $wave MATCH (p)-[a:{_AT}]->(s:{_SITE}) "
                 "RETURN DISTINCT s.id AS site ORDER BY site")
SITES_MEASURED_BY = (f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE}) WHERE p.sna_wave = $wave "
                     "RETURN DISTINCT s.id AS site ORDER BY site")
LAST_WAVE = (f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: $site}}) MATCH (p)-[r:{_ADVISED_BY}]->(x) "
             f"WITH DISTINCT r.wave AS tie_wave MATCH (w:{_WAVE}) WHERE w.id = tie_wave AND w.status = 'loaded' "
             "RETURN w.id AS wave, w.loaded_at AS loaded_at ORDER BY loaded_at DESC, wave DESC LIMIT 1")
CLEAR = (f"UNWIND $rows AS row MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: row.site}}) "
         + "SET " + ", ".join(f"p.{name} = null" for name in MEASURE_PROPERTIES))
WRITE_MEASURES = (f"UNWIND $rows AS row MATCH (p:{_P} {{id: row.id}}) SET p.degree = row.degree, "
                  "p.betweenness = row.betweenness, p.closeness = row.closeness, p.brokerage = row.brokerage, "
                  "p.sna_wave = row.wave")
WRITE_SUMMARY = (f"UNWIND $rows AS row MATCH (s:{_SITE} {{id: row.site}}) MATCH (w:{_WAVE} {{id: row.wave}}) "
                 f"MERGE (s)-[o:{_OBSERVED_IN}]->(w) "
                 "ON CREATE SET o.wave = row.wave, o.source = $source, o.locator = $locator "
                 "SET o.survey_ties_total = row.total, o.survey_board_density = row.density, "
                 "o.survey_ties_by_type = row.by_type")


@dataclass(frozen=True)
class Measured:
    """What writing the measures did."""

    participants: int = 0  # Participants given measures
    sites: int = 0  # OBSERVED_IN relationships given a survey summary
    observations_created: int = 0  # of those, relationships created because none existed

    def as_dict(self) -> dict[str, int]:
        return {"participants": self.participants, "sites": self.sites}


def _participant_rows(data: SiteNetworkData, wave: str) -> list[dict[str, Any]]:
    graph = data.graph()
    measures, brokerage = node_measures(graph), brokerage_roles(graph)
    return [{"id": node, "degree": m.degree, "betweenness": m.betweenness, "closeness": m.closeness,
             "brokerage": brokerage[node].total, "wave": wave}
            for node, m in sorted(measures.items())
            if graph.nodes[node].get("kind") == "participant" and graph.nodes[node].get("site") == data.site]


def _summary_row(data: SiteNetworkData, wave: str) -> dict[str, Any] | None:
    summary = site_summary(data.board_graph(), data.site)
    if summary.board_size == 0:
        return None
    return {"site": data.site, "wave": wave, "total": summary.total_ties, "density": summary.board_density,
            "by_type": json.dumps(summary.ties_by_group, sort_keys=True)}


def clear_sites(w: Writer, sites: list[str]) -> None:
    """Remove the measures of every participant of `sites`."""
    if sites:
        w.run(CLEAR, {"rows": [{"site": site} for site in sites]})


def measure_sites(w: Writer, waves: dict[str, str], on_progress: Progress | None = None) -> Measured:
    """Measure each site's survey network of its wave (`waves`: site -> wave) and write the results;
    `on_progress(done, total, 'measures')` after each site (a national survey takes a while)."""
    clear_sites(w, sorted(waves))
    people: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for done, (site, wave) in enumerate(sorted(waves.items()), start=1):
        data = read_site_network(w, site, wave)
        people += _participant_rows(data, wave)
        summary = _summary_row(data, wave)
        summaries += [summary] if summary else []
        if on_progress:
            on_progress(done, len(waves), "measures")
    created = 0
    if people:
        w.run(WRITE_MEASURES, {"rows": people})
    if summaries:
        result = w.run(WRITE_SUMMARY, {"rows": summaries, "source": SUMMARY_SOURCE, "locator": SUMMARY_LOCATOR})
        created = result.counters["relationships_created"]
    return Measured(len(people), len(summaries), created)


def measure_wave(w: Writer, wave_id: str, on_progress: Progress | None = None) -> Measured:
    """Measure every site whose participants reported ties in `wave_id` (just written in `w`)."""
    sites = w.read(SITES_OF_WAVE, {"wave": wave_id}).values("site")
    return measure_sites(w, {site: wave_id for site in sites}, on_progress)


def sites_measured_by(reader: Reader, wave_id: str) -> list[str]:
    """The sites whose participants carry measures of `wave_id` (call before removing the wave)."""
    return reader.read(SITES_MEASURED_BY, {"wave": wave_id}).values("site")


def restore_sites(w: Writer, sites: list[str]) -> Measured:
    """After a wave was removed: clear `sites` and measure each again from its last remaining wave."""
    clear_sites(w, sites)
    waves = {}
    for site in sites:
        last = w.read(LAST_WAVE, {"site": site}).first()
        if last:
            waves[site] = last["wave"]
    return measure_sites(w, waves) if waves else Measured()
