"""Wave after wave at one site: each wave keeps its own measures and participant values, queries
answer for one wave, and unloading a wave takes only its own (the waves of tests/support/survey_waves.py).

Expected values are worked out by hand, with networkx's definitions (kb/sna_fast.py reproduces
them): betweenness counts the shortest paths through a node between pairs of other nodes of the
undirected network and, normalised, divides by the (n-1)(n-2)/2 pairs it could lie between;
closeness is (n-1) / (sum of distances to the others) in a connected network.
"""

from __future__ import annotations

import pytest

from kb.errors import NotFound
from kb.network import require_survey_network
from kb.queries import run_named
from loaders.wave.api import load_package, unload_wave
from support.survey_waves import CENTRE, LEAF1, LEAF2, LEAF3, LEAF4, SITE, all_waves, first_wave, second_wave

# n03-w1, the star of 5 (n - 1 = 4, pairs (4 * 3) / 2 = 6): every pair of the four leaves runs
# through Centre, 6 of 6, so Centre's betweenness is 1.0 and each leaf's 0. Centre is 1 step from
# each leaf: closeness 4 / 4 = 1.0; a leaf is 1 from Centre and 2 from three leaves: 4 / 7.
STAR = {
    CENTRE: {"betweenness": 1.0, "closeness": 1.0, "degree": 4},
    LEAF1: {"betweenness": 0.0, "closeness": 4 / 7, "degree": 1},
    LEAF2: {"betweenness": 0.0, "closeness": 4 / 7, "degree": 1},
    LEAF3: {"betweenness": 0.0, "closeness": 4 / 7, "degree": 1},
    LEAF4: {"betweenness": 0.0, "closeness": 4 / 7, "degree": 1},
}
# n03-w2, the path Leaf 1 - Leaf 2 - Centre - Leaf 3 - Leaf 4 (6 pairs again). Leaf 2 lies between
# Leaf 1 and each of Centre, Leaf 3, Leaf 4: 3 pairs, 3 / 6 = 0.5; Centre between {Leaf 1, Leaf 2}
# and {Leaf 3, Leaf 4}: 4 pairs, 4 / 6 = 2/3; Leaf 3 like Leaf 2: 0.5; the ends 0. Distances: from
# Centre 1, 1, 2, 2 (sum 6): closeness 4 / 6; from Leaf 2 or Leaf 3 1, 1, 2, 3 (7): 4 / 7; from an
# end 1, 2, 3, 4 (10): 4 / 10.
PATH = {
    CENTRE: {"betweenness": 4 / 6, "closeness": 4 / 6, "degree": 2},
    LEAF2: {"betweenness": 3 / 6, "closeness": 4 / 7, "degree": 2},
    LEAF3: {"betweenness": 3 / 6, "closeness": 4 / 7, "degree": 2},
    LEAF1: {"betweenness": 0.0, "closeness": 4 / 10, "degree": 1},
    LEAF4: {"betweenness": 0.0, "closeness": 4 / 10, "degree": 1},
}
# n03-w3, Centre and Leaf 1 alone: nobody lies between anyone (networkx gives 0 for two nodes),
# and each is 1 step from the other: closeness 1 / 1.
PAIR = {
    CENTRE: {"betweenness": 0.0, "closeness": 1.0, "degree": 1},
    LEAF1: {"betweenness": 0.0, "closeness": 1.0, "degree": 1},
}


def _brokers(store, wave: str = "") -> list[dict]:
    return run_named(store, "knowledge_brokers", {"site": SITE, "wave": wave}).rows


def _measured(rows: list[dict]) -> dict[str, dict]:
    return {r["participant"]: {k: r[k] for k in ("betweenness", "closeness", "degree")} for r in rows}


def _approx(expected: dict[str, dict]) -> dict[str, dict]:
    return {person: {k: pytest.approx(v) for k, v in values.items()} for person, values in expected.items()}


def _stored(store, wave: str) -> dict[str, dict]:
    """Every participant's measures on its OBSERVED_IN to `wave`."""
    rows = store.read(
        "MATCH (p:Participant)-[o:OBSERVED_IN]->(w:Wave {id: $wave}) WHERE o.betweenness IS NOT NULL "
        "RETURN p.id AS participant, o.betweenness AS betweenness, o.closeness AS closeness, o.degree AS degree",
        {"wave": wave},
    ).rows
    return _measured(rows)


def _density(store, wave: str) -> float | None:
    return store.read(
        "MATCH (s:Site {id: $site})-[o:OBSERVED_IN]->(w:Wave {id: $wave}) RETURN o.survey_board_density AS d",
        {"site": SITE, "wave": wave},
    ).single_value()


def test_two_waves_each_keep_their_own_measures(store, tmp_path):
    load_package(store, first_wave(tmp_path / "w1"))
    assert _stored(store, "n03-w1") == _approx(STAR)
    load_package(store, second_wave(tmp_path / "w2"))
    # The second wave's path sits beside the first wave's star, which it did not touch.
    assert _stored(store, "n03-w1") == _approx(STAR)
    assert _stored(store, "n03-w2") == _approx(PATH)
    # Without a wave the question answers for the latest: ranked by betweenness, then degree,
    # then name (Leaf 2 before Leaf 3; Leaf 1 before Leaf 4).
    latest = _brokers(store)
    assert [r["participant"] for r in latest] == [CENTRE, LEAF2, LEAF3, LEAF1, LEAF4]
    assert {r["wave"] for r in latest} == {"n03-w2"}
    assert _measured(latest) == _approx(PATH)
    first = _brokers(store, "n03-w1")
    assert [r["participant"] for r in first] == [CENTRE, LEAF1, LEAF2, LEAF3, LEAF4]
    assert _measured(first) == _approx(STAR)
    # `ties` counts only the wave's own: Centre has four in the star, two on the path.
    assert (first[0]["ties"], latest[0]["ties"]) == (4, 2)
    # site_network lists the ties of the wave it answers for, and says which.
    network = run_named(store, "site_network", {"site": SITE}).rows
    assert sorted((r["respondent"]["properties"]["id"], r["alter"]["properties"]["id"]) for r in network) == sorted(
        [(LEAF1, LEAF2), (LEAF2, CENTRE), (CENTRE, LEAF3), (LEAF3, LEAF4)]
    )
    assert {r["wave"] for r in network} == {"n03-w2"}


