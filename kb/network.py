"""A site's survey network, read from the knowledge base, and its export for Gephi.

The survey network of a site is what its participants (a participant's site is its AT
relationship) reported: their ADVISED_BY ties, of one wave or of all, and the people and
organisations they named, wherever those are. It is what an edge list imported into Gephi
gives, so a participant of the site who reported no tie and was named by nobody is not part of
it. The board summary also needs the site's board members who have no tie, so
`SiteNetworkData.board_graph()` adds every participant of the site.

`read_wave_networks` reads the networks of every site with ties in one wave at once, in a fixed
number of queries (the ties collected per respondent, the sites' participants, the groups of the
people and organisations named), for the loader to measure a national survey without a round of
queries per site.

Everything is read through `reader.read` with portable Cypher, labels and types from kb.schema;
the loader calls it inside its atomic unit (a Writer reads its own writes), `kb export` on a Store.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kb.errors import NotFound, UsageError
from kb.export import provenance_record, provenance_sidecar
from kb.schema import label, rel_type
from kb.sna import NetworkNode, TieRow, build_network, nodes_from_rows, write_gexf, write_graphml
from kb.store.base import Result

FORMATS = ("gexf", "graphml")
READ_BATCH = 5000  # ids per UNWIND read
_P, _SITE, _ORG = label("Participant"), label("Site"), label("Organisation")
_AT, _ADVISED_BY = rel_type("AT"), rel_type("ADVISED_BY")

SITE = f"MATCH (s:{_SITE} {{id: $site}}) RETURN s.id AS id, s.name AS name"
WAVE = f"MATCH (w:{label('Wave')} {{id: $wave}}) RETURN w.id AS id"
SITE_PARTICIPANTS = (
    f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: $site}}) "
    "RETURN p.id AS id, p.name AS name, p.role AS role, p.board_member AS board_member, s.id AS site ORDER BY id"
)
TIES = (
    f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: $site}}) MATCH (p)-[r:{_ADVISED_BY}]->(x) "
    "WHERE coalesce($wave, '') = '' OR r.wave = $wave "
    f"RETURN p.id AS respondent, x.id AS alter, CASE WHEN '{_ORG}' IN labels(x) THEN 'organisation' "
    "ELSE 'participant' END AS alter_type, r.relation AS relation, r.weight AS weight, r.wave AS wave "
    "ORDER BY respondent, alter, relation, wave"
)
PEOPLE = (
    f"UNWIND $ids AS id MATCH (p:{_P} {{id: id}}) OPTIONAL MATCH (p)-[a:{_AT}]->(s:{_SITE}) "
    "RETURN p.id AS id, p.name AS name, p.role AS role, p.board_member AS board_member, s.id AS site"
)
# One row per respondent, its alters collected: a tenth of the rows of one row per tie, and the
# client parses every value in Python (400,000 ties: about 1.5 s this way, 3 s as rows).
WAVE_TIES = (
    f"MATCH (p:{_P})-[r:{_ADVISED_BY}]->(x) WHERE r.wave = $wave WITH p, collect(x.id) AS alters "
    f"MATCH (p)-[a:{_AT}]->(s:{_SITE}) WHERE $sites IS NULL OR s.id IN $sites "
    "RETURN s.id AS site, p.id AS respondent, alters"
)
SITES_OF_PEOPLE = f"UNWIND $ids AS id MATCH (p:{_P} {{id: id}})-[a:{_AT}]->(s:{_SITE}) RETURN DISTINCT s.id AS site"
# The sites' participants collected per site, role and board membership: a row per group of ids.
PARTICIPANTS_OF_SITES = (
    f"UNWIND $ids AS site_id MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: site_id}}) "
    "RETURN s.id AS site, p.role AS role, p.board_member AS board_member, collect(p.id) AS ids"
)
ORGANISATION_TYPES = (
    f"UNWIND $ids AS id MATCH (o:{_ORG} {{id: id}}) "
    f"OPTIONAL MATCH (o)-[t:{rel_type('OF_TYPE')}]->(ot:{label('OrganisationType')}) "
    "RETURN o.id AS id, ot.id AS type"
)
ORGANISATIONS = (
    f"UNWIND $ids AS id MATCH (o:{_ORG} {{id: id}}) "
    f"OPTIONAL MATCH (o)-[t:{rel_type('OF_TYPE')}]->(ot:{label('OrganisationType')}) WITH o, ot "
    f"OPTIONAL MATCH (o)-[n:{rel_type('IN_NETWORK')}]->(s:{_SITE}) "
    "RETURN o.id AS id, o.name AS name, ot.id AS type, s.id AS site"
)


class Reader(Protocol):
    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result: ...


@dataclass(frozen=True)
class SiteNetworkData:
    """What the knowledge base holds about one site's survey network."""

    site: str
    participants: tuple[NetworkNode, ...]  # everyone AT the site, with or without ties
    ties: tuple[TieRow, ...]  # reported by participants of the site
    tie_nodes: tuple[NetworkNode, ...]  # every respondent and alter of those ties

    def graph(self) -> nx.DiGraph:
        """The survey network: the ties and their ends (the graph the measures are computed on)."""
        return build_network(self.ties, self.tie_nodes)

    def board_graph(self) -> nx.DiGraph:
        """The survey network plus the site's participants without ties (for board density)."""
        return build_network(self.ties, (*self.participants, *self.tie_nodes))


