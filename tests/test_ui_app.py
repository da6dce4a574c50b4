"""The Streamlit app, page by page, on the demo data in a real embedded engine (streamlit.testing AppTest).

Expected values come from the published tables of study 1 (Zachariadis et al. 2013): Table 2
(site characteristics), Table 3 (interviews by site) and Table 4 (site A and B network ties).
"""

from __future__ import annotations

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kb import engine
from kb.config import load_config
from kb.store import open_store
from loaders.wave.api import load_demo, load_package
from support.paths import REPO
from support.paths import WAVE_FIXTURES as WAVES
from ui.data import VERSION_TTL_S

APP = REPO / "ui" / "app.py"
# The studies as the app names them: the first author and year of each one's earliest publication
# (study 1: Zachariadis, Oborn, Barrett, Zollinger-Read, BMJ Open 2013; study 2: Storey, Holti,
# Hartley, Marshall, Matharu, NIHR Journal Library 2017).
Z13_CITED, S17_CITED = "Zachariadis et al. 2013", "Storey et al. 2017"
PAGES = {
    "views/overview.py": "Commissioning research knowledge base",
    "views/sites.py": "Sites",
    "views/network.py": "Network",
    "views/themes.py": "Themes",
    "views/initiatives.py": "Initiatives",
    "views/citations.py": "Citations",
    "views/library.py": "Query library",
    "views/console.py": "Cypher console",
}
RENDER_BUDGET_S = 2.0
REFUSAL = (
    "Refused: this app only reads. The engine would not run this query because it would change "
    "the knowledge base. Load or change data with the loaders (`kb load`), not from here."
)


# A made-up work that one publication of each study cites, so the citations page has a work that
# two publications and two studies share (the demo's own reference lists may or may not have one).
CITED = [
    {
        "work": "uitest:work:shared",
        "title": "A work both studies cite (test data)",
        "year": 2011,
        "publications": ["z13:pub:bmjopen-2013", "s17:pub:marshall-manuscript"],
    }
]
CITED_WORK = """
UNWIND $rows AS row
MERGE (w:Work {id: row.work}) SET w.title = row.title, w.year = row.year
WITH w, row
UNWIND row.publications AS publication
MATCH (p:Publication {id: publication})
MERGE (p)-[c:CITES]->(w) SET c.n = 1
"""


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data directory whose embedded engine holds the demo studies."""
    path = tmp_path_factory.mktemp("ui-demo")
    with open_store(load_config(data_dir=path, env={})) as store:
        load_demo(store)
        store.write(CITED_WORK, {"rows": CITED})
    yield path
    # The app keeps its store and results for the server's life; this engine is about to stop.
    st.cache_resource.clear()
    st.cache_data.clear()
    engine.stop(path)


@pytest.fixture
def app_env(demo_dir, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(demo_dir))
    monkeypatch.setenv("KB_URI", "embedded")
    monkeypatch.delenv("KB_CONFIG", raising=False)
    monkeypatch.delenv("KB_UI_PASSWORD", raising=False)
    return demo_dir


def open_page(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def frame_with(at: AppTest, column: str):
    """The first table on the page that has `column`."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a '{column}' column; tables: {[list(f.value.columns) for f in at.dataframe]}")


def texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.error, *at.info, *at.warning, *at.title)]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_an_exception(app_env, page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == PAGES[page]


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p not in ("views/library.py", "views/console.py", "views/network.py")]
)
def test_every_table_shows_an_unknown_value_as_an_empty_cell(app_env, page):
    # The library and the console show a table once a query runs, the network once its switch is on
    # (tested there).
    at = open_page(page)
    # Streamlit draws a missing value as the word "None" unless the table says otherwise.
    assert at.dataframe, f"{page} shows no table"
    assert [frame.proto.placeholder for frame in at.dataframe] == [""] * len(at.dataframe)
    assert all(frame.proto.HasField("placeholder") for frame in at.dataframe)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_within_two_seconds_once_the_engine_is_up(app_env, page):
    open_page(page)  # the engine and the store start once per server, not per page
    st.cache_data.clear()  # measure the page's queries too, as after a new load
    at = open_page()
    at.switch_page(page)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    assert not at.exception
    assert elapsed < RENDER_BUDGET_S, f"{page} took {elapsed:.2f} s"


