"""Library queries on a small hand-built graph, on every engine the `store` fixture offers.

The graph is shaped like what the loaders write (every node has `study` and `waves`, every
relationship a `wave`) but small enough that each expected value can be worked out by hand:
two studies, three sites, an advice network whose centralities are computed below, three
publications citing three works, a theme tree with five pieces of evidence. Ids start with `fx`
so that nothing here is mistaken for the papers' data (tests/test_queries_demo.py checks those).
"""

from __future__ import annotations

import pytest

from kb import schema
from kb.errors import NotFound
from kb.queries import run_named


def _nodes(store, label: str, rows: list[dict]) -> None:
    store.write(f"UNWIND $rows AS row CREATE (n:{schema.label(label)}) SET n = row", {"rows": rows})


def _rels(store, rel: str, rows: list[tuple]) -> None:
    """Rows are (start id, end id) or (start id, end id, properties)."""
    batch = [{"start": r[0], "end": r[1], "props": r[2] if len(r) > 2 else {}} for r in rows]
    store.write(
        f"UNWIND $rows AS row MATCH (a) WHERE a.id = row.start MATCH (b) WHERE b.id = row.end "
        f"CREATE (a)-[r:{schema.rel_type(rel)}]->(b) SET r = row.props",
        {"rows": batch},
    )


def _in(study: str, *waves: str, **props) -> dict:
    return {"study": study, "waves": list(waves), **props}


W1, W2, WB = "fx1-w1", "fx1-w2", "fx2-w1"
SITE_A, SITE_B, CASE_C = "fx1:site:A", "fx1:site:B", "fx2:case:C"

# The advice network of site A (undirected view): PCT-P1, P1-P2, P3-P2, P2-P4, P5-P4, P7-P4, a
# tree of 7 nodes. In a tree a node's betweenness is the number of pairs its removal separates:
# P2 splits {P1, PCT} | {P3} | {P4, P5, P7}: 2*1 + 2*3 + 1*3 = 11; P4 splits {P5} | {P7} | the
# other 4: 1 + 4 + 4 = 9; P1 splits {PCT} | the other 5: 5; leaves 0. Normalised (networkx,
# as kb.sna stores them) by (7-1)(7-2)/2 = 15. P0 is at site A but named by nobody.
NETWORK = {
    "fx1:p:1": ("P1", "gp", 5 / 15, 2),
    "fx1:p:2": ("P2", "pct_employee", 11 / 15, 3),
    "fx1:p:3": ("P3", "gp", 0.0, 1),
    "fx1:p:4": ("P4", "practice_manager", 9 / 15, 3),
    "fx1:p:5": ("P5", "gp", 0.0, 1),
    "fx1:p:7": ("P7", "patient_representative", 0.0, 1),
}
ADVICE = [
    ("fx1:p:1", "fx1:org:pct"),
    ("fx1:p:1", "fx1:p:2"),
    ("fx1:p:3", "fx1:p:2"),
    ("fx1:p:2", "fx1:p:4"),
    ("fx1:p:5", "fx1:p:4"),
    ("fx1:p:7", "fx1:p:4"),
]


def _studies_and_sites(store) -> None:
    _nodes(
        store,
        "Study",
        [
            {"id": "fx1", "title": "Fixture study one", "study": "fx1", "waves": [W1, W2]},
            {"id": "fx2", "title": "Fixture study two", "study": "fx2", "waves": [WB]},
        ],
    )
    _nodes(
        store,
        "Wave",
        [
            _in("fx1", W1, id=W1, title="first", phase=1),
            _in("fx1", W2, id=W2, title="second", phase=2),
            _in("fx2", WB, id=WB, title="cases", phase=1),
        ],
    )
    _rels(store, "HAS_WAVE", [("fx1", W1), ("fx1", W2), ("fx2", WB)])
    _nodes(
        store,
        "Site",
        [
            _in("fx1", W1, W2, id=SITE_A, name="Fixture site A", kind="ccg"),
            _in("fx1", W1, id=SITE_B, name="Fixture site B", kind="ccg"),
            _in("fx2", WB, id=CASE_C, name="Fixture case C", kind="case"),
        ],
    )
    _rels(
        store, "STUDIED", [("fx1", SITE_A, {"wave": W1}), ("fx1", SITE_B, {"wave": W1}), ("fx2", CASE_C, {"wave": WB})]
    )
    _rels(
        store,
        "OBSERVED_IN",
        [
            (
                SITE_A,
                W1,
                {"wave": W1, "board_members": 10, "population": 300000, "board_patient": True, "pbc_roots": "none"},
            ),
            (
                SITE_A,
                W2,
                {
                    "wave": W2,
                    "board_members": 12,
                    "population": 300000,
                    "board_patient": True,
                    "pbc_roots": "none",
                    "survey_ties": 6,
                    "survey_size": 7,
                },
            ),
            (
                SITE_B,
                W1,
                {"wave": W1, "board_members": 8, "board_patient": False, "board_nurse": True, "pbc_roots": "strong"},
            ),
        ],
    )