def _tie_nodes(reader: Reader, ties: Iterable[TieRow]) -> list[NetworkNode]:
    people = sorted({t.respondent for t in ties} | {t.alter for t in ties if t.alter_type == "participant"})
    organisations = sorted({t.alter for t in ties if t.alter_type == "organisation"})
    person_rows = reader.read(PEOPLE, {"ids": people}).rows if people else []
    organisation_rows = reader.read(ORGANISATIONS, {"ids": organisations}).rows if organisations else []
    return nodes_from_rows(person_rows, organisation_rows)


def read_site_network(reader: Reader, site: str, wave: str | None = None) -> SiteNetworkData:
    """The survey network of `site`: ties of `wave`, or of every loaded wave when None."""
    participants = nodes_from_rows(reader.read(SITE_PARTICIPANTS, {"site": site}).rows)
    ties = [
        TieRow(r["respondent"], r["alter"], r["alter_type"], r["relation"], r["weight"], r["wave"])
        for r in reader.read(TIES, {"site": site, "wave": wave}).rows
    ]
    return SiteNetworkData(site, tuple(participants), tuple(ties), tuple(_tie_nodes(reader, ties)))


@dataclass(frozen=True)
class WaveNetworks:
    """The survey networks of several sites in one wave, as the measures need them."""

    wave: str
    ties: dict[str, list[tuple[str, str]]]  # site -> (respondent, alter) of every tie, in no set order
    participants: dict[str, list[NetworkNode]]  # site -> everyone AT it, with or without ties
    groups: dict[str, str | None]  # every node of the ties and every participant -> role or organisation type


def _read_by_ids(reader: Reader, cypher: str, ids: Iterable[str], batch_size: int = READ_BATCH) -> list[dict]:
    """Run an `UNWIND $ids` query over `ids` in batches (the client sends parameters inside the text)."""
    ids = sorted(ids)
    return [
        row
        for start in range(0, len(ids), batch_size)
        for row in reader.read(cypher, {"ids": ids[start : start + batch_size]}).rows
    ]


def _stored_ties(reader: Reader, wave: str, sites: list[str] | None) -> dict[str, list[tuple[str, str]]]:
    ties: dict[str, list[tuple[str, str]]] = {}
    for row in reader.read(WAVE_TIES, {"wave": wave, "sites": sites}).rows:
        respondent = row["respondent"]
        ties.setdefault(row["site"], []).extend((respondent, alter) for alter in row["alters"])
    return ties