def test_overview_counts_the_two_studies_six_sites_each(app_env):
    at = open_page()
    metrics = {m.label: m.value for m in at.metric}
    # Study 1 has sites A-F and study 2 cases A-F; the shared vocabulary is loaded as a study of
    # its own but is not research, so it is not counted. Study 1 has one wave, study 2 five phases.
    assert metrics["Sites"] == "12"
    assert metrics["Studies"] == "2"
    assert metrics["Waves of fieldwork"] == "6"
    assert [h.value for h in at.header] == ["The studies", "What you can ask", "Sources"]


def test_overview_says_a_wave_reported_only_as_totals_holds_no_records(app_env):
    """Study 2's scoping study covered 15 CCGs but publishes no site's values: its wave holds no
    Site record, and the page says why a 0 stands there rather than leaving it to be read as none."""
    at = open_page()
    scoping = next(
        frame
        for frame in (d.value for d in at.dataframe)
        if "Sites on record" in frame.columns and any("scoping" in str(w) for w in frame["Wave"])
    )
    row = scoping[scoping["Wave"].str.contains("scoping")].iloc[0]
    assert row["Sites on record"] == 0
    assert any("only as totals" in c.value for c in at.caption)


def test_overview_shows_the_history_of_a_wave(app_env):
    at = open_page()
    assert not at.selectbox  # the researchers' part is drawn only when switched on
    at.toggle(key="overview:researchers").set_value(True).run()
    picker = at.selectbox(key="overview:history:wave")
    # Waves are listed by their titles (data/studies/10-z13-2011/wave.yaml), not their ids.
    assert "2010-11 fieldwork: interviews, board observations and board survey" in picker.options
    picker.set_value("z13-2011").run()
    history = frame_with(at, "source_hash")
    # The demo loaded each wave once: one load, status loaded, that created what the wave holds.
    assert list(history["status"]) == ["loaded"] and int(history["created"][0]) > 0
    assert list(history["updated"]) == [0] and list(history["removed"]) == [0]