def _organisations(store) -> None:
    _nodes(
        store,
        "OrganisationType",
        [
            _in("vocab", "vocab-1", id="vocab:orgtype:pct", name="PCT"),
            _in("vocab", "vocab-1", id="vocab:orgtype:la", name="Local authority"),
        ],
    )
    _nodes(store, "ClinicalArea", [_in("vocab", "vocab-1", id="vocab:area:mh", name="Mental health")])
    _rels(
        store,
        "HAS_TIES",
        [
            (SITE_A, "vocab:orgtype:pct", {"wave": W1, "count": 18}),
            (SITE_B, "vocab:orgtype:pct", {"wave": W1, "count": 13}),
            (SITE_B, "vocab:orgtype:la", {"wave": W1, "count": 7}),
        ],
    )
    _nodes(
        store,
        "Organisation",
        [
            _in("fx1", W1, id="fx1:org:pct", name="A's PCT"),
            _in("fx2", WB, id="fx2:org:pct", name="C's PCT"),
            _in("fx2", WB, id="fx2:org:la", name="C's council"),
        ],
    )
    _rels(
        store,
        "OF_TYPE",
        [
            ("fx1:org:pct", "vocab:orgtype:pct"),
            ("fx2:org:pct", "vocab:orgtype:pct"),
            ("fx2:org:la", "vocab:orgtype:la"),
        ],
    )
    _nodes(
        store,
        "Initiative",
        [
            _in("fx1", W1, id="fx1:init:A1", name="Pathway groups"),
            _in("fx2", WB, id="fx2:init:C1", name="Wellbeing hub", gp_leadership_levels=["strategic"]),
        ],
    )
    _rels(store, "AT", [("fx1:init:A1", SITE_A), ("fx2:init:C1", CASE_C)])
    _rels(store, "IN_AREA", [("fx1:init:A1", "vocab:area:mh"), ("fx2:init:C1", "vocab:area:mh")])
    _rels(
        store,
        "INVOLVES",
        [
            ("fx1:init:A1", "fx1:org:pct", {"role": "partner"}),
            ("fx2:init:C1", "fx2:org:la", {"role": "funder"}),
            ("fx2:init:C1", "fx2:org:pct", {"role": "partner"}),
        ],
    )


def _participants(store) -> None:
    rows = [
        _in("fx1", W2, id=pid, name=name, role=role, board_member=True) for pid, (name, role, _, _) in NETWORK.items()
    ]
    rows.append(_in("fx1", W2, id="fx1:p:0", name="P0", role="gp", board_member=True))
    rows.append(_in("fx1", W2, id="fx1:p:b", name="B1", role="gp"))
    rows.append(_in("fx2", WB, id="fx2:p:1", name="Manager C", role="manager", interviewed=True))
    rows.append(_in("fx2", WB, id="fx2:p:2", name="GP C", role="gp", board_member=True, interviewed=True))
    _nodes(store, "Participant", rows)
    at_a = [(pid, SITE_A, {"wave": W2}) for pid in [*NETWORK, "fx1:p:0"]]
    _rels(
        store,
        "AT",
        at_a
        + [("fx1:p:b", SITE_B, {"wave": W2}), ("fx2:p:1", CASE_C, {"wave": WB}), ("fx2:p:2", CASE_C, {"wave": WB})],
    )
    _rels(
        store,
        "ADVISED_BY",
        [(a, b, {"wave": W2, "relation": "collaboration" if a == "fx1:p:7" else "advice"}) for a, b in ADVICE],
    )
    # The measures of wave W2 sit on each measured participant's OBSERVED_IN to it, as the loader writes them.
    measured = [(pid, W2, {"wave": W2, "betweenness": b, "degree": d}) for pid, (_, _, b, d) in NETWORK.items()]
    _rels(store, "OBSERVED_IN", [*measured, ("fx1:p:b", W2, {"wave": W2, "betweenness": 0.9, "degree": 4})])


