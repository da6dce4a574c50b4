"""Survey network measures written with the wave by the loader, and ranked by `knowledge_brokers`.

The fixture tests/fixtures/waves/n01-survey: at Site A, Centre is named by Leaf 1 and Leaf 2 and
names Leaf 3 and the PCT (a star of five); Quiet member sits on the board without any tie. At Site
B, Visitor from B names Centre; that tie belongs to Site B's network (a tie belongs to the site of
the participant who reported it).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import network
from kb.queries import run_named
from loaders.wave import changes, history, measures
from loaders.wave.api import load_package, unload_wave
from loaders.wave.build import write_manifest, write_table
from loaders.wave.measures import measure_wave
from support.cypher_lint import assert_valid_neo4j_cypher
from support.paths import WAVE_FIXTURES

FIXTURE = WAVE_FIXTURES / "n01-survey"
SITE_A, SITE_B = "n01:site:a", "n01:site:b"
CENTRE, LEAF1, LEAF2, LEAF3, QUIET, PCT, B1 = (
    "n01:person:centre",
    "n01:person:leaf1",
    "n01:person:leaf2",
    "n01:person:leaf3",
    "n01:person:quiet",
    "n01:org:pct",
    "n01:person:b1",
)
MEASURES = "o.degree AS degree, o.betweenness AS betweenness, o.closeness AS closeness, o.brokerage AS brokerage"
NO_MEASURES = {"degree": None, "betweenness": None, "closeness": None, "brokerage": None}


def _measures(store, person: str, wave: str = "n01-w1") -> dict:
    """A participant's measures in `wave`, from its OBSERVED_IN to the wave (all None without one)."""
    found = store.read(
        f"MATCH (p:Participant {{id: $id}})-[o:OBSERVED_IN]->(w:Wave {{id: $wave}}) RETURN {MEASURES}",
        {"id": person, "wave": wave},
    ).first()
    return found or dict(NO_MEASURES)


def _summary(store, site: str, wave: str) -> dict | None:
    return store.read(
        "MATCH (s:Site {id: $site})-[o:OBSERVED_IN]->(w:Wave {id: $wave}) RETURN o.survey_ties_total AS total, "
        "o.survey_board_density AS density, o.survey_ties_by_type AS by_type, o.source AS source, "
        "o.survey_ties AS ties, o.survey_size AS size",
        {"site": site, "wave": wave},
    ).first()


def _star() -> nx.Graph:
    """Site A's survey network as the test sees it, built without the loader."""
    return nx.Graph([(LEAF1, CENTRE), (LEAF2, CENTRE), (CENTRE, LEAF3), (CENTRE, PCT)])


def test_knowledge_brokers_ranks_the_star_centre_first(store):
    load_package(store, FIXTURE)
    rows = run_named(store, "knowledge_brokers", {"site": SITE_A}).rows
    # Centre first (betweenness 1.0); the leaves tie at 0 with degree 1 and follow by name. Quiet
    # member has no tie, so the wave measured nothing of them, and they are not ranked.
    assert [r["participant"] for r in rows] == [CENTRE, LEAF1, LEAF2, LEAF3]
    assert [r["rank_betweenness"] for r in rows] == [1, 2, 3, 4]
    assert {r["wave"] for r in rows} == {"n01-w1"}
    star = _star()
    betweenness, closeness = nx.betweenness_centrality(star), nx.closeness_centrality(star)
    for row in rows:
        person = row["participant"]
        assert row["betweenness"] == pytest.approx(betweenness[person])
        assert row["closeness"] == pytest.approx(closeness[person])
        assert row["degree"] == star.degree(person)
    # By hand: every pair of the four leaves runs through the centre (6 of 6 pairs); a leaf is 1
    # step from the centre and 2 from the other three leaves, so its closeness is 4 / 7.
    assert (rows[0]["betweenness"], rows[0]["closeness"], rows[0]["degree"]) == (
        pytest.approx(1.0),
        pytest.approx(1.0),
        4,
    )
    assert rows[1]["closeness"] == pytest.approx(4 / 7)
    # `ties` counts the wave's ADVISED_BY in either direction over every site: the centre's 4 plus Visitor from B.
    assert [r["ties"] for r in rows] == [5, 1, 1, 1]


