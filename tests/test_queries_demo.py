"""The query library on the demo data, checked against the published papers.

Expected values come from the papers, not from running the queries: study 1 (Zachariadis et al.,
BMJ Open 2013) Tables 1-4 and Box 1, and study 2's case-study paper (Marshall et al.) Box 1.
The demo is loaded once into its own graph on the embedded engine.
"""

from __future__ import annotations

import pytest

from kb.errors import NotFound
from kb.network import require_survey_network
from kb.queries import MissingParameter, UnknownChoice, choices_for, library, run_cypher, run_named
from kb.store.base import is_graph_value
from support.demo_graph import demo_graph

SITES = "ABCDEF"
# Table 3: GPs, PCT employees, practice managers, hospital, other, total, meeting observations,
# board members, survey responded / invited.
TABLE_3 = {
    "A": (3, 3, 2, 1, 1, 10, 5, 13, 13, 13),
    "B": (6, 5, 3, 1, 1, 16, 7, 13, 12, 13),
    "C": (5, 3, 0, 0, 0, 8, 3, 4, 4, 4),
    "D": (3, 1, 2, 0, 1, 7, 2, 13, 12, 13),
    "E": (3, 0, 1, 1, 3, 8, 1, 14, 13, 14),
    "F": (1, 1, 1, 1, 3, 7, 3, 6, 5, 6),
}
TABLE_3_TOTAL = (21, 13, 9, 4, 9, 56, 21, 63, 59, 63)
TABLE_3_PERCENT = {"A": 100, "B": 92, "C": 100, "D": 92, "E": 93, "F": 83}
TABLE_3_COLUMNS = (
    "gps",
    "pct_employees",
    "practice_managers",
    "hospital",
    "other",
    "total",
    "meeting_observations",
    "board_members",
    "survey_responded",
    "survey_invited",
)
# Table 2: status, pathfinder wave, population, practices, localities, board secondary care, nurse,
# patient, executive support, PBC roots ("–" in the paper is None here).
TABLE_2 = {
    "A": ("ccg", 1, 300000, 30, 6, False, False, True, False, "none"),
    "B": ("ccg", 2, 550000, 60, 4, False, False, True, False, "strong"),
    "C": ("locality", None, 50000, 4, None, False, False, False, False, "weak"),
    "D": ("ccg", 2, 325000, 47, 2, False, True, False, True, "strong"),
    "E": ("ccg", 1, 230000, 27, 2, True, True, True, True, "medium"),
    "F": ("ccg", 1, 77000, 10, None, False, True, True, True, "strong"),
}
# Table 4: ties of the Site A and Site B boards, by stakeholder type id, then total and density.
TABLE_4 = {
    "A": (
        {
            "gp_practice": 3,
            "pct": 18,
            "acute_provider": 2,
            "sha": 0,
            "community_provider": 1,
            "local_authority": 1,
            "other": 1,
        },
        26,
        0.737,
    ),
    "B": (
        {
            "gp_practice": 6,
            "pct": 13,
            "acute_provider": 2,
            "sha": 2,
            "community_provider": 3,
            "local_authority": 7,
            "other": 3,
        },
        36,
        0.622,
    ),
}
# A query whose defaults are allowed to find nothing on the demo, and why.
EMPTY_ON_DEMO = {
    "site_network": "the papers publish no survey edge list, so the demo has no ADVISED_BY ties",
    "participant_changes": "the demo's participants are study 1's, and study 1 has one wave",
}
# A query the demo cannot answer with its defaults, and the refusal that names the fix.
REFUSED_ON_DEMO = {
    "knowledge_brokers": "no survey network is loaded for z13:site:A; load a wave with advice_ties.csv",
}


@pytest.fixture(scope="session")
def demo(kb_config):
    """The curated demo (data/studies), loaded once into a graph of its own."""
    with demo_graph(kb_config, graph="demo_queries") as store:
        yield store