def test_choosing_a_site_shows_its_profile_across_waves(app_env):
    at = open_page("views/sites.py")
    at.selectbox(key="site").set_value("z13:site:B").run()
    assert not at.exception
    assert f"Site B ({Z13_CITED})" in at.selectbox(key="site").options  # not "Site B (z13)"
    about = dict(zip(frame_with(at, "About")["About"], frame_with(at, "About")["Value"], strict=True))
    assert (about["Name"], about["Study"]) == ("Site B", Z13_CITED)
    waves = frame_with(at, "Measure")
    # The column is the wave as its package titles it (data/studies/10-z13-2011/wave.yaml).
    fieldwork = "2010-11 fieldwork: interviews, board observations and board survey"
    values = dict(zip(waves["Measure"], waves[fieldwork], strict=True))
    assert values["Population"] == "550,000"  # Table 2: site B covers 550 000 people
    assert values["Pathfinder wave"] == "2"
    # Table 3, site B: 6 GPs, 5 PCT employees, 3 practice managers, 1 hospital, 1 other; 16 in all.
    interviewed = frame_with(at, "Interviewed")
    assert list(zip(interviewed["Role"], interviewed["Interviewed"], strict=True)) == [
        ("GP", 6),
        ("PCT employee", 5),
        ("Practice manager", 3),
        ("Hospital", 1),
        ("Other", 1),
        ("Total", 16),
    ]
    shown = [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
    assert "None" not in shown and "nan" not in shown


def test_comparing_sites_lists_only_the_chosen_ones(app_env):
    at = open_compare()
    at.selectbox(key="sites:compare:study").set_value(None).run()  # (any): both studies' sites
    options = at.multiselect(key="sites:compare:chosen").options
    assert f"Site A ({Z13_CITED})" in options and f"Case A ({S17_CITED})" in options
    at.selectbox(key="sites:compare:study").set_value("z13").run()
    at.multiselect(key="sites:compare:chosen").set_value(["z13:site:A", "z13:site:E"]).run()
    assert not at.exception
    compared = frame_with(at, "population")
    assert dict(zip(compared["name"], compared["population"], strict=True)) == {"Site A": 300000, "Site E": 230000}


def test_running_a_library_query_shows_its_rows(app_env):
    at = open_page("views/library.py")
    at.selectbox(key="library:query").set_value("interviews_by_site").run()
    at.selectbox(key="library:interviews_by_site:study").set_value("z13").run()
    at.button[0].click().run()
    assert not at.exception
    table = frame_with(at, "total")
    by_site = {row["name"]: row for row in table.to_dict("records")}
    # Table 3. A count column stays a column of numbers (it sorts as numbers); an unknown count is
    # missing, shown as an empty cell, never 0.
    assert table["total"].dtype == "Int64" and table["gps"].dtype == "Int64"
    assert by_site["Site B"]["total"] == 16 and by_site["Site B"]["gps"] == 6
    assert table["total"].sum() == 56  # study 2's cases: no published count
    assert all(frame.proto.HasField("placeholder") and frame.proto.placeholder == "" for frame in at.dataframe)


def test_library_shows_the_query_cypher(app_env):
    at = open_page("views/library.py")
    at.selectbox(key="library:query").set_value("network_ties").run()
    assert not at.code  # drawn only when asked for: the code view's JavaScript is heavy
    at.toggle(key="library:cypher").set_value(True).run()
    assert any("HAS_TIES" in code.value for code in at.code)


def test_console_runs_a_read_query_with_parameters(app_env):
    at = open_page("views/console.py")
    at.text_area(key="console:cypher").set_value("MATCH (s:Site {id: $site}) RETURN s.name AS name")
    at.text_area(key="console:params").set_value('{"site": "z13:site:C"}')
    at.button(key="console:run").click().run()
    assert not at.exception and not at.error
    assert list(frame_with(at, "name")["name"]) == ["Site C"]


def test_the_console_starts_from_its_own_configured_time_limit(app_env, monkeypatch):
    assert open_page("views/console.py").number_input(key="console:timeout").value == 5.0  # docs/reliability.md
    monkeypatch.setenv("KB_CONSOLE_TIMEOUT", "3")
    monkeypatch.setenv("KB_QUERY_TIMEOUT", "30")  # the library's limit, not the console's
    assert open_page("views/console.py").number_input(key="console:timeout").value == 3.0


def test_console_refuses_a_write_and_nothing_changes(app_env):
    at = open_page("views/console.py")
    at.text_area(key="console:cypher").set_value("CREATE (s:Site {id: 'ui:site:X', name: 'Intruder'}) RETURN s")
    at.button(key="console:run").click().run()
    assert [e.value for e in at.error] == [REFUSAL]
    with open_store(load_config(data_dir=app_env, env={})) as store:
        assert store.read("MATCH (s:Site {id: 'ui:site:X'}) RETURN count(s) AS n").single_value() == 0
    assert any("refused: would write" in b.label for b in at.button)  # the history keeps the attempt


def test_console_explains_parameters_that_are_not_json(app_env):
    at = open_page("views/console.py")
    at.text_area(key="console:params").set_value("{site: A}")
    at.button(key="console:run").click().run()
    assert [e.value for e in at.error] == [
        "Parameters are not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2); "
        'write an object such as {"site": "z13:site:A"}'
    ]


def test_network_ties_of_site_a_match_table_4(app_env):
    at = open_compare()
    at.selectbox(key="sites:compare:study").set_value("z13").run()
    ties = frame_with(at, "type_name")
    site_a = ties[ties["name"] == "Site A"]
    assert int(site_a["total_ties"].iloc[0]) == 26
    assert float(site_a["board_density"].iloc[0]) == pytest.approx(0.737)


def test_themes_picking_a_cell_shows_evidence_with_its_locator(app_env):
    at = open_page("views/themes.py")
    at.selectbox(key="themes:theme:z13").set_value("z13:theme:knowledge-flows")
    at.selectbox(key="themes:site:z13").set_value("z13:site:B").run()
    assert not at.exception
    captions = [c.value for c in at.caption if "source:" in c.value]
    assert captions and all(c.startswith("Site B") for c in captions)
    assert all("source: not recorded" not in c for c in captions)


def test_themes_rows_narrow_the_matrix_to_one_theme_and_its_subthemes(app_env):
    at = open_page("views/themes.py")
    assert at.selectbox(key="study").value == "z13"  # study 1's framework until another is chosen
    rows = at.selectbox(key="theme").options  # the study's themes, labelled "name (study as cited)"
    assert rows[0] == "(every theme)" and len(rows) > 1
    assert all(label.endswith(f"({Z13_CITED})") for label in rows[1:])
    at.selectbox(key="theme").set_value("z13:theme:network-stability").run()
    assert not at.exception
    # Study 1 files policy and PCT uncertainty, network size and incentives under network stability;
    # the only evidence on incentives comes from the paper's discussion, from no site, so it has no cell.
    assert set(frame_with(at, "theme_name")["theme"]) == {
        "z13:theme:network-stability",
        "z13:theme:policy-uncertainty",
        "z13:theme:pct-uncertainty",
        "z13:theme:network-size",
    }


def test_advice_network_without_a_survey_says_so_and_ranks_nobody(app_env):
    # The demo's two studies publish no survey ties, so there is no advice network to rank anyone on.
    at = open_page("views/network.py")
    at.button_group(key="show").set_value("Advice network").run()
    assert not at.exception
    assert any(i.value.startswith("No survey network is loaded for this site") for i in at.info)
    assert not any(t.value == "Knowledge brokers" for t in at.header)
    assert not at.dataframe


def test_password_gate_asks_once_and_never_shows_the_password(app_env, monkeypatch):
    secret = "correct horse battery"
    monkeypatch.setenv("KB_UI_PASSWORD", secret)
    at = open_page()
    assert not at.metric  # nothing of the knowledge base before the password
    at.text_input(key="auth:password").set_value("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["That password is not right. Ask whoever runs this app for it."]
    at.text_input(key="auth:password").set_value(secret)
    at.button[0].click().run()
    assert at.title[0].value == PAGES["views/overview.py"]
    assert all(secret not in text for text in texts(at))


def test_citations_lists_a_work_two_studies_cite(app_env):
    at = open_page("views/citations.py")
    works = frame_with(at, "cited_by")
    shared = works[works["work"] == "uitest:work:shared"].to_dict("records")
    assert len(shared) == 1
    assert shared[0]["publications"] == 2
    assert set(shared[0]["studies"].split("; ")) == {Z13_CITED, S17_CITED}


def test_a_new_wave_shows_without_restarting_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KB_URI", "embedded")
    monkeypatch.delenv("KB_UI_PASSWORD", raising=False)
    try:
        with open_store(load_config(data_dir=tmp_path, env={})) as store:
            load_package(store, WAVES / "t01-w1")
            at = open_page()
            assert {m.label: m.value for m in at.metric}["Sites"] == "2"
            load_package(store, WAVES / "t01-w2")  # adds a third site
        time.sleep(VERSION_TTL_S + 0.5)  # the app re-reads what is loaded at most this often
        at.run()
        assert {m.label: m.value for m in at.metric}["Sites"] == "3"
    finally:
        engine.stop(tmp_path)


def test_a_graph_result_draws_and_offers_graph_downloads(app_env):
    at = open_page("views/library.py")
    at.selectbox(key="library:query").set_value("neighbourhood").run()
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel", "JSON", "GraphML", "GEXF", "Provenance"]
    hint = "Click one to read about it; drag to move, scroll to zoom."
    assert any(c.value.endswith(hint) for c in at.caption)


def test_a_table_result_offers_no_graph_downloads(app_env):
    at = open_page("views/library.py")
    at.selectbox(key="library:query").set_value("compare_sites").run()
    at.button[0].click().run()
    assert [b.label for b in at.get("download_button")] == ["CSV", "Excel", "JSON", "Provenance"]


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("ui-empty")
    open_store(load_config(data_dir=path, env={})).close()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    engine.stop(path)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_an_empty_knowledge_base(empty_dir, monkeypatch, page):
    monkeypatch.setenv("KB_DATA_DIR", str(empty_dir))
    monkeypatch.setenv("KB_URI", "embedded")
    monkeypatch.delenv("KB_UI_PASSWORD", raising=False)
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_themes_coder_agreement_reports_each_code(tmp_path, monkeypatch):
    from loaders.qdpx.load import load_qdpx
    from support.qdpx_builder import ProjectBuilder

    # the hand-worked example of tests/test_agreement.py: alpha 5/24 and kappa 1/6 for X
    p = ProjectBuilder("Agreement", origin="QualCoder 3.5")
    a, b = p.user("A"), p.user("B")
    x, y = p.code("X"), p.code("Y")
    source = p.text_source("doc", "abcdefghij", as_file=True)
    p.selection(source, 0, 6, [x], user=a)
    p.selection(source, 2, 8, [x], user=b)
    p.selection(source, 8, 10, [y], user=b)
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "kb"))
    monkeypatch.setenv("KB_URI", "embedded")
    monkeypatch.delenv("KB_UI_PASSWORD", raising=False)
    try:
        with open_store(load_config(data_dir=tmp_path / "kb", env={})) as store:
            load_qdpx(store, p.write(tmp_path / "agreement.qdpx"), study="agree")
        st.cache_resource.clear()
        st.cache_data.clear()
        at = open_page("views/themes.py")
        at.selectbox(key="themes:agreement-study").set_value("agree").run()
        assert not at.exception
        table = frame_with(at, "kappa")
        assert list(table["name"]) == ["X", "Y"]
        assert list(table["overlap"]) == [4, 0]
        assert table["alpha"][0] == pytest.approx(round(5 / 24, 4))
        assert table["kappa"][0] == pytest.approx(round(1 / 6, 4))
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        engine.stop(tmp_path / "kb")


