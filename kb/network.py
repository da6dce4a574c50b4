"""A site's survey network, read from the knowledge base, one wave at a time.

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

`survey_waves` lists the waves with ties at a site, in the study's order, and
`require_survey_network` picks the one a question answers for (the latest, unless one is named),
refusing when the site has no survey network loaded. kb.network_export writes the files.

Everything is read through `reader.read` with portable Cypher, labels and types from kb.schema;
the loader calls it inside its atomic unit (a Writer reads its own writes), `kb export` on a Store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, overload

from kb.errors import NotFound
from kb.schema import label, rel_type
from kb.sna import NetworkNode, TieRow, build_network, nodes_from_rows
from kb.store.base import Result

if TYPE_CHECKING:  # networkx only where a graph is built (kb.sna): a wave's load never imports it
    import networkx as nx

READ_BATCH = 5000  # ids per UNWIND read
_P, _SITE, _ORG = label("Participant"), label("Site"), label("Organisation")
_AT, _ADVISED_BY = rel_type("AT"), rel_type("ADVISED_BY")
_WAVE, _OBSERVED_IN = label("Wave"), rel_type("OBSERVED_IN")
# A participant's role and board membership in a wave: its OBSERVED_IN to the wave where that
# gives them (participant_observations.csv), else what participants.csv defined. `$wave` may be null.
_IN_WAVE = (
    f"OPTIONAL MATCH (p)-[o:{_OBSERVED_IN}]->(w:{_WAVE}) WHERE w.id = $wave "
    "WITH p, s, coalesce(o.role, p.role) AS role, coalesce(o.board_member, p.board_member) AS board_member "
)

SITE = f"MATCH (s:{_SITE} {{id: $site}}) RETURN s.id AS id, s.name AS name"
WAVE = f"MATCH (w:{_WAVE} {{id: $wave}}) RETURN w.id AS id"
# The waves whose measures reached the site (the loader sets `survey_ties` on the site's
# OBSERVED_IN for every wave with ties there), in the study's order: phase, start date, id.
SURVEY_WAVES = (
    f"MATCH (s:{_SITE} {{id: $site}})-[o:{_OBSERVED_IN}]->(w:{_WAVE}) WHERE o.survey_ties IS NOT NULL "
    "RETURN w.id AS id, w.title AS title, w.phase AS phase, w.started AS started, w.ended AS ended "
    "ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id"
)
SITE_PARTICIPANTS = (
    f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: $site}}) WITH p, s "
    + _IN_WAVE
    + "RETURN p.id AS id, p.name AS name, role, board_member, s.id AS site ORDER BY id"
)
TIES = (
    f"MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: $site}}) MATCH (p)-[r:{_ADVISED_BY}]->(x) "
    "WHERE coalesce($wave, '') = '' OR r.wave = $wave "
    f"RETURN p.id AS respondent, x.id AS alter, CASE WHEN '{_ORG}' IN labels(x) THEN 'organisation' "
    "ELSE 'participant' END AS alter_type, r.relation AS relation, r.weight AS weight, r.wave AS wave "
    "ORDER BY respondent, alter, relation, wave"
)
PEOPLE = (
    f"UNWIND $ids AS id MATCH (p:{_P} {{id: id}}) OPTIONAL MATCH (p)-[a:{_AT}]->(s:{_SITE}) WITH p, s "
    + _IN_WAVE
    + "RETURN p.id AS id, p.name AS name, role, board_member, s.id AS site"
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
# `$wave` is given here, so the Wave node is found first and each participant's observation of it
# is looked up between known ends; filtering every observation of 40,000 participants by wave id
# (_IN_WAVE's form, which must also serve a null wave) took 0.9 s of 1 at national scale.
PARTICIPANTS_OF_SITES = (
    f"OPTIONAL MATCH (w:{_WAVE} {{id: $wave}}) WITH w "
    f"UNWIND $ids AS site_id MATCH (p:{_P})-[a:{_AT}]->(s:{_SITE} {{id: site_id}}) "
    f"OPTIONAL MATCH (p)-[o:{_OBSERVED_IN}]->(w) "
    "WITH p, s, coalesce(o.role, p.role) AS role, coalesce(o.board_member, p.board_member) AS board_member "
    "RETURN s.id AS site, role, board_member, collect(p.id) AS ids"
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

    def graph(self) -> nx.DiGraph[str]:
        """The survey network: the ties and their ends (the graph the measures are computed on)."""
        return build_network(self.ties, self.tie_nodes)

    def board_graph(self) -> nx.DiGraph[str]:
        """The survey network plus the site's participants without ties (for board density)."""
        return build_network(self.ties, (*self.participants, *self.tie_nodes))