def _themes_and_evidence(store) -> None:
    _nodes(
        store,
        "Theme",
        [
            _in("fx1", W1, id="fx1:theme:flows", name="Knowledge flows"),
            _in("fx1", W1, id="fx1:theme:brokers", name="Brokers"),
            _in("fx2", WB, id="fx2:theme:networks", name="Local networks"),
        ],
    )
    _rels(store, "SUBTHEME_OF", [("fx1:theme:brokers", "fx1:theme:flows")])
    _rels(store, "RELATES_TO", [("fx2:theme:networks", "fx1:theme:brokers", {"how": "similar", "note": "both"})])
    _nodes(
        store,
        "Evidence",
        [
            _in(
                "fx1",
                W1,
                id="fx1:ev:1",
                text="A GP said the PCT director brokered advice.",
                kind="paraphrase",
                speaker_role="gp",
                locator="doc 1, p. 1",
            ),
            _in(
                "fx1",
                W1,
                id="fx1:ev:2",
                text="Site B's board met away from the PCT.",
                kind="observation",
                locator="doc 1, p. 2",
            ),
            _in(
                "fx1",
                W1,
                id="fx1:ev:3",
                text="One person carried knowledge across the board.",
                kind="summary",
                locator="doc 1, p. 3",
            ),
            _in(
                "fx2",
                WB,
                id="fx2:ev:4",
                text="Leaders pulled in people they had known for years.",
                kind="paraphrase",
                locator="doc 2, p. 1",
            ),
            _in(
                "fx1",
                W1,
                id="fx1:ev:5",
                text="Knowledge flowed through documents.",
                kind="document",
                locator="doc 1, p. 4",
            ),
        ],
    )
    _rels(
        store,
        "CODED_AS",
        [
            ("fx1:ev:1", "fx1:theme:brokers"),
            ("fx1:ev:2", "fx1:theme:flows"),
            ("fx1:ev:3", "fx1:theme:flows"),
            ("fx1:ev:3", "fx1:theme:brokers"),
            ("fx2:ev:4", "fx2:theme:networks"),
            ("fx1:ev:5", "fx1:theme:flows"),
        ],
    )
    _rels(store, "FROM", [("fx1:ev:1", SITE_A), ("fx1:ev:2", SITE_B), ("fx1:ev:3", SITE_A), ("fx2:ev:4", CASE_C)])
    _rels(store, "SPOKEN_BY", [("fx2:ev:4", "fx2:p:1")])


def _citations(store) -> None:
    _nodes(
        store,
        "Publication",
        [
            _in("fx1", W1, id="fx1:pub:1", title="Paper one"),
            _in("fx2", WB, id="fx2:pub:1", title="Report"),
            _in("fx2", WB, id="fx2:pub:2", title="Paper two"),
        ],
    )
    _nodes(
        store,
        "Work",
        [
            {"id": "work:1", "title": "Shared policy paper", "year": 2010},
            {"id": "work:2", "title": "Study two's favourite", "year": 2012},
            {"id": "work:3", "title": "Listed twice", "year": 1996},
        ],
    )
    _rels(
        store,
        "CITES",
        [
            ("fx1:pub:1", "work:1", {"n": 1}),
            ("fx2:pub:1", "work:1", {"n": 3}),
            ("fx2:pub:1", "work:2", {"n": 4}),
            ("fx2:pub:2", "work:2", {"n": 1}),
            ("fx1:pub:1", "work:3", {"n": 2}),
            ("fx1:pub:1", "work:3", {"n": 9}),
        ],
    )


@pytest.fixture
def kb(store):
    for build in (_studies_and_sites, _organisations, _participants, _themes_and_evidence, _citations):
        build(store)
    return store


def rows_of(store, name: str, **params) -> list[dict]:
    return run_named(store, name, params).rows


def column(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows]


# --- network --------------------------------------------------------------------------------


def test_knowledge_brokers_rank_by_betweenness_then_degree(kb):
    rows = rows_of(kb, "knowledge_brokers", site=SITE_A, limit=10)
    # P3, P5, P7 tie on betweenness 0 and degree 1 and follow by name; P0 has no ties and no
    # measures, so it is not ranked at all. B1 is at site B.
    assert column(rows, "name") == ["P2", "P4", "P1", "P3", "P5", "P7"]
    assert column(rows, "rank_betweenness") == [1, 2, 3, 4, 5, 6]
    assert column(rows, "betweenness")[:3] == [pytest.approx(11 / 15), pytest.approx(9 / 15), pytest.approx(5 / 15)]
    assert column(rows, "ties") == [3, 3, 2, 1, 1, 1]
    assert set(column(rows, "wave")) == {W2}  # the latest (and only) wave with ties at site A