def test_advice_network_of_a_surveyed_site_draws_it_and_ranks_its_people(tmp_path, monkeypatch):
    # t01-w1's survey: at site A the GP chair asks the nurse member for advice (advice_ties.csv row 1).
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KB_URI", "embedded")
    monkeypatch.delenv("KB_UI_PASSWORD", raising=False)
    try:
        with open_store(load_config(data_dir=tmp_path, env={})) as store:
            load_package(store, WAVES / "t01-w1")
        at = open_page("views/network.py")
        at.button_group(key="show").set_value("Advice network").run()
        at.selectbox(key="site").set_value("t01:site:a").run()
        assert not at.exception
        assert not any(i.value.startswith("No survey network") for i in at.info)
        assert any(t.value == "Knowledge brokers" for t in at.header)
        names = set(frame_with(at, "name")["name"])
        assert {"GP chair at site A", "Nurse member at site A"} <= names
    finally:
        engine.stop(tmp_path)


def test_clearing_the_compared_sites_leaves_no_site_in_any_table(app_env):
    at = open_compare()
    assert at.multiselect(key="sites:compare:chosen").value  # a first choice of sites
    at.multiselect(key="sites:compare:chosen").set_value([]).run()
    assert not at.exception
    assert any(i.value == "Choose one or more sites above to compare them." for i in at.info)
    assert not any("site" in frame.value.columns for frame in at.dataframe if len(frame.value))