def run(store, name: str, **params) -> list[dict]:
    return run_named(store, name, params).rows


def site_id(letter: str) -> str:
    return f"z13:site:{letter}"


@pytest.mark.parametrize("name", sorted(library()))
def test_every_query_runs_with_its_defaults(demo, name):
    query = library()[name]
    if name in REFUSED_ON_DEMO:
        with pytest.raises(NotFound) as refused:
            run_named(demo, name, {})
        assert str(refused.value) == REFUSED_ON_DEMO[name]
        return
    result = run_named(demo, name, {})
    columns, rows = result.columns, result.rows
    assert columns == list(query.columns), "the header's columns must be what the query returns"
    if name == "co_cited_works" and not demo.read("MATCH (w:Work) RETURN count(w) AS n").single_value():
        pytest.skip("the demo load wrote no reference lists (the citations loader does not run in load_demo)")
    if name in EMPTY_ON_DEMO:
        assert rows == [], f"{name} found rows on the demo; remove it from EMPTY_ON_DEMO"
    else:
        assert rows, f"{name} found nothing on the demo with its defaults {result.provenance.parameters}"
    returns_graph = any(is_graph_value(value) for row in rows for value in row.values())
    assert returns_graph == (query.graph and bool(rows)), (
        "`graph: true` marks exactly the queries returning graph elements"
    )


@pytest.mark.parametrize(
    ("name", "param"),
    sorted((q.name, p.name) for q in library().values() for p in q.params if p.choices_query or p.choices),
)
def test_choices_are_offered_and_include_the_default(demo, name, param):
    spec = library()[name].param(param)
    choices = choices_for(demo, spec)
    assert choices, f"{name}.{param} offers no values on the demo"
    if spec.default not in (None, ""):
        assert spec.default in choices


def test_interviews_by_site_reproduces_table_3(demo):
    rows = {r["site"]: r for r in run(demo, "interviews_by_site", study="z13")}
    assert sorted(rows) == [site_id(s) for s in SITES]
    for letter, expected in TABLE_3.items():
        row = rows[site_id(letter)]
        assert tuple(row[c] for c in TABLE_3_COLUMNS) == expected, letter
        assert row["survey_percent"] == TABLE_3_PERCENT[letter]
    totals = tuple(sum(r[c] for r in rows.values()) for c in TABLE_3_COLUMNS)
    assert totals == TABLE_3_TOTAL
    assert round(100 * totals[8] / totals[9]) == 94  # the paper's overall response rate


def test_interviews_by_site_leaves_study_2s_unpublished_counts_unknown(demo):
    # The case-study paper (Marshall et al.) describes cases A-F in Box 1 but publishes no count
    # of interviewees, meetings or survey responses per case: every count is unknown, not 0.
    rows = [r for r in run(demo, "interviews_by_site") if r["study"] == "s17"]
    assert sorted(r["site"] for r in rows) == [f"s17:case:{letter}" for letter in SITES]
    for row in rows:
        assert all(row[c] is None for c in (*TABLE_3_COLUMNS, "survey_percent")), row["site"]
        assert row["note"] == "not published: no interview, meeting or survey counts for this site"
    # Study 1's Table 3 publishes every count, zeros included (Site C interviewed no practice manager).
    study_1 = {r["site"]: r for r in run(demo, "interviews_by_site") if r["study"] == "z13"}
    assert all(row["note"] is None for row in study_1.values())
    assert study_1[site_id("C")]["practice_managers"] == 0


def test_compare_sites_reproduces_table_2(demo):
    rows = {r["site"]: r for r in run(demo, "compare_sites", study="z13")}
    columns = (
        "status",
        "pathfinder_wave",
        "population",
        "practices",
        "localities",
        "board_secondary_care",
        "board_nurse",
        "board_patient",
        "executive_support",
        "pbc_roots",
    )
    for letter, expected in TABLE_2.items():
        row = rows[site_id(letter)]
        got = tuple(row[c].lower() if c in ("status", "pbc_roots") else row[c] for c in columns)
        assert got == expected, letter