def test_knowledge_brokers_without_a_survey_network_ranks_nobody(kb):
    # Site B has a measured participant but no survey network of its own in any wave; asked for a
    # wave without ties, site A is refused too: nobody is ranked on an unknown measure, and the
    # refusal names the fix rather than answering with an empty ranking.
    with pytest.raises(NotFound) as refused:
        rows_of(kb, "knowledge_brokers", site=SITE_B)
    assert str(refused.value) == f"no survey network is loaded for {SITE_B}; load a wave with advice_ties.csv"
    with pytest.raises(NotFound) as refused:
        rows_of(kb, "knowledge_brokers", site=SITE_A, wave=W1)
    assert str(refused.value) == f"wave '{W1}' has no survey network for {SITE_A}; its survey waves are {W2}"
    assert rows_of(kb, "site_network", site=SITE_A, wave=W1) == []


def test_knowledge_brokers_limit_keeps_the_top(kb):
    assert column(rows_of(kb, "knowledge_brokers", site=SITE_A, limit=3), "participant") == [
        "fx1:p:2",
        "fx1:p:4",
        "fx1:p:1",
    ]


def test_site_network_returns_the_ties_as_graph_elements(kb):
    rows = rows_of(kb, "site_network", site=SITE_A)
    assert sorted((r["respondent"]["properties"]["id"], r["alter"]["properties"]["id"]) for r in rows) == sorted(ADVICE)
    assert {r["tie"]["type"] for r in rows} == {"ADVISED_BY"}
    advice_only = rows_of(kb, "site_network", site=SITE_A, relation="advice")
    assert len(advice_only) == 5  # P7's tie is a collaboration


def test_site_network_limit_keeps_the_strongest_ties(kb):
    kb.write("MATCH (p:Participant {id: 'fx1:p:5'})-[t:ADVISED_BY]->() SET t.weight = 0.9")
    rows = rows_of(kb, "site_network", site=SITE_A, limit=2)
    # P5's tie is the only one with a weight; the unweighted rest count as weakest and follow by
    # respondent and alter, so P1 -> A's PCT (fx1:org:pct sorts before fx1:p:2) comes next.
    assert [(r["respondent"]["properties"]["id"], r["alter"]["properties"]["id"]) for r in rows] == [
        ("fx1:p:1", "fx1:org:pct"),
        ("fx1:p:5", "fx1:p:4"),
    ]


def test_network_ties_totals_per_site(kb):
    rows = rows_of(kb, "network_ties", study="fx1")
    assert [(r["site"], r["type_name"], r["ties"], r["total_ties"]) for r in rows] == [
        (SITE_A, "PCT", 18, 18),
        (SITE_B, "PCT", 13, 20),
        (SITE_B, "Local authority", 7, 20),
    ]


# --- paths ----------------------------------------------------------------------------------


def test_connections_between_follow_relationships_against_their_direction(kb):
    # P3 -AT-> site A <-AT- P5 (2 hops), and P3 -OBSERVED_IN-> the wave that measured both <- P5,
    # are shorter than the advice chain P3-P2-P4-P5 (3 hops).
    rows = rows_of(kb, "connections_between", **{"from": "fx1:p:3", "to": "fx1:p:5"})
    found = sorted((r["hops"], r["through"], [rel["type"] for rel in r["path"]["relationships"]]) for r in rows)
    assert found == [
        (2, ["P3", "Fixture site A", "P5"], ["AT", "AT"]),
        (2, ["P3", "second", "P5"], ["OBSERVED_IN", "OBSERVED_IN"]),
    ]


def test_connections_between_lists_every_shortest_path(kb):
    # Sites A and B share their study, their first wave and the PCT stakeholder type.
    rows = rows_of(kb, "connections_between", **{"from": SITE_A, "to": SITE_B})
    assert sorted(r["through"][1] for r in rows) == sorted(["Fixture study one", "first", "PCT"])
    assert {r["hops"] for r in rows} == {2}


def test_connections_between_respects_max_hops(kb):
    assert rows_of(kb, "connections_between", **{"from": "fx1:p:3", "to": "fx1:p:5", "max_hops": 1}) == []


def test_neighbourhood_one_step(kb):
    rows = rows_of(kb, "neighbourhood", id=CASE_C, hops=1)
    assert sorted(column(rows, "id")) == sorted(["fx2", "fx2:init:C1", "fx2:p:1", "fx2:p:2", "fx2:ev:4"])
    assert set(column(rows, "hops")) == {1}