def _tie_nodes(reader: Reader, ties: Iterable[TieRow], wave: str | None) -> list[NetworkNode]:
    people = sorted({t.respondent for t in ties} | {t.alter for t in ties if t.alter_type == "participant"})
    organisations = sorted({t.alter for t in ties if t.alter_type == "organisation"})
    person_rows = reader.read(PEOPLE, {"ids": people, "wave": wave}).rows if people else []
    organisation_rows = reader.read(ORGANISATIONS, {"ids": organisations}).rows if organisations else []
    return nodes_from_rows(person_rows, organisation_rows)


def read_site_network(reader: Reader, site: str, wave: str | None = None) -> SiteNetworkData:
    """The survey network of `site`: ties of `wave`, or of every loaded wave when None; roles and
    board membership are the participants' values in `wave` (as defined, when None)."""
    participants = nodes_from_rows(reader.read(SITE_PARTICIPANTS, {"site": site, "wave": wave}).rows)
    ties = [
        TieRow(r["respondent"], r["alter"], r["alter_type"], r["relation"], r["weight"], r["wave"])
        for r in reader.read(TIES, {"site": site, "wave": wave}).rows
    ]
    return SiteNetworkData(site, tuple(participants), tuple(ties), tuple(_tie_nodes(reader, ties, wave)))


class TiePairs(Sequence[tuple[str, str]]):
    """Ties as (respondent, alter) pairs, kept as two lists of ids: 16 bytes a tie where a tuple
    each took 80 (a national survey's 400,000 ties were 25 MB of tuples while it was measured)."""

    __slots__ = ("alters", "respondents")

    def __init__(self, ties: Iterable[tuple[str, str]] = ()) -> None:
        self.respondents: list[str] = []
        self.alters: list[str] = []
        self.extend(ties)

    def append(self, tie: tuple[str, str]) -> None:
        self.respondents.append(tie[0])
        self.alters.append(tie[1])

    def extend(self, ties: Iterable[tuple[str, str]]) -> None:
        for tie in ties:
            self.append(tie)

    def add_columns(self, respondents: Sequence[str], alters: Sequence[str]) -> None:
        """Add ties given as a column of respondents and one of alters, of one length."""
        if len(respondents) != len(alters):
            raise ValueError(f"{len(respondents)} respondents but {len(alters)} alters")
        self.respondents += respondents
        self.alters += alters

    def __len__(self) -> int:
        return len(self.respondents)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(index, slice):
            return list(zip(self.respondents[index], self.alters[index], strict=True))
        return self.respondents[index], self.alters[index]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self.respondents, self.alters, strict=True)


@dataclass(frozen=True)
class WaveNetworks:
    """The survey networks of several sites in one wave, as the measures need them."""

    wave: str
    ties: Mapping[str, Sequence[tuple[str, str]]]  # site -> (respondent, alter) of every tie, in no set order
    participants: dict[str, list[NetworkNode]]  # site -> everyone AT it, with or without ties
    groups: dict[str, str | None]  # every node of the ties and every participant -> role or organisation type


def _read_by_ids(reader: Reader, cypher: str, ids: Iterable[str], **params: Any) -> list[dict[str, Any]]:
    """Run an `UNWIND $ids` query over `ids` in batches (the client sends parameters inside the text)."""
    ids = sorted(ids)
    return [
        row
        for start in range(0, len(ids), READ_BATCH)
        for row in reader.read(cypher, {"ids": ids[start : start + READ_BATCH], **params}).rows
    ]


def _stored_ties(reader: Reader, wave: str, sites: list[str] | None) -> dict[str, TiePairs]:
    ties: dict[str, TiePairs] = {}
    for row in reader.read(WAVE_TIES, {"wave": wave, "sites": sites}).rows:
        respondent = row["respondent"]
        ties.setdefault(row["site"], TiePairs()).extend((respondent, alter) for alter in row["alters"])
    return ties


def _placed_ties(participants: dict[str, list[NetworkNode]], given: Iterable[tuple[str, str]]) -> dict[str, TiePairs]:
    """Ties given by the caller, under the site(s) of their respondent."""
    ties: dict[str, TiePairs] = {site: TiePairs() for site in participants}
    lists_of: dict[str, list[TiePairs]] = {}  # respondent -> the tie list of each of its sites
    for site, nodes in participants.items():
        for node in nodes:
            lists_of.setdefault(node.id, []).append(ties[site])
    for tie in given:
        for site_ties in lists_of.get(tie[0], ()):
            site_ties.append(tie)
    return {site: site_ties for site, site_ties in ties.items() if site_ties}


def _participants_of(reader: Reader, sites: Iterable[str], wave: str) -> dict[str, list[NetworkNode]]:
    participants: dict[str, list[NetworkNode]] = {}
    for row in _read_by_ids(reader, PARTICIPANTS_OF_SITES, sites, wave=wave):
        # One node made from the row's values, then one per id with the same values: 40,000
        # dictionaries and parses of the board seat fewer at national scale.
        (one,) = nodes_from_rows([{**row, "id": ""}])
        kind, group, site, board, name = one.kind, one.group, one.site, one.board_member, one.name
        alike = (NetworkNode(str(person), kind, group, site, board, name) for person in row["ids"])
        participants.setdefault(row["site"], []).extend(alike)
    return participants