def test_measures_and_brokerage_sit_on_the_participants_observation_of_the_wave(store):
    report = load_package(store, FIXTURE)
    assert dict(report.measured) == {"participants": 5, "sites": 2}
    # Gould-Fernandez along tie direction: Leaf 1 (gp) and Leaf 2 (practice manager) name Centre
    # (gp), who names Leaf 3 (nurse) and the PCT. Leaf 1's two paths are representative, Leaf 2's
    # two are liaison: 4 in all.
    assert _measures(store, CENTRE) == {
        "degree": 4,
        "betweenness": pytest.approx(1.0),
        "closeness": pytest.approx(1.0),
        "brokerage": 4,
    }
    assert _measures(store, LEAF3) == {
        "degree": 1,
        "betweenness": 0.0,
        "closeness": pytest.approx(4 / 7),
        "brokerage": 0,
    }
    # Site B's network is Visitor from B and Centre: closeness 1 for both, but Centre keeps Site A's values.
    assert _measures(store, B1) == {"degree": 1, "betweenness": 0.0, "closeness": pytest.approx(1.0), "brokerage": 0}
    assert _measures(store, QUIET) == NO_MEASURES
    # Nothing is written on the nodes themselves: another wave could never overwrite it.
    assert store.read("MATCH (p:Participant) WHERE p.betweenness IS NOT NULL RETURN count(p) AS n").single_value() == 0
    observation = store.read(
        "MATCH (p:Participant {id: $id})-[o:OBSERVED_IN]->(w:Wave) RETURN o.wave AS wave, o.source AS source",
        {"id": CENTRE},
    ).rows
    assert observation == [{"wave": "n01-w1", "source": "advice_ties.csv (network measures)"}]


def test_site_summaries_sit_on_the_wave_observation(store):
    report = load_package(store, FIXTURE)
    # No observation files: the loader creates both sites' OBSERVED_IN and the five measured
    # participants', and counts them.
    assert report.changes.created["OBSERVED_IN"] == 2 + 5
    # Site A's board: Centre, Leaf 1, Leaf 3, Quiet member; tied pairs Centre-Leaf 1 and Centre-Leaf 3
    # of 6 possible. Outside the board it reaches Leaf 2 (a practice manager) and the PCT.
    summary = _summary(store, SITE_A, "n01-w1")
    assert summary["density"] == pytest.approx(2 / 6)
    assert (summary["total"], json.loads(summary["by_type"])) == (2, {"n01:orgtype:pct": 1, "practice_manager": 1})
    assert summary["source"] == "advice_ties.csv (network measures)"
    # Four ties among five people and organisations.
    assert (summary["ties"], summary["size"]) == (4, 5)
    # Site B's board of one has no density; it reaches Centre, a GP.
    summary = _summary(store, SITE_B, "n01-w1")
    assert (summary["density"], summary["total"], json.loads(summary["by_type"])) == (None, 1, {"gp": 1})


def _second_wave(folder: Path) -> Path:
    """n01-w2: Leaf 1 names Leaf 2; it repeats Leaf 2's row unchanged, so the two waves share Leaf 2."""
    write_manifest(
        folder,
        {
            "format": 1,
            "study": {
                "id": "n01",
                "title": "Network study 01: a fictional board survey",
                "description": "A made-up survey network used only by the network measure tests.",
            },
            "wave": {"id": "n01-w2", "title": "Follow-up survey", "phase": 2},
            "requires": ["n01-w1"],
        },
    )
    write_table(
        folder,
        "participants.csv",
        [
            {
                "id": LEAF2,
                "name": "Leaf 2",
                "role": "practice_manager",
                "site": SITE_A,
                "board_member": False,
                "survey_respondent": True,
                "locator": "survey respondents sheet",
            }
        ],
    )
    write_table(
        folder,
        "advice_ties.csv",
        [{"respondent": LEAF1, "alter": LEAF2, "relation": "advice", "locator": "follow-up ties sheet"}],
    )
    return folder


def test_a_later_wave_adds_its_measures_beside_the_earlier_and_unloading_takes_only_its_own(store, tmp_path):
    load_package(store, FIXTURE)
    first = _stored(store)
    report = load_package(store, _second_wave(tmp_path / "w2"))
    assert dict(report.shared) == {"Participant": 1, "Study": 1}
    # Site A's network in n01-w2 is Leaf 1 - Leaf 2 alone; Centre and Leaf 3 are not in it.
    assert _measures(store, LEAF1, "n01-w2") == {"degree": 1, "betweenness": 0.0, "closeness": 1.0, "brokerage": 0}
    assert _measures(store, CENTRE, "n01-w2") == NO_MEASURES
    # n01-w1's measures and summaries are untouched.
    people, summaries = _stored(store)
    assert [p for p in people if p["wave"] == "n01-w1"] == first[0]
    assert [s for s in summaries if s["wave"] == "n01-w1"] == first[1]
    summary = _summary(store, SITE_A, "n01-w2")  # no tie among the board; Leaf 2 is outside it
    assert (summary["density"], summary["total"], json.loads(summary["by_type"])) == (0.0, 1, {"practice_manager": 1})
    assert _summary(store, SITE_B, "n01-w2") is None  # Site B had no ties in n01-w2
    # knowledge_brokers answers for the latest wave unless asked for another.
    assert [r["participant"] for r in run_named(store, "knowledge_brokers", {"site": SITE_A}).rows] == [LEAF1, LEAF2]
    in_w1 = run_named(store, "knowledge_brokers", {"site": SITE_A, "wave": "n01-w1"}).rows
    assert [r["participant"] for r in in_w1][:1] == [CENTRE] and in_w1[0]["ties"] == 5

    unload_wave(store, "n01-w2")
    assert _stored(store) == first