def test_neighbourhood_two_steps_reaches_further(kb):
    ids = set(column(rows_of(kb, "neighbourhood", id=CASE_C, hops=2), "id"))
    # through the initiative: its area and partners; through the study: its wave; through the
    # evidence: its theme; through the manager: the evidence again.
    assert {"vocab:area:mh", "fx2:org:la", "fx2:org:pct", WB, "fx2:theme:networks"} <= ids


# --- themes and evidence ----------------------------------------------------------------------


def test_theme_matrix_rolls_subtheme_evidence_up(kb):
    rows = rows_of(kb, "theme_matrix", study="fx1")
    # flows x A: ev1 (coded brokers) and ev3 (both); ev5 has no site and is left out.
    assert [(r["theme"], r["site"], r["evidence"]) for r in rows] == [
        ("fx1:theme:brokers", SITE_A, 2),
        ("fx1:theme:flows", SITE_A, 2),
        ("fx1:theme:flows", SITE_B, 1),
    ]
    assert rows[0]["parent"] == "fx1:theme:flows"


def test_theme_matrix_without_subthemes(kb):
    rows = rows_of(kb, "theme_matrix", study="fx1", include_subthemes=False)
    assert [(r["theme"], r["site"], r["evidence"]) for r in rows] == [
        ("fx1:theme:brokers", SITE_A, 2),
        ("fx1:theme:flows", SITE_A, 1),
        ("fx1:theme:flows", SITE_B, 1),
    ]


def test_theme_matrix_of_one_theme_and_its_subthemes(kb):
    def cells(**params):
        return [(r["theme"], r["site"], r["evidence"]) for r in rows_of(kb, "theme_matrix", **params)]

    # Flows' subtree is flows and brokers: the whole fx1 matrix. Brokers has no subtheme: ev1 and
    # ev3 at site A. Without subthemes, flows alone counts only what is coded with it (ev3 at A).
    assert cells(study="fx1", theme="fx1:theme:flows") == [
        ("fx1:theme:brokers", SITE_A, 2),
        ("fx1:theme:flows", SITE_A, 2),
        ("fx1:theme:flows", SITE_B, 1),
    ]
    assert cells(study="fx1", theme="fx1:theme:brokers") == [("fx1:theme:brokers", SITE_A, 2)]
    assert cells(study="fx1", theme="fx1:theme:flows", include_subthemes=False) == [
        ("fx1:theme:brokers", SITE_A, 2),
        ("fx1:theme:flows", SITE_A, 1),
        ("fx1:theme:flows", SITE_B, 1),
    ]
    assert cells(study="fx2", theme="fx1:theme:flows") == []  # flows' evidence is all from fx1's sites
    assert cells(study="", theme="fx2:theme:networks") == [("fx2:theme:networks", CASE_C, 1)]


def test_theme_matrix_limit_keeps_the_cells_with_most_evidence(kb):
    rows = rows_of(kb, "theme_matrix", study="fx1", limit=2)
    # Brokers x A and flows x A hold two pieces each, flows x B one: the last is left out.
    assert [(r["theme"], r["site"], r["evidence"]) for r in rows] == [
        ("fx1:theme:brokers", SITE_A, 2),
        ("fx1:theme:flows", SITE_A, 2),
    ]
    # Every study: fx1's three cells, then fx2's networks x case C (ev4).
    assert [(r["study"], r["theme"]) for r in rows_of(kb, "theme_matrix", study="")] == [
        ("fx1", "fx1:theme:brokers"),
        ("fx1", "fx1:theme:flows"),
        ("fx1", "fx1:theme:flows"),
        ("fx2", "fx2:theme:networks"),
    ]


def test_evidence_for_theme_with_and_without_subthemes(kb):
    rows = rows_of(kb, "evidence_for_theme", theme="fx1:theme:flows")
    assert column(rows, "evidence") == ["fx1:ev:1", "fx1:ev:3", "fx1:ev:2", "fx1:ev:5"]  # by site name, no site last
    assert rows[1]["themes"] == ["Brokers", "Knowledge flows"]
    assert (rows[0]["speaker_role"], rows[0]["locator"]) == ("gp", "doc 1, p. 1")
    assert column(rows_of(kb, "evidence_for_theme", theme="fx1:theme:flows", include_subthemes=False), "evidence") == [
        "fx1:ev:3",
        "fx1:ev:2",
        "fx1:ev:5",
    ]
    assert column(rows_of(kb, "evidence_for_theme", theme="fx1:theme:flows", site=SITE_A), "evidence") == [
        "fx1:ev:1",
        "fx1:ev:3",
    ]


