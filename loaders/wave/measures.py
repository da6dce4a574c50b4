"""Survey network measures, written back when a wave with advice ties loads, in the same atomic unit.

For every site whose participants reported ADVISED_BY ties in the wave (a participant's site is
its AT relationship), the site's survey network of that wave (the ties and the people and
organisations they name) is measured with kb.sna's definitions. kb.network reads the networks of
all the wave's sites in a few queries (or takes the ties from the loader, which has them in
memory) and kb.sna_fast measures them in C, site by site: a national survey of 211 sites and
400,000 ties takes seconds.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.network import Reader, WaveNetworks, read_wave_networks
from kb.schema import label, rel_type
from kb.sna import SiteNetwork, board_summary
from kb.sna_fast import IndexedNetwork, brokerage, centralities, degrees, group_numbers
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
    'type id, e.g. `{"gp": 2, "vocab:orgtype:pct": 1}`',
}
MEASURE_PROPERTIES = tuple(MEASURE_DOCS)
SUMMARY_PROPERTIES = tuple(SUMMARY_DOCS)
SUMMARY_SOURCE = "advice_ties.csv (network measures)"
SUMMARY_LOCATOR = "computed by the loader from the wave's advice_ties.csv"
Progress = Callable[[int, int, str], None]
BATCH_SIZE = 5000  # rows per UNWIND write

_P, _SITE, _WAVE = label("Participant"), label("Site"), label("Wave")
_AT, _ADVISED_BY, _OBSERVED_IN = rel_type("AT"), rel_type("ADVISED_BY"), rel_type("OBSERVED_IN")

SITES_MEASURED_BY = (
    f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE}) WHERE p.sna_wave = $wave RETURN DISTINCT s.id AS site ORDER BY site"
)
# Every loaded wave with ties for each site; the last loaded (by loaded_at, then id) is chosen in Python.
TIE_WAVES = (
    f"UNWIND $sites AS site_id MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: site_id}}) "
    f"MATCH (p)-[r:{_ADVISED_BY}]->(x) WITH DISTINCT s.id AS site, r.wave AS tie_wave "
    f"MATCH (w:{_WAVE}) WHERE w.id = tie_wave AND w.status = 'loaded' "
    "RETURN site, w.id AS wave, w.loaded_at AS loaded_at"
)
_UNSET = "SET " + ", ".join(f"p.{name} = null" for name in MEASURE_PROPERTIES)
CLEAR = (
    f"UNWIND $rows AS row MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: row.site}}) WHERE p.sna_wave IS NOT NULL {_UNSET}"
)
CLEAR_PEOPLE = f"UNWIND $rows AS row MATCH (p:{_P} {{id: row.id}}) WHERE p.sna_wave IS NOT NULL {_UNSET}"
WRITE_MEASURES = (
    f"UNWIND $rows AS row MATCH (p:{_P} {{id: row.id}}) SET p.degree = row.degree, "
    "p.betweenness = row.betweenness, p.closeness = row.closeness, p.brokerage = row.brokerage, "
    "p.sna_wave = row.wave"
)
WRITE_SUMMARY = (
    f"UNWIND $rows AS row MATCH (s:{_SITE} {{id: row.site}}) MATCH (w:{_WAVE} {{id: row.wave}}) "
    f"MERGE (s)-[o:{_OBSERVED_IN}]->(w) "
    "ON CREATE SET o.wave = row.wave, o.source = row.source, o.locator = row.locator "
    "SET o.survey_ties_total = row.total, o.survey_board_density = row.density, "
    "o.survey_ties_by_type = row.by_type"
)


@dataclass(frozen=True)
class Measured:
    """What writing the measures did."""

    participants: int = 0  # Participants given measures
    sites: int = 0  # OBSERVED_IN relationships given a survey summary
    observations_created: int = 0  # of those, relationships created because none existed

    def as_dict(self) -> dict[str, int]:
        return {"participants": self.participants, "sites": self.sites}


def _site_rows(site: str, wave: str, networks: WaveNetworks) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The measures of the site's participants in its network, and its board summary (None
    without board members)."""
    ties, groups = networks.ties[site], networks.groups
    respondents, alters = zip(*ties, strict=True)
    nodes = sorted(set(respondents).union(alters))
    position = dict(zip(nodes, range(len(nodes)), strict=True))
    network = IndexedNetwork.from_arrays(
        len(nodes),
        np.fromiter(map(position.__getitem__, respondents), np.int64),
        np.fromiter(map(position.__getitem__, alters), np.int64),
    )
    degree, (betweenness, closeness) = degrees(network).tolist(), (m.tolist() for m in centralities(network))
    brokered = brokerage(network, group_numbers(groups.get(node) for node in nodes)).sum(axis=1).tolist()
    participants = networks.participants.get(site, [])
    measured = sorted(position[p.id] for p in participants if p.id in position)
    people = [
        {
            "id": nodes[i],
            "degree": degree[i],
            "betweenness": betweenness[i],
            "closeness": closeness[i],
            "brokerage": brokered[i],
            "wave": wave,
        }
        for i in measured
    ]
    summary = board_summary(site, [p.id for p in participants if p.board_member], ties, groups)
    return people, _summary_row(summary, wave)