def _placed_ties(
    participants: dict[str, list[NetworkNode]], given: Iterable[tuple[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """Ties given by the caller, under the site(s) of their respondent."""
    ties: dict[str, list[tuple[str, str]]] = {site: [] for site in participants}
    lists_of: dict[str, list[list[tuple[str, str]]]] = {}  # respondent -> the tie list of each of its sites
    for site, nodes in participants.items():
        for node in nodes:
            lists_of.setdefault(node.id, []).append(ties[site])
    for tie in given:
        for site_ties in lists_of.get(tie[0], ()):
            site_ties.append(tie)
    return {site: site_ties for site, site_ties in ties.items() if site_ties}


def _participants_of(reader: Reader, sites: Iterable[str]) -> dict[str, list[NetworkNode]]:
    participants: dict[str, list[NetworkNode]] = {}
    for row in _read_by_ids(reader, PARTICIPANTS_OF_SITES, sites):
        alike = nodes_from_rows([{**row, "id": person} for person in row["ids"]])
        participants.setdefault(row["site"], []).extend(alike)
    return participants


def _groups(reader: Reader, participants: dict[str, list[NetworkNode]], named: set[str]) -> dict[str, str | None]:
    """The group of every participant of the sites and of everyone named: the organisations'
    types, then the roles of the people named from other sites."""
    groups = {node.id: node.group for nodes in participants.values() for node in nodes}
    organisations = nodes_from_rows((), _read_by_ids(reader, ORGANISATION_TYPES, named - groups.keys()))
    groups.update((node.id, node.group) for node in organisations)
    people = nodes_from_rows(_read_by_ids(reader, PEOPLE, named - groups.keys()))
    groups.update((node.id, node.group) for node in people)
    return groups


def read_wave_networks(
    reader: Reader, wave: str, sites: Iterable[str] | None = None, ties: Iterable[tuple[str, str]] | None = None
) -> WaveNetworks:
    """The survey networks of `wave` of every site with ties in it, or of `sites` only.

    `ties`, when given, are all the wave's ADVISED_BY ties as (respondent, alter) ids (a loader that
    has just written them): they are not read back, and `sites` is ignored. Sites and groups are read
    either way, so a participant's site is its AT relationship wherever that was defined.
    """
    if ties is None:
        site_ties = _stored_ties(reader, wave, None if sites is None else sorted(sites))
        participants = _participants_of(reader, site_ties)
    else:
        ties = [(respondent, alter) for respondent, alter in ties]
        respondent_sites = _read_by_ids(reader, SITES_OF_PEOPLE, {respondent for respondent, _ in ties})
        participants = _participants_of(reader, {row["site"] for row in respondent_sites})
        site_ties = _placed_ties(participants, ties)
    named = {alter for pairs in site_ties.values() for _, alter in pairs}
    return WaveNetworks(wave, site_ties, participants, _groups(reader, participants, named))


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    nodes: int
    edges: int


def _checked_network(reader: Reader, site: str, wave: str | None) -> SiteNetworkData:
    if reader.read(SITE, {"site": site}).first() is None:
        raise NotFound(
            f"site '{site}' is not in the knowledge base; give a site id such as z13:site:A "
            "(`kb query compare_sites` lists them)"
        )
    if wave and reader.read(WAVE, {"wave": wave}).first() is None:
        raise NotFound(f"wave '{wave}' is not loaded; `kb waves` lists the loaded waves")
    data = read_site_network(reader, site, wave)
    if not data.ties:
        which = f"in wave '{wave}'" if wave else "in any loaded wave"
        raise NotFound(f"site '{site}' has no survey ties {which}; load a wave with advice_ties.csv for it")
    return data


def export_site_network(
    reader: Reader, site: str, fmt: str, out: str | Path, wave: str | None = None, engine: str | None = None
) -> ExportSummary:
    """Write the survey network of `site` (ties of `wave`, or of all waves) as GEXF or GraphML, with
    the kb.sna measures as node attributes, and its provenance in `<out>.provenance.json`.

    Raises UsageError for an unknown format or a missing folder, NotFound for an unknown site or
    wave, or a site without ties. The file is replaced only once it is written completely.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown network format '{fmt}'; use one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: folder {out.parent} does not exist; create it or choose another --out")
    graph = _checked_network(reader, site, wave).graph()
    _replace(out, lambda path: (write_gexf if fmt == "gexf" else write_graphml)(graph, path))
    meta = {
        "query": "network export",
        "parameters": {"site": site, "wave": wave},
        "engine": engine,
        "format": fmt,
        "row_count": graph.number_of_edges(),
        "nodes": graph.number_of_nodes(),
    }
    _replace(
        out.with_name(out.name + ".provenance.json"),
        lambda path: path.write_text(provenance_sidecar(provenance_record(meta)), encoding="utf-8"),
    )
    return ExportSummary(out, graph.number_of_nodes(), graph.number_of_edges())


def _replace(path: Path, write) -> None:
    """Write through a temporary file beside `path`, moved into place only when writing succeeded."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