def test_panel_participants_hold_their_board_seat_wave_by_wave(store, tmp_path):
    load_package(store, first_wave(tmp_path / "w1"))
    load_package(store, second_wave(tmp_path / "w2"))
    seats = {
        wave: {r["participant"]: r["board_member"] for r in _brokers(store, wave)} for wave in ("n03-w1", "n03-w2")
    }
    # n03-w1 has participants.csv's seats; n03-w2 its own rows for Leaf 1, 2 and 3, and
    # participants.csv's for Centre and Leaf 4, about whom it says nothing.
    assert seats["n03-w1"] == {CENTRE: True, LEAF1: True, LEAF2: False, LEAF3: True, LEAF4: False}
    assert seats["n03-w2"] == {CENTRE: True, LEAF1: False, LEAF2: True, LEAF3: False, LEAF4: False}
    # Board density follows: in n03-w1 the board Centre, Leaf 1, Leaf 3 has 2 of 3 pairs tied
    # (Centre-Leaf 1, Centre-Leaf 3); in n03-w2 the board Centre, Leaf 2 has its one pair tied.
    assert _density(store, "n03-w1") == pytest.approx(2 / 3)
    assert _density(store, "n03-w2") == pytest.approx(1.0)
    changes = run_named(store, "wave_changes", {"study": "n03", "from_wave": "n03-w1", "to_wave": "n03-w2"}).rows
    listed = run_named(store, "participant_changes", {"site": SITE, "from_wave": "n03-w1", "to_wave": "n03-w2"}).rows
    people = {(r["id"], r["property"]): (r["before"], r["after"]) for r in listed}
    # wave_changes counts them: three board seats changed, and no participant gained or lost one.
    counted = {(r["item"], r["property"]): r["after"] for r in changes if r["change"] == "participant values"}
    assert {key: n for key, n in counted.items() if key[1] == "board_member"} == {("changed", "board_member"): 3}
    assert {key: value for key, value in people.items() if key[1] == "board_member"} == {
        (LEAF1, "board_member"): (True, False),
        (LEAF2, "board_member"): (False, True),
        (LEAF3, "board_member"): (True, False),
    }
    # The broker's betweenness, 2014 -> 2016, and its degree.
    assert people[(CENTRE, "betweenness")] == (pytest.approx(1.0), pytest.approx(2 / 3))
    assert people[(CENTRE, "degree")] == (4, 2)
    assert (LEAF4, "betweenness") not in people  # 0 in both waves: no change
    sites = {r["property"]: (r["before"], r["after"]) for r in changes if r["change"] == "site value"}
    assert sites["survey_board_density"] == (pytest.approx(2 / 3), pytest.approx(1.0))
    assert "survey_ties" not in sites and "survey_size" not in sites  # four ties among five, both times


def test_unloading_the_middle_of_three_waves_leaves_the_others_as_they_were(store, tmp_path):
    for package in all_waves(tmp_path):
        load_package(store, package)
    assert _stored(store, "n03-w3") == _approx(PAIR)
    assert [r["participant"] for r in _brokers(store)] == [CENTRE, LEAF1]  # the latest: n03-w3
    unload_wave(store, "n03-w2")
    assert _stored(store, "n03-w1") == _approx(STAR)
    assert _stored(store, "n03-w3") == _approx(PAIR)
    assert _stored(store, "n03-w2") == {}
    with pytest.raises(NotFound):
        _brokers(store, "n03-w2")  # its ties went with it: the wave is no longer in the choices
    assert {r["wave"] for r in _brokers(store)} == {"n03-w3"}
    # Leaf 1's board seat of n03-w2 went with it; in n03-w3 it has participants.csv's.
    assert {r["participant"]: r["board_member"] for r in _brokers(store)}[LEAF1] is True
    with pytest.raises(NotFound) as refused:
        require_survey_network(store, SITE, "n03-w2")
    assert (
        str(refused.value) == "wave 'n03-w2' has no survey network for n03:site:a; its survey waves are n03-w1, n03-w3"
    )
    assert require_survey_network(store, SITE).id == "n03-w3"


def test_a_site_without_a_survey_network_is_refused_by_name(store, tmp_path):
    load_package(store, first_wave(tmp_path / "w1"))
    store.write("CREATE (s:Site {id: 'n03:site:b', name: 'Site B'})")
    expected = "no survey network is loaded for n03:site:b; load a wave with advice_ties.csv"
    with pytest.raises(NotFound) as refused:
        require_survey_network(store, "n03:site:b")
    assert str(refused.value) == expected
    store.write(
        "MATCH (s:Site {id: 'n03:site:b'}) CREATE (p:Participant {id: 'n03:p:b1', name: 'B1'})-[a:AT]->(s)"
    )  # the site is now one of knowledge_brokers' choices (sites with participants)
    with pytest.raises(NotFound) as refused:
        run_named(store, "knowledge_brokers", {"site": "n03:site:b"})
    assert str(refused.value) == expected