def test_initiatives_start_unnarrowed_and_say_which_have_no_clinical_area(app_env):
    at = open_page("views/initiatives.py")
    assert at.selectbox(key="initiatives:partner:organisation_type").value in (None, "")
    assert at.selectbox(key="initiatives:area:clinical_area").value in (None, "")
    # The demo's two studies describe 11 initiatives; the papers give a clinical area for 6 of them.
    assert len(set(frame_with(at, "initiative")["initiative"])) == 6
    assert any(c.value.startswith("6 of the 11 initiatives loaded have a clinical area recorded") for c in at.caption)


RUNAWAY = "MATCH (a), (b), (c), (d) RETURN count(*) AS n"  # every 4-tuple of nodes: minutes on the demo


def test_a_runaway_console_query_stops_at_its_limit_and_stays_in_the_history(app_env):
    at = open_page("views/console.py")
    at.text_area(key="console:cypher").set_value(RUNAWAY)
    at.number_input(key="console:timeout").set_value(1.0)
    started = time.perf_counter()
    at.button(key="console:run").click().run()
    assert time.perf_counter() - started < 15
    assert [e.value for e in at.error][0].startswith("Stopped: the query was still running after 1 s")
    assert any(b.label.startswith("stopped at 1 s") for b in at.button)
    at.text_area(key="console:cypher").set_value("RETURN 1 AS one")
    at.button(key="console:run").click().run()  # the engine still answers
    assert list(frame_with(at, "one")["one"]) == [1]


def test_a_console_syntax_error_is_one_line_with_its_position(app_env):
    at = open_page("views/console.py")
    at.text_area(key="console:cypher").set_value("MATCH (n) RETRN n")
    at.button(key="console:run").click().run()
    (message,) = [e.value for e in at.error]
    assert message.startswith("The query has a syntax error at line 1, column 14")
    assert "errMsg" not in message and "errCtx" not in message