def _groups(
    reader: Reader, participants: dict[str, list[NetworkNode]], named: set[str], wave: str
) -> dict[str, str | None]:
    """The group of every participant of the sites and of everyone named: the organisations'
    types, then the roles of the people named from other sites."""
    groups = {node.id: node.group for nodes in participants.values() for node in nodes}
    organisations = nodes_from_rows((), _read_by_ids(reader, ORGANISATION_TYPES, named - groups.keys()))
    groups.update((node.id, node.group) for node in organisations)
    people = nodes_from_rows(_read_by_ids(reader, PEOPLE, named - groups.keys(), wave=wave))
    groups.update((node.id, node.group) for node in people)
    return groups


@dataclass(frozen=True)
class GivenTies:
    """A wave's ties given by the caller, with what was read to place them (build it with
    `read_given_ties`): placing 400,000 ties under their sites is Python's work alone, so it can
    be done away from the reader (loaders/wave/measures.py does it in a worker process)."""

    wave: str
    ties: TiePairs  # every tie of the wave
    participants: dict[str, list[NetworkNode]]  # site -> everyone AT it, for every respondent's site
    groups: dict[str, str | None]  # every participant of those sites and everyone named in a tie

    def networks(self) -> WaveNetworks:
        """The sites' networks: each tie under the site(s) of its respondent."""
        return WaveNetworks(self.wave, _placed_ties(self.participants, self.ties), self.participants, self.groups)


def read_given_ties(reader: Reader, wave: str, ties: Iterable[tuple[str, str]]) -> GivenTies:
    """What placing `ties` (every ADVISED_BY tie of `wave`, as (respondent, alter) ids) needs from
    the knowledge base: the respondents' sites, their participants and everyone's group.

    Groups are read for everyone named, also by a respondent with no site (whose ties no network
    takes): a group is a node's own, so the networks' nodes get the same ones either way."""
    given = ties if isinstance(ties, TiePairs) else TiePairs(ties)
    respondent_sites = _read_by_ids(reader, SITES_OF_PEOPLE, set(given.respondents))
    participants = _participants_of(reader, {row["site"] for row in respondent_sites}, wave)
    return GivenTies(wave, given, participants, _groups(reader, participants, set(given.alters), wave))


def read_wave_networks(
    reader: Reader, wave: str, sites: Iterable[str] | None = None, ties: Iterable[tuple[str, str]] | None = None
) -> WaveNetworks:
    """The survey networks of `wave` of every site with ties in it, or of `sites` only.

    `ties`, when given, are all the wave's ADVISED_BY ties as (respondent, alter) ids (a loader that
    has just written them): they are not read back, and `sites` is ignored. Sites and groups are read
    either way, so a participant's site is its AT relationship wherever that was defined.
    """
    if ties is not None:
        return read_given_ties(reader, wave, ties).networks()
    site_ties = _stored_ties(reader, wave, None if sites is None else sorted(sites))
    participants = _participants_of(reader, site_ties, wave)
    named = {alter for pairs in site_ties.values() for _, alter in pairs}
    return WaveNetworks(wave, site_ties, participants, _groups(reader, participants, named, wave))


@dataclass(frozen=True)
class SurveyWave:
    """A wave with survey ties at a site: what the site's network is answered for."""

    id: str
    title: str | None = None
    phase: int | None = None
    started: str | None = None
    ended: str | None = None


def survey_waves(reader: Reader, site: str) -> list[SurveyWave]:
    """The loaded waves with survey ties at `site`, earliest first (phase, start date, id)."""
    return [SurveyWave(**row) for row in reader.read(SURVEY_WAVES, {"site": site}).rows]


def require_survey_network(reader: Reader, site: str, wave: str | None = None) -> SurveyWave:
    """The wave a question about the survey network of `site` answers for: `wave`, or the latest
    wave with ties there when it is empty (as `knowledge_brokers` and `site_network` choose it).

    Raises NotFound when no loaded wave has ties at the site, or when `wave` has none there; the
    queries themselves then return no rows rather than rank anyone on an unknown measure.
    """
    waves = survey_waves(reader, site)
    if not waves:
        raise NotFound(f"no survey network is loaded for {site}; load a wave with advice_ties.csv")
    if not wave:
        return waves[-1]
    for found in waves:
        if found.id == wave:
            return found
    listed = ", ".join(found.id for found in waves)
    raise NotFound(f"wave '{wave}' has no survey network for {site}; its survey waves are {listed}")