def _summary_row(summary: SiteNetwork, wave: str) -> dict[str, Any] | None:
    if summary.board_size == 0:
        return None
    return {
        "site": summary.site,
        "wave": wave,
        "total": summary.total_ties,
        "density": summary.board_density,
        "by_type": json.dumps(summary.ties_by_group, sort_keys=True),
        "source": SUMMARY_SOURCE,
        "locator": SUMMARY_LOCATOR,
    }


def clear_sites(w: Writer, sites: list[str]) -> None:
    """Remove the measures of every participant of `sites`."""
    w.run_batches(CLEAR, ({"site": site} for site in sites), BATCH_SIZE)


def _measure(w: Writer, networks: list[WaveNetworks], cleared: list[str], on_progress: Progress | None) -> Measured:
    """Measure and write every site of `networks`; clear the measures of every other participant of
    those sites and of the sites `cleared` (the participants written lose theirs by being written)."""
    sites = sorted(((site, n) for n in networks for site in n.ties), key=lambda pair: pair[0])
    people: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for done, (site, network) in enumerate(sites, start=1):
        site_people, summary = _site_rows(site, network.wave, network)
        people += site_people
        summaries += [summary] if summary else []
        if on_progress:
            on_progress(done, len(sites), "measures")
    measured = {row["id"] for row in people}
    unmeasured = sorted({p.id for site, n in sites for p in n.participants.get(site, ())} - measured)
    clear_sites(w, sorted(set(cleared) - {site for site, _ in sites}))
    w.run_batches(CLEAR_PEOPLE, ({"id": person} for person in unmeasured), BATCH_SIZE)
    w.run_batches(WRITE_MEASURES, people, BATCH_SIZE)
    created = w.run_batches(WRITE_SUMMARY, summaries, BATCH_SIZE)["relationships_created"]
    return Measured(len(people), len(summaries), created)


def measure_sites(w: Writer, waves: dict[str, str], on_progress: Progress | None = None) -> Measured:
    """Measure each site's survey network of its wave (`waves`: site -> wave) and write the results;
    `on_progress(done, total, 'measures')` after each site (a national survey takes a while)."""
    by_wave: dict[str, list[str]] = {}
    for site, wave in waves.items():
        by_wave.setdefault(wave, []).append(site)
    networks = [read_wave_networks(w, wave, sites) for wave, sites in sorted(by_wave.items())]
    return _measure(w, networks, sorted(waves), on_progress)


def measure_wave(
    w: Writer, wave_id: str, on_progress: Progress | None = None, ties: Iterable[tuple[str, str]] | None = None
) -> Measured:
    """Measure every site whose participants reported ties in `wave_id` (just written in `w`).

    `ties`: the wave's ADVISED_BY ties as (respondent, alter) ids, all of them, when the caller has
    them in memory; they are then not read back (at national scale, about 1.5 s of 6).
    """
    networks = read_wave_networks(w, wave_id, ties=ties)
    return _measure(w, [networks], sorted(networks.ties), on_progress)


def sites_measured_by(reader: Reader, wave_id: str) -> list[str]:
    """The sites whose participants carry measures of `wave_id` (call before removing the wave)."""
    return reader.read(SITES_MEASURED_BY, {"wave": wave_id}).values("site")


def restore_sites(w: Writer, sites: list[str]) -> Measured:
    """After a wave was removed: clear `sites` and measure each again from its last remaining wave."""
    clear_sites(w, sites)
    if not sites:
        return Measured()
    last: dict[str, tuple[str, str]] = {}
    for row in w.read(TIE_WAVES, {"sites": sites}).rows:
        candidate = (row["loaded_at"] or "", row["wave"])
        last[row["site"]] = max(last.get(row["site"], candidate), candidate)
    return measure_sites(w, {site: wave for site, (_, wave) in last.items()}) if last else Measured()