def test_site_profile_says_where_each_published_figure_comes_from(app_env):
    at = open_page("views/sites.py")
    at.selectbox(key="site").set_value("z13:site:B").run()
    assert not at.exception
    located = frame_with(at, "Published in")
    where = dict(zip(located["Figure"], located["Published in"], strict=True))
    # Study 1 publishes site B's population in Table 2 (Covering, Population) and its board size in Table 3.
    assert where["Population"] == "BMJ Open 2013 e002112, Table 2, row Site B, column Covering (Population)"
    assert where["Board members"] == "BMJ Open 2013 e002112, Table 3, row Site B, column Number of board members"
    values = dict(zip(located["Figure"], located["Value"], strict=True))
    assert values["Population"] == "550000"


def test_compared_sites_name_each_figures_locator(app_env):
    at = open_compare()
    at.selectbox(key="sites:compare:study").set_value("z13").run()
    at.multiselect(key="sites:compare:chosen").set_value(["z13:site:A", "z13:site:E"]).run()
    located = next(f.value for f in at.dataframe if {"Site", "Published in"} <= set(f.value.columns))
    populations = located[located["Figure"] == "Population"]
    assert sorted(populations["Published in"]) == [
        "BMJ Open 2013 e002112, Table 2, row Site A, column Covering (Population)",
        "BMJ Open 2013 e002112, Table 2, row Site E, column Covering (Population)",
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_ends_with_its_sources(app_env, page):
    at = open_page(page)
    assert at.header[-1].value == "Sources"
    listed = "\n".join(m.value for m in at.markdown)
    # Study 1's BMJ Open paper and study 2's NIHR report; Themes opens on study 1 alone, and Sites
    # on the profile of study 1's Site A.
    assert "Leadership of healthcare commissioning networks in England" in listed
    assert "https://doi.org/10.1136/bmjopen-2012-002112" in listed
    study_2 = "Mobilizing Clinical Leadership in and around Clinical Commissioning Groups" in listed
    assert study_2 == (page not in ("views/themes.py", "views/sites.py"))


def test_the_sources_of_one_study_list_only_its_publications(app_env):
    at = open_page("views/sites.py")
    at.selectbox(key="site").set_value("z13:site:B").run()
    listed = "\n".join(m.value for m in at.markdown)
    assert "Zachariadis M, Oborn E, Barrett M, Zollinger-Read P (2013)" in listed
    assert "Mobilizing Clinical Leadership" not in listed


def switch_tab(at: AppTest, view: str) -> None:
    """Click the tab `view` of tabs bound to the address as `view` (their state and the address)."""
    at.session_state["view"] = view
    at.query_params["view"] = view
    at.run()


def open_compare() -> AppTest:
    """Sites with the Compare tab open: only the open tab is drawn."""
    return open_link("views/sites.py", view="Compare")


def open_link(page: str, **params: str) -> AppTest:
    """A page opened from a link whose address holds `params`."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page(page)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    return at


def address(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_a_link_to_compared_sites_opens_exactly_those(app_env):
    at = open_link("views/sites.py", view="Compare", study="z13", sites="z13:site:B,z13:site:D")
    assert not at.exception and not at.error, [e.value for e in at.error]
    compared = frame_with(at, "population")
    # Table 2: site B covers 550 000 people and site D 325 000.
    assert dict(zip(compared["name"], compared["population"], strict=True)) == {"Site B": 550000, "Site D": 325000}
    at.multiselect(key="sites:compare:chosen").set_value(["z13:site:A"]).run()
    assert address(at)["sites"] == "z13:site:A" and address(at)["study"] == "z13"


def test_compare_keeps_its_choices_while_the_profile_is_open(app_env):
    at = open_link("views/sites.py", view="Compare", study="z13", sites="z13:site:B,z13:site:D")
    switch_tab(at, "Profile")
    # Only the open tab is drawn; the address keeps the comparison's choices meanwhile.
    assert not [w for w in at.multiselect if w.key == "sites:compare:chosen"]
    assert address(at)["sites"] == "z13:site:B,z13:site:D"
    switch_tab(at, "Compare")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.multiselect(key="sites:compare:chosen").value == ["z13:site:B", "z13:site:D"]
    assert at.selectbox(key="sites:compare:study").value == "z13"


def test_a_link_copied_after_clear_all_reopens_with_no_site_chosen(app_env):
    at = open_link("views/sites.py", view="Compare", study="z13")
    assert len(at.multiselect(key="sites:compare:chosen").value) == 6  # study 1's six sites by default
    at.multiselect(key="sites:compare:chosen").set_value([]).run()
    assert address(at)["sites"] == ""  # said, not left out: left out means the default six
    again = open_link("views/sites.py", **address(at))
    assert not again.exception and not again.error, [e.value for e in again.error]
    assert again.multiselect(key="sites:compare:chosen").value == []
    assert any("Choose one or more sites" in i.value for i in again.info)
    assert not any("population" in f.value.columns for f in again.dataframe)


def test_a_link_naming_a_site_not_loaded_says_so_and_compares_nothing(app_env):
    at = open_link("views/sites.py", view="Compare", sites="z13:site:B,z13:site:Q")
    assert any('"z13:site:Q"' in e.value for e in at.error)
    assert not any("population" in f.value.columns for f in at.dataframe)


def test_initiatives_keep_each_tabs_choices_in_the_address(app_env):
    at = open_link("views/initiatives.py", area_study="s17")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="initiatives:area:study").value == "s17"
    listed = frame_with(at, "area_name")
    assert set(listed["study"]) == {S17_CITED}
    at.selectbox(key="initiatives:partner:study").set_value("z13").run()
    assert address(at)["partner_study"] == "z13" and address(at)["area_study"] == "s17"
    bad = open_link("views/initiatives.py", partner="vocab:orgtype:nowhere")
    assert any('"vocab:orgtype:nowhere"' in e.value for e in bad.error)


def test_citations_thresholds_and_work_live_in_the_address(app_env):
    at = open_link("views/citations.py", min_studies="2", work="uitest:work:shared")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.number_input(key="citations:min_studies").value == 2
    assert at.selectbox(key="citations:work").value == "uitest:work:shared"
    # At least two studies cite every work listed, the test's shared work among them.
    works = frame_with(at, "publications")
    assert "uitest:work:shared" in set(works["work"]) and all(len(str(n).split("; ")) >= 2 for n in works["studies"])
    bad = open_link("views/citations.py", min_studies="two")
    assert any('"two"' in e.value for e in bad.error)
    assert not any("publications" in f.value.columns for f in bad.dataframe)


def test_a_library_link_with_parameters_reruns_that_question(app_env):
    at = open_link("views/library.py", q="interviews_by_site", study="z13")
    assert not at.exception and not at.error, [e.value for e in at.error]
    rows = frame_with(at, "site")
    assert set(rows["study"]) == {Z13_CITED} and len(rows) == 6  # Table 3: study 1's six sites
    at.selectbox(key="library:query").set_value("site_profile").run()
    assert "study" not in address(at)
    bad = open_link("views/library.py", q="interviews_by_site", study="nostudy")
    assert any('"nostudy"' in e.value for e in bad.error)


HEADING_LEVELS = {"Title": 1, "Header": 2, "Subheader": 3}


def headings(node) -> list[tuple[int, str]]:
    """The page's headings in the order it draws them, with their levels (h1-h3)."""
    found = [(HEADING_LEVELS[type(node).__name__], node.value)] if type(node).__name__ in HEADING_LEVELS else []
    for child in getattr(node, "children", {}).values():
        found += headings(child)
    return found


@pytest.mark.parametrize("page", list(PAGES))
def test_every_pages_headings_go_down_one_level_at_a_time(app_env, page):
    levels = headings(open_page(page).main)
    assert levels[0][0] == 1
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b[0] > a[0] + 1]
    assert not jumps, jumps


def test_the_graph_of_a_site_has_its_table_and_downloads_behind_a_switch(app_env):
    at = open_page("views/network.py")
    assert at.toggle(key="network:site:show-table").value is False
    assert not at.dataframe  # drawn only when asked for: the table's JavaScript is heavy
    at.toggle(key="network:site:show-table").set_value(True).run()
    assert not at.exception
    assert at.dataframe
    assert all(frame.proto.HasField("placeholder") and frame.proto.placeholder == "" for frame in at.dataframe)
    assert at.get("download_button")