def test_evidence_speaker_role_falls_back_to_the_participant(kb):
    rows = rows_of(kb, "evidence_for_theme", theme="fx2:theme:networks")
    assert [(r["evidence"], r["speaker_role"], r["site_name"]) for r in rows] == [
        ("fx2:ev:4", "manager", "Fixture case C")
    ]


def test_cross_study_themes_count_each_side(kb):
    rows = rows_of(kb, "cross_study_themes")
    assert len(rows) == 1
    row = rows[0]
    assert (row["study"], row["theme"], row["how"], row["related_study"], row["related"]) == (
        "fx2",
        "fx2:theme:networks",
        "similar",
        "fx1",
        "fx1:theme:brokers",
    )
    assert (row["theme_evidence"], row["related_evidence"]) == (1, 2)
    assert row["related_example"] == "A GP said the PCT director brokered advice."  # fx1:ev:1, first by id
    assert rows_of(kb, "cross_study_themes", how="contrasts") == []
    assert len(rows_of(kb, "cross_study_themes", study="fx1")) == 1  # either side counts


# --- initiatives ------------------------------------------------------------------------------


def test_initiatives_by_partner_type_spans_studies(kb):
    rows = rows_of(kb, "initiatives_by_partner_type", organisation_type="vocab:orgtype:pct")
    assert [(r["study"], r["initiative"], r["partner"], r["partner_role"]) for r in rows] == [
        ("fx1", "fx1:init:A1", "A's PCT", "partner"),
        ("fx2", "fx2:init:C1", "C's PCT", "partner"),
    ]
    assert column(rows_of(kb, "initiatives_by_partner_type", organisation_type="vocab:orgtype:la"), "initiative") == [
        "fx2:init:C1"
    ]
    assert len(rows_of(kb, "initiatives_by_partner_type", organisation_type="")) == 3


def test_initiatives_by_clinical_area(kb):
    rows = rows_of(kb, "initiatives_by_clinical_area", clinical_area="vocab:area:mh")
    assert [(r["initiative"], r["site_name"], r["partners"]) for r in rows] == [
        ("fx1:init:A1", "Fixture site A", ["A's PCT"]),
        ("fx2:init:C1", "Fixture case C", ["C's PCT", "C's council"]),
    ]
    assert rows[1]["gp_leadership_levels"] == ["strategic"]
    assert column(rows_of(kb, "initiatives_by_clinical_area", study="fx2"), "initiative") == ["fx2:init:C1"]


# --- boards and waves -------------------------------------------------------------------------


def test_board_representation_from_published_flags(kb):
    rows = rows_of(kb, "board_representation", role="patient_representative", study="fx1")
    # Site A's flag is set in both waves; P7, a patient representative, also sits on A's board.
    assert [(r["site"], r["wave"], r["published"], r["board_members_with_role"]) for r in rows] == [
        (SITE_A, W1, True, 1),
        (SITE_A, W2, True, 1),
    ]
    assert [(r["site"], r["published"]) for r in rows_of(kb, "board_representation", role="nurse")] == [(SITE_B, True)]


def test_board_representation_from_participants_alone(kb):
    rows = rows_of(kb, "board_representation", role="gp", study="fx2")
    assert [(r["site"], r["published"], r["board_members_with_role"]) for r in rows] == [(CASE_C, None, 1)]


