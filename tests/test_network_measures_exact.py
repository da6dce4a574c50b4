"""The measures the loader stores for a wave are, number for number, those of each site's network
measured alone with kb.sna_fast from the wave's ties read back from the graph: on the survey fixture
(tests/fixtures/waves/n01-survey) and a synthetic England (scale 0.02) loaded beside the demo (whose
survey waves report no ties). What the loader sends must equal them exactly, bit for bit; what the
engine hands back carries 15 significant digits, so the stored values equal them to that precision.
The write-back sends its rows as lists, with the wave and the provenance once per statement.
"""

from __future__ import annotations

from typing import Any

import pytest

from kb.network import read_wave_networks
from kb.sna_fast import IndexedNetwork, brokerage, centralities, degrees, group_numbers
from kb.synth import synthesize
from loaders.wave.api import load_package
from loaders.wave.measures import measure_wave
from support.demo_graph import demo_graph
from support.paths import WAVE_FIXTURES

STORED = (
    "MATCH (p:Participant)-[o:OBSERVED_IN]->(w:Wave {id: $wave}) WHERE o.degree IS NOT NULL "
    "RETURN p.id AS id, o.degree AS degree, o.betweenness AS betweenness, o.closeness AS closeness, "
    "o.brokerage AS brokerage"
)
SUMMARIES = (
    "MATCH (s:Site)-[o:OBSERVED_IN]->(w:Wave {id: $wave}) WHERE o.survey_ties IS NOT NULL "
    "RETURN s.id AS id, o.survey_ties AS ties, o.survey_size AS size"
)


@pytest.fixture(scope="module")
def loaded(kb_config, tmp_path_factory):
    with demo_graph(kb_config, graph="test-network-measures-exact") as store:
        root = tmp_path_factory.mktemp("syn")
        synthesize(root / "syn", scale=0.02, seed=1)
        for folder in ("00-syn-vocab", "10-syn-england"):
            load_package(store, root / "syn" / folder)
        load_package(store, WAVE_FIXTURES / "n01-survey")
        yield store


def _alone(store, wave: str) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
    """Each measured participant's values and each site's ties and size, site by site."""
    networks = read_wave_networks(store, wave)
    people: dict[str, dict[str, Any]] = {}
    sites: dict[str, dict[str, int]] = {}
    for site in sorted(networks.ties):  # a participant of two sites keeps the last site's, as the loader writes
        ties = networks.ties[site]
        nodes = sorted({node for tie in ties for node in tie})
        position = {node: i for i, node in enumerate(nodes)}
        network = IndexedNetwork.from_edges(len(nodes), ((position[a], position[b]) for a, b in ties))
        betweenness, closeness = centralities(network)
        brokered = brokerage(network, group_numbers(networks.groups.get(node) for node in nodes)).sum(axis=1)
        degree = degrees(network)
        for participant in networks.participants.get(site, []):
            if participant.id in position:
                i = position[participant.id]
                people[participant.id] = {
                    "degree": int(degree[i]),
                    "betweenness": float(betweenness[i]),
                    "closeness": float(closeness[i]),
                    "brokerage": int(brokered[i]),
                }
        sites[site] = {"id": site, "ties": len(network.sources), "size": len(nodes)}
    return people, sites


def test_every_survey_wave_stores_each_sites_measures_unchanged(loaded):
    waves = [r["wave"] for r in loaded.read("MATCH ()-[t:ADVISED_BY]->() RETURN DISTINCT t.wave AS wave").rows]
    assert sorted(waves) == ["n01-w1", "syn-england-1"]
    for wave in waves:
        people, sites = _alone(loaded, wave)
        with loaded.atomic() as unit:  # measuring again writes the same values
            sent = measure_wave(unit, wave).values
        assert {key: dict(values) for key, values in sent.items() if key[0] == "Participant"} == {
            ("Participant", person): values for person, values in people.items()
        }, wave  # exact equality: floats compared bit for bit
        stored = {row.pop("id"): row for row in loaded.read(STORED, {"wave": wave}).rows}
        assert stored.keys() == people.keys(), wave
        for person, values in people.items():
            assert stored[person] == pytest.approx(values, rel=1e-14), (wave, person)
        assert {row["id"]: row for row in loaded.read(SUMMARIES, {"wave": wave}).rows} == sites, wave
    assert len(_alone(loaded, "syn-england-1")[0]) > 500  # every synthetic site's participants count
