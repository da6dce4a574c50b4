"""The reference load is fair: FalkorDB's bulk loader, fed the benchmark's CSVs, builds the graph `kb load` builds."""

from __future__ import annotations

import pytest

from kb.bench.bulk import bulk_command, run_bulk_loader, write_bulk_csvs
from kb.store import open_store
from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE, VOCAB_WAVE
from loaders.wave.api import load_package

pytestmark = pytest.mark.skipif(bulk_command() is None, reason="falkordb-bulk-loader is not installed")

LABELS = "MATCH (n) RETURN labels(n)[0] AS name, count(n) AS c ORDER BY name"
TYPES = "MATCH ()-[r]->() RETURN type(r) AS name, count(r) AS c ORDER BY name"
ONE_TIE = (
    "MATCH (a:Participant {id: 'syn:person:0000001'})-[r:ADVISED_BY]->(b) "
    "RETURN b.id AS alter, properties(r) AS props ORDER BY alter LIMIT 1"
)
ONE_PERSON = "MATCH (p:Participant {id: 'syn:person:0000003'}) RETURN properties(p) AS props"
# what the loader's network measures wrote: on a participant's OBSERVED_IN it created, and on a site's the package made
MEASURED = (
    "MATCH (n)-[o:OBSERVED_IN]->(w:Wave) WHERE n.id IN ['syn:person:0000001', 'syn:site:0001'] "
    "RETURN n.id AS id, properties(o) AS props ORDER BY id"
)


def _counts(store, cypher):
    return {row["name"]: row["c"] for row in store.read(cypher).rows}


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulk") / "england"
    synthesize(out, 0.01, seed=5)
    return [out / PACKAGES[VOCAB_WAVE], out / PACKAGES[NATIONAL_WAVE]]


def test_bulk_loader_builds_the_same_nodes_relationships_and_properties(packages, embedded_store, kb_config, tmp_path):
    for package in packages:
        load_package(embedded_store, package)
    socket = embedded_store.info()["address"].removeprefix("unix:")
    files = write_bulk_csvs(packages, tmp_path / "csv")
    bulk_graph = embedded_store.graph_name + "_bulk"
    result = run_bulk_loader(files, socket, bulk_graph)
    bulk = open_store(kb_config, graph=bulk_graph)
    try:
        assert result["written"] == {
            "nodes": sum(_counts(bulk, LABELS).values()),
            "relationships": sum(_counts(bulk, TYPES).values()),
        }
        assert _counts(bulk, LABELS) == _counts(embedded_store, LABELS)
        # the same relationships, the OBSERVED_IN the loader creates for each participant it measures among them
        assert _counts(bulk, TYPES) == _counts(embedded_store, TYPES)
        measured = embedded_store.read(MEASURED).rows
        assert [row["id"] for row in measured] == ["syn:person:0000001", "syn:site:0001"]
        assert {"degree", "betweenness", "survey_ties"} <= {key for row in measured for key in row["props"]}
        assert bulk.read(MEASURED).rows == measured
        assert bulk.read(ONE_TIE).rows == embedded_store.read(ONE_TIE).rows
        [bulk_person], [loaded_person] = (
            bulk.read(ONE_PERSON).values("props"),
            embedded_store.read(ONE_PERSON).values("props"),
        )
        assert loaded_person == bulk_person
    finally:
        bulk.drop()
        bulk.close()