def test_wave_changes_between_two_waves(kb):
    rows = rows_of(kb, "wave_changes", study="fx1", from_wave=W1, to_wave=W2)
    site_rows = [(r["item"], r["property"], r["before"], r["after"]) for r in rows if r["change"] == "site value"]
    assert site_rows == [
        ("Fixture site A", "board_members", 10, 12),
        ("Fixture site A", "survey_size", None, 7),
        ("Fixture site A", "survey_ties", None, 6),
        ("Fixture site B", "board_members", 8, None),
        ("Fixture site B", "board_nurse", True, None),
        ("Fixture site B", "board_patient", False, None),
        ("Fixture site B", "pbc_roots", "strong", None),
    ]
    entities = {r["kind"]: (r["before"], r["after"]) for r in rows if r["change"] == "entities"}
    # By `waves` lists: sites A (w1, w2) and B (w1); the 8 participants of sites A and B only w2;
    # themes, evidence, initiative, organisation and publication only w1. The study names both
    # waves and each wave node one, so neither label differs and neither is listed.
    assert entities == {
        "Site": (2, 1),
        "Participant": (0, 8),
        "Theme": (2, 0),
        "Evidence": (4, 0),
        "Initiative": (1, 0),
        "Organisation": (1, 0),
        "Publication": (1, 0),
    }
    # W1 observed and defined none of the participants; W2 observed the six of site A's network and
    # B1 (P0 was not observed: not counted). All seven have a role and W2's degree and betweenness
    # (0.0 is a value), the six of the network a board seat (B1 has none); nobody was interviewed.
    counted = [r for r in rows if r["change"] == "participant values"]
    people = {(r["item"], r["property"]): (r["before"], r["after"]) for r in counted}
    assert people == {
        ("added", "betweenness"): (0, 7),
        ("added", "board_member"): (0, 6),
        ("added", "degree"): (0, 7),
        ("added", "role"): (0, 7),
    }
    assert all(r["id"] is None and r["kind"] == "Participant" for r in counted)
    relationships = {r["kind"]: (r["before"], r["after"]) for r in rows if r["change"] == "relationships"}
    assert relationships == {
        "OBSERVED_IN": (2, 1 + 7),  # site A's, and the seven measured participants'
        "STUDIED": (2, 0),
        "HAS_TIES": (3, 0),
        "AT": (0, 8),
        "ADVISED_BY": (0, 6),
    }
    assert {(r["from_wave"], r["to_wave"]) for r in rows} == {(W1, W2)}


def test_wave_changes_defaults_to_first_and_last_wave(kb):
    rows = rows_of(kb, "wave_changes", study="fx1", from_wave="", to_wave="")
    assert {(r["from_wave"], r["to_wave"]) for r in rows} == {(W1, W2)}


def test_wave_changes_lists_nothing_for_one_wave_or_another_studys_waves(kb):
    assert rows_of(kb, "wave_changes", study="fx1", from_wave=W2, to_wave=W2) == []  # nothing differs from itself
    assert rows_of(kb, "wave_changes", study="fx2", from_wave=W1, to_wave=W2) == []  # fx1's waves, not fx2's
    # Reversed, every difference swaps sides, and participants added are participants removed.
    forward = rows_of(kb, "wave_changes", study="fx1", from_wave=W1, to_wave=W2)
    backward = rows_of(kb, "wave_changes", study="fx1", from_wave=W2, to_wave=W1)
    swapped = {"added": "removed", "removed": "added"}
    assert sorted(
        (r["kind"], str(r["item"]), r["property"], str(r["after"]), str(r["before"])) for r in backward
    ) == sorted(
        (r["kind"], str(swapped.get(r["item"], r["item"])), r["property"], str(r["before"]), str(r["after"]))
        for r in forward
    )


def test_participant_changes_lists_one_sites_participants(kb):
    rows = rows_of(kb, "participant_changes", site=SITE_A, from_wave=W1, to_wave=W2)
    # P2 (defined by W2) has its role and board seat from participants.csv and its measures from
    # its W2 observation; W1 gives nothing. P0 was not observed: not listed; B1 is at site B.
    people = [(r["id"], r["property"], r["before"], r["after"]) for r in rows]
    assert [row for row in people if row[0] == "fx1:p:2"] == [
        ("fx1:p:2", "betweenness", None, pytest.approx(11 / 15)),
        ("fx1:p:2", "board_member", None, True),
        ("fx1:p:2", "degree", None, 3),
        ("fx1:p:2", "role", None, "pct_employee"),
    ]
    assert {row[0] for row in people} == set(NETWORK)
    assert {(r["change"], r["kind"], r["from_wave"], r["to_wave"]) for r in rows} == {
        ("participant value", "Participant", W1, W2)
    }
    assert [(r["property"], r["before"], r["after"]) for r in rows_of(kb, "participant_changes", site=SITE_B)] == [
        ("betweenness", None, pytest.approx(0.9)),
        ("degree", None, 4),
        ("role", None, "gp"),
    ]  # the study's first and last waves by default
    backward = rows_of(kb, "participant_changes", site=SITE_B, from_wave=W2, to_wave=W1)
    assert [(r["property"], r["before"], r["after"]) for r in backward] == [
        ("betweenness", pytest.approx(0.9), None),
        ("degree", 4, None),
        ("role", "gp", None),
    ]
    assert rows_of(kb, "participant_changes", site=SITE_A, from_wave=W2, to_wave=W2) == []
    assert rows_of(kb, "participant_changes", site=CASE_C, from_wave=W1, to_wave=W2) == []  # fx1's waves, not fx2's