def _stored(store) -> tuple[list[dict], list[dict]]:
    """Every participant's measures and every survey summary, per wave, in a fixed order."""
    people = store.read(
        f"MATCH (p:Participant)-[o:OBSERVED_IN]->(w:Wave) RETURN p.id AS id, w.id AS wave, {MEASURES} ORDER BY id, wave"
    ).rows
    summaries = store.read(
        "MATCH (s:Site)-[o:OBSERVED_IN]->(w:Wave) RETURN s.id AS site, w.id AS wave, "
        "o.survey_ties_total AS total, o.survey_board_density AS density, "
        "o.survey_ties_by_type AS by_type ORDER BY site, wave"
    ).rows
    return people, summaries


def test_ties_handed_over_in_memory_give_the_measures_read_from_the_store(store, tmp_path):
    load_package(store, FIXTURE)
    load_package(store, _second_wave(tmp_path / "w2"))
    loaded = _stored(store)
    # n01-w2's one tie: Leaf 1, whose AT relationship comes from n01-w1, names Leaf 2.
    with store.atomic() as w:
        measured = measure_wave(w, "n01-w2", ties=[(LEAF1, LEAF2)])
    assert (measured.participants, measured.sites, measured.observations_created) == (2, 1, 0)
    assert _stored(store) == loaded
    with store.atomic() as w:
        assert measure_wave(w, "n01-w2") == measured
    assert _stored(store) == loaded


def test_a_tie_whose_respondent_has_no_site_is_in_no_network(store):
    load_package(store, FIXTURE)
    loaded = _stored(store)
    ties = store.read("MATCH (p:Participant)-[r:ADVISED_BY]->(x) RETURN p.id AS respondent, x.id AS alter").rows
    with store.atomic() as w:
        # An unknown respondent has no AT relationship: its tie belongs to no site's network.
        measure_wave(w, "n01-w1", ties=[(r["respondent"], r["alter"]) for r in ties] + [("n01:person:nobody", CENTRE)])
    assert _stored(store) == loaded


def test_unloading_the_only_survey_wave_leaves_no_measures(store, tmp_path):
    load_package(store, FIXTURE)
    load_package(store, _second_wave(tmp_path / "w2"))
    unload_wave(store, "n01-w2")
    unload_wave(store, "n01-w1")
    left = store.read("MATCH (n) RETURN count(n) AS n").single_value()
    assert left == 0


def test_reloading_keeps_and_updating_recomputes_the_measures(store, tmp_path):
    load_package(store, FIXTURE)
    assert load_package(store, FIXTURE).status == "unchanged"
    assert _measures(store, CENTRE)["betweenness"] == pytest.approx(1.0)
    changed = tmp_path / "n01-survey"
    changed.mkdir()
    for path in FIXTURE.iterdir():
        text = path.read_text(encoding="utf-8")
        # Drop Leaf 2's tie: Centre then links only Leaf 1, Leaf 3 and the PCT (3 leaves, still a star).
        (changed / path.name).write_text(
            text.replace("n01:person:leaf2,n01:person:centre,advice,,survey ties sheet\n", ""), encoding="utf-8"
        )
    report = load_package(store, changed)
    assert report.status == "updated"
    assert _measures(store, LEAF2)["degree"] is None
    assert _measures(store, LEAF1)["closeness"] == pytest.approx(3 / 5)  # 1 step to Centre, 2 to two leaves