def test_network_ties_reproduces_table_4(demo):
    rows = run(demo, "network_ties", study="z13")
    for letter, (ties, total, density) in TABLE_4.items():
        mine = [r for r in rows if r["site"] == site_id(letter)]
        assert {r["organisation_type"].removeprefix("vocab:orgtype:"): r["ties"] for r in mine} == ties
        assert {(r["total_ties"], r["board_density"]) for r in mine} == {(total, density)}
    assert {r["site"] for r in rows} == {site_id("A"), site_id("B")}  # Table 4 covers two sites


def test_network_ties_defaults_to_study_1s_table_4(demo):
    assert {r["site"] for r in run(demo, "network_ties")} == {site_id("A"), site_id("B")}


@pytest.mark.parametrize(
    ("role", "sites"),
    [("patient_representative", "ABEF"), ("nurse", "DEF"), ("hospital", "E")],  # Table 2 board representation
)
def test_board_representation_follows_table_2(demo, role, sites):
    rows = run(demo, "board_representation", role=role, study="z13")
    assert [r["site"] for r in rows] == [site_id(s) for s in sites]
    assert all(r["published"] is True for r in rows)


def test_board_representation_does_not_count_unknown_board_members_as_none(demo):
    # Table 3 gives the size of each board, not who sits on it, so no participant's board
    # membership is known: the count of board members with the role is unknown, not 0.
    rows = run(demo, "board_representation", role="patient_representative", study="z13")
    assert [r["board_members_with_role"] for r in rows] == [None] * 4
    assert all(r["note"] is None for r in rows)  # Table 2 says yes for each of them


def test_board_representation_of_gps_is_unknown_not_absent(demo):
    # Table 2 flags secondary care, nurse and patient seats only; neither paper says per site
    # whether a GP sits on the board. Every site is listed as unknown rather than none.
    rows = run(demo, "board_representation", role="gp", study="z13")
    assert [r["site"] for r in rows] == [site_id(s) for s in SITES]
    assert {(r["published"], r["board_members_with_role"]) for r in rows} == {(None, None)}
    assert {r["note"] for r in rows} == {"not published whether the board has a member of this role"}
    # Study 2's boards: Box 1 names no board seat per case, so every case is unknown for every role.
    cases = run(demo, "board_representation", role="nurse", study="s17")
    assert [r["site"] for r in cases] == [f"s17:case:{letter}" for letter in SITES]
    assert all(r["note"] for r in cases)


def test_board_representation_carries_pbc_roots_and_density(demo):
    rows = {r["site"]: r for r in run(demo, "board_representation", role="patient_representative")}
    assert (rows[site_id("A")]["pbc_roots"], rows[site_id("A")]["board_density"]) == ("none", 0.737)
    assert (rows[site_id("B")]["pbc_roots"], rows[site_id("B")]["board_density"]) == ("strong", 0.622)


def test_recommendations_follow_box_1(demo):
    rows = run(demo, "recommendations", study="z13")
    assert {r["process"]: r["count"] for r in rows} == {
        "Overall network leadership strategy": 4,
        "Managing knowledge mobility": 4,
        "Managing network coherence": 2,
        "Managing network stability": 2,
    }
    assert {r["publication"] for r in rows} == {"z13:pub:bmjopen-2013"}