def test_wave_changes_counts_what_participant_changes_lists_site_by_site(kb):
    for w1, w2 in ((W1, W2), (W2, W1)):
        counted = {
            (r["item"], r["property"]): (r["before"], r["after"])
            for r in rows_of(kb, "wave_changes", study="fx1", from_wave=w1, to_wave=w2)
            if r["change"] == "participant values"
        }
        listed: dict[tuple[str, str], tuple[int, int]] = {}
        for site in (SITE_A, SITE_B):
            for r in rows_of(kb, "participant_changes", site=site, from_wave=w1, to_wave=w2):
                how = "added" if r["before"] is None else "removed" if r["after"] is None else "changed"
                before, after = listed.get((how, r["property"]), (0, 0))
                listed[(how, r["property"])] = (before + (r["before"] is not None), after + (r["after"] is not None))
        assert counted == listed


# --- citations, search, overview --------------------------------------------------------------


def test_co_cited_works(kb):
    rows = rows_of(kb, "co_cited_works", min_publications=2)
    assert [(r["work"], r["publications"], r["studies"], r["cited_by"]) for r in rows] == [
        ("work:1", 2, ["fx1", "fx2"], ["fx1:pub:1", "fx2:pub:1"]),
        ("work:2", 2, ["fx2"], ["fx2:pub:1", "fx2:pub:2"]),
    ]
    assert column(rows_of(kb, "co_cited_works", min_publications=2, min_studies=2), "work") == ["work:1"]
    # Paper one lists work 3 twice: still one citing publication.
    once = {r["work"]: r["publications"] for r in rows_of(kb, "co_cited_works", min_publications=1)}
    assert once["work:3"] == 1


def test_co_cited_works_limit_keeps_the_most_cited(kb):
    # Works 1 and 2 have two citing publications each, work 1 from two studies; work 3 has one.
    assert column(rows_of(kb, "co_cited_works", min_publications=1, limit=1), "work") == ["work:1"]
    assert column(rows_of(kb, "co_cited_works", min_publications=1, limit=2), "work") == ["work:1", "work:2"]


def test_search_is_case_insensitive_and_names_the_field(kb):
    rows = rows_of(kb, "search", text="BROKER")
    assert [(r["label"], r["id"], r["field"]) for r in rows] == [
        ("Evidence", "fx1:ev:1", "text"),
        ("Theme", "fx1:theme:brokers", "name"),
    ]
    assert column(rows_of(kb, "search", text="broker", label="Theme"), "id") == ["fx1:theme:brokers"]
    assert len(rows_of(kb, "search", text="", limit=3)) == 3


def test_study_overview_counts_per_wave(kb):
    rows = rows_of(kb, "study_overview")
    counts = {r["wave"]: (r["sites"], r["participants"], r["evidence"], r["publications"]) for r in rows}
    assert counts == {W1: (2, 0, 4, 1), W2: (1, 8, 0, 0), WB: (1, 2, 1, 2)}


def test_study_overview_lists_waves_that_define_nothing_yet(store):
    _nodes(store, "Study", [{"id": "fx3", "title": "Fixture study three", "study": "fx3", "waves": ["fx3-w1"]}])
    _nodes(store, "Wave", [_in("fx3", "fx3-w1", id="fx3-w1", title="planned", phase=1)])
    _rels(store, "HAS_WAVE", [("fx3", "fx3-w1")])
    rows = rows_of(store, "study_overview")
    assert [(r["wave"], r["sites"], r["participants"], r["evidence"], r["publications"]) for r in rows] == [
        ("fx3-w1", 0, 0, 0, 0)
    ]


def test_site_profile_sections_in_order(kb):
    rows = rows_of(kb, "site_profile", site=SITE_A)
    sections = [r["section"] for r in rows]
    order = ["site", "wave values", "interviews", "board", "ties", "initiatives", "themes"]
    assert set(sections) == set(order) - {"interviews"}  # nobody at site A was interviewed
    assert sections == sorted(sections, key=order.index)
    values = {(r["section"], r["item"], r["wave"]): r["value"] for r in rows}
    assert values[("wave values", "board_members", W1)] == 10
    assert values[("wave values", "board_members", W2)] == 12
    assert values[("ties", "PCT", W1)] == 18
    assert values[("board", "gp", None)] == 4  # P1, P3, P5, P0
    assert values[("themes", "Brokers", None)] == 2
    assert values[("initiatives", "Pathway groups", None)] == "Mental health"