tie_lists = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 6)).filter(lambda t: t[0] != t[1]), min_size=1, max_size=12, unique=True
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ties=tie_lists)
def test_stored_measures_equal_networkx_on_any_network(store, tmp_path_factory, ties):
    """Respondents 0-5 sit at one site; alter 6 is an organisation. Whatever the ties, the stored
    measures are networkx's on the undirected graph of the ties."""
    folder = tmp_path_factory.mktemp("net")
    write_manifest(
        folder,
        {
            "format": 1,
            "study": {"id": "n02", "title": "Random networks"},
            "wave": {"id": "n02-w1", "title": "Generated"},
        },
    )
    write_table(folder, "sites.csv", [{"id": "n02:site:a", "name": "A", "kind": "ccg"}])
    write_table(folder, "organisation_types.csv", [{"id": "n02:orgtype:x", "name": "X"}])
    write_table(folder, "organisations.csv", [{"id": "n02:p:6", "name": "Org", "type": "n02:orgtype:x"}])
    write_table(
        folder,
        "participants.csv",
        [{"id": f"n02:p:{i}", "name": f"P{i}", "role": "gp", "site": "n02:site:a"} for i in range(6)],
    )
    write_table(
        folder,
        "advice_ties.csv",
        [{"respondent": f"n02:p:{a}", "alter": f"n02:p:{b}", "relation": "advice"} for a, b in ties],
    )
    load_package(store, folder)
    try:
        graph = nx.Graph([(f"n02:p:{a}", f"n02:p:{b}") for a, b in ties])
        betweenness, closeness = nx.betweenness_centrality(graph), nx.closeness_centrality(graph)
        rows = store.read(f"MATCH (p:Participant)-[o:OBSERVED_IN]->(w:Wave) RETURN p.id AS id, {MEASURES}").rows
        assert {row["id"] for row in rows} == {node for node in graph if node != "n02:p:6"}
        for row in rows:
            assert row["degree"] == graph.degree(row["id"])
            assert row["betweenness"] == pytest.approx(betweenness[row["id"]], abs=1e-9)
            assert row["closeness"] == pytest.approx(closeness[row["id"]], abs=1e-9)
        loaded = _stored(store)
        with store.atomic() as w:  # the same ties handed over in memory measure the same
            measure_wave(w, "n02-w1", ties=[(f"n02:p:{a}", f"n02:p:{b}") for a, b in ties])
        assert _stored(store) == loaded
    finally:
        unload_wave(store, "n02-w1")


STATEMENTS = {
    **{
        name: getattr(network, name)
        for name in (
            "WAVE_TIES",
            "SITES_OF_PEOPLE",
            "PARTICIPANTS_OF_SITES",
            "ORGANISATION_TYPES",
            "PEOPLE",
            "ORGANISATIONS",
            "SITE_PARTICIPANTS",
            "SURVEY_WAVES",
        )
    },
    **{name: getattr(measures, name) for name in ("WRITE_MEASURES", "WRITE_SUMMARY")},
    # what an update reads of the previous version, and what the history writes
    **changes.statements(),
    "HISTORY_RECORD": history.RECORD,
}


def test_every_statement_is_valid_neo4j_cypher(tmp_path):
    """No Neo4j runs here, so Neo4j's own linter (tools/cypher-lint) checks the statements."""
    assert_valid_neo4j_cypher(STATEMENTS, tmp_path / "statements")


def test_measures_computed_in_a_worker_process_are_those_computed_in_the_loader(store):
    load_package(store, FIXTURE)
    loaded = _stored(store)
    ties = [
        (r["respondent"], r["alter"])
        for r in store.read("MATCH (p:Participant)-[r:ADVISED_BY]->(x) RETURN p.id AS respondent, x.id AS alter").rows
    ]
    with store.atomic() as w:
        here = measures.start_measures(w, "n01-w1", lambda: ties, in_worker=False).rows()
        # Site A's star (four people and the PCT) and Site B's one tie: every participant in them.
        # The participants' rows come as WRITE_MEASURES takes them: the id, then each measure.
        assert sorted(row[0] for row in here[0]) == sorted([CENTRE, LEAF1, LEAF2, LEAF3, B1])
        assert {len(row) for row in here[0]} == {1 + len(measures.MEASURE_PROPERTIES)}
        assert measures.start_measures(w, "n01-w1", lambda: ties).rows() == here
        # the worker's own rows, read on its own connection (not the loader's fallback)
        worked = measures.start_measures(w, "n01-w1", lambda: ties)
        assert worked.worker is None or worked._from_worker() == here
        # A worker that dies leaves the rows to the loader, the same ones.
        lost = measures.start_measures(w, "n01-w1", lambda: ties)
        if lost.worker:
            lost.worker[0].kill()
        assert lost.rows() == here
        # A stopped worker is gone at once, and the rows are still had, computed by the loader.
        stopped = measures.start_measures(w, "n01-w1", lambda: ties)
        process = stopped.worker[0] if stopped.worker else None
        stopped.cancel()
        assert process is None or not process.is_alive()
        assert stopped.rows() == here
    assert _stored(store) == loaded