def test_commissioning_models_in_table_1_order(demo):
    rows = run(demo, "commissioning_models")
    assert [r["abbreviation"] for r in rows] == ["GPFH", "TPP", "PCT", "PBC", "CCG"]
    assert [r["position"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["followed_by"] for r in rows] == ["TPP", "PCT", "PBC", "CCG", None]
    assert all(r["coordinating_mechanism"] and r["governance"] for r in rows)


def test_initiatives_by_partner_type_answers_across_both_studies(demo):
    rows = run(demo, "initiatives_by_partner_type", organisation_type="vocab:orgtype:gp_practice")
    assert {r["study"] for r in rows} == {"z13", "s17"}
    # Study 2 Box 1: case F's GPs work with the local authority on an Accountable Care Organisation.
    council = run(demo, "initiatives_by_partner_type", organisation_type="vocab:orgtype:local_authority")
    assert [(r["site"], r["initiative_name"]) for r in council] == [
        ("s17:case:F", "Accountable Care Organisation concept")
    ]


def test_initiatives_by_clinical_area_mental_health(demo):
    # Study 2 Box 1: adult mental health in case A, a Wellbeing Hub for preventative mental health in case C.
    rows = run(demo, "initiatives_by_clinical_area", clinical_area="vocab:area:mental_health")
    assert sorted(r["site"] for r in rows) == ["s17:case:A", "s17:case:C"]
    assert any("Wellbeing Hub" in r["initiative_name"] for r in rows)


def test_site_profile_of_site_a(demo):
    rows = run(demo, "site_profile", site=site_id("A"))
    values = {(r["section"], r["item"]): r["value"] for r in rows}
    assert values[("wave values", "population")] == 300000
    assert values[("wave values", "board_density")] == 0.737
    assert values[("ties", "Primary care trust (PCT)")] == 18
    interviews = {item: value for (section, item), value in values.items() if section == "interviews"}
    assert interviews == {"gp": 3, "pct_employee": 3, "practice_manager": 2, "hospital": 1, "other": 1}


def test_study_overview_counts_the_papers_samples(demo):
    rows = {r["wave"]: r for r in run(demo, "study_overview")}
    assert (rows["z13-2011"]["sites"], rows["z13-2011"]["participants"]) == (6, 56)  # six sites, 56 interviewed
    assert rows["s17-cases"]["sites"] == 6  # six case studies
    assert [r["phase"] for r in run(demo, "study_overview") if r["study"] == "s17"] == [1, 2, 3, 4, 5]  # five phases


def test_wave_changes_from_scoping_to_case_studies(demo):
    rows = run(demo, "wave_changes")
    entities = {r["kind"]: (r["before"], r["after"]) for r in rows if r["change"] == "entities"}
    assert entities["Site"] == (0, 6)


def test_cross_study_themes_pair_the_two_studies(demo):
    rows = run(demo, "cross_study_themes")
    assert {(r["study"], r["related_study"]) for r in rows} == {("s17", "z13")}
    assert all(r["theme_evidence"] + r["related_evidence"] > 0 for r in rows)


def test_evidence_for_theme_keeps_locators(demo):
    rows = run(demo, "evidence_for_theme", theme="z13:theme:knowledge-brokers")
    assert rows and all(r["locator"] for r in rows)
    assert site_id("A") in {r["site"] for r in rows}  # the single broker of Site A's network


def test_theme_matrix_has_study_1_leadership_processes(demo):
    names = {r["theme_name"] for r in run(demo, "theme_matrix", study="z13")}
    assert {"Managing network coherence", "Managing network stability"} <= names
    assert any(name.startswith("Managing knowledge flows") for name in names)


def test_theme_matrix_defaults_to_study_1_and_narrows_to_one_process(demo):
    assert {(r["study"], r["site"][: len("z13:site:")]) for r in run(demo, "theme_matrix")} == {("z13", "z13:site:")}
    # Managing network stability and its subthemes (policy and PCT uncertainty, network size,
    # incentives): no other theme of study 1 may appear.
    rows = run(demo, "theme_matrix", theme="z13:theme:network-stability")
    assert {r["parent"] for r in rows} <= {None, "z13:theme:network-stability"}
    assert "Managing network stability" in {r["theme_name"] for r in rows}


def test_search_finds_case_c_wellbeing_hub(demo):
    rows = run(demo, "search", text="wellbeing hub", label="Initiative")
    assert [r["id"] for r in rows] == ["s17:init:C-wellbeing-hub"]


def test_connections_between_defaults_join_the_studies(demo):
    rows = run(demo, "connections_between")
    assert rows
    for row in rows:
        ends = row["path"]["nodes"][0]["properties"]["id"], row["path"]["nodes"][-1]["properties"]["id"]
        assert ends == ("z13:site:A", "s17:case:C")
        assert row["hops"] == len(row["path"]["relationships"]) <= 6


def test_neighbourhood_of_case_f(demo):
    ids = {r["id"] for r in run(demo, "neighbourhood", id="s17:case:F")}
    assert {"s17:init:F-accountable-care", "s17:org:F-local-authority"} <= ids


def test_knowledge_brokers_ranks_nobody_without_a_survey_network(demo):
    # Site A's ten interviewees have no measures: the papers publish no edge list. Ranking them
    # 1-10 on unknown values would invent an order, so the library refuses, naming the fix.
    with pytest.raises(NotFound) as refused:
        run(demo, "knowledge_brokers", site=site_id("A"), limit=50)
    assert str(refused.value) == "no survey network is loaded for z13:site:A; load a wave with advice_ties.csv"
    with pytest.raises(NotFound) as refused:
        require_survey_network(demo, site_id("A"))
    assert str(refused.value) == "no survey network is loaded for z13:site:A; load a wave with advice_ties.csv"


def test_co_cited_works_spans_both_studies(demo):
    if not demo.read("MATCH (w:Work) RETURN count(w) AS n").single_value():
        pytest.skip("the demo load wrote no reference lists (the citations loader does not run in load_demo)")
    # Both reference lists cite the 2010 White Paper "Equity and excellence: liberating the NHS".
    rows = run(demo, "co_cited_works", min_studies=2)
    assert any("equity and excellence" in (r["title"] or "").lower() for r in rows)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        # Study 1's Site A and study 2's Case A are different places: a bare letter could be either.
        ("site_profile", {"site": "A"}, "no site 'A'; did you mean s17:case:A or z13:site:A?"),
        ("site_profile", {"site": "Site A"}, "no site 'Site A'; did you mean z13:site:A?"),
        (
            "initiatives_by_partner_type",
            {"organisation_type": "acute_provider"},
            "no organisation_type 'acute_provider'; did you mean vocab:orgtype:acute_provider?",
        ),
        ("board_representation", {"role": "GP"}, "no role 'GP'; did you mean gp?"),
        ("compare_sites", {"study": "Z13"}, "no study 'Z13'; did you mean z13?"),
    ],
)
def test_a_value_outside_the_choices_is_refused_with_the_nearest(demo, name, params, message):
    with pytest.raises(UnknownChoice) as refused:
        run(demo, name, **params)
    assert str(refused.value) == message


def test_an_unknown_site_is_refused_before_its_survey_network_is_looked_up(demo):
    with pytest.raises(UnknownChoice) as refused:
        run(demo, "knowledge_brokers", site="z13:site:Q")
    assert str(refused.value).startswith("no site 'z13:site:Q'; did you mean z13:site:")


def test_free_cypher_names_the_parameters_it_was_not_given(demo):
    with pytest.raises(MissingParameter) as missing:
        run_cypher(demo, "MATCH (s:Site {id: $site}) WHERE s.study = $study RETURN s.id AS id", {"site": "x"})
    assert str(missing.value) == "missing parameter: study (the query uses $study; give it a value)"
    with pytest.raises(MissingParameter) as missing:
        run_cypher(demo, "RETURN $a + $b AS total, '$not_a_parameter' AS text", {})
    assert str(missing.value) == "missing parameters: a, b (the query uses $a, $b; give each a value)"
    assert run_cypher(demo, "RETURN $a + $b AS total", {"a": 1, "b": 2}).rows == [{"total": 3}]
