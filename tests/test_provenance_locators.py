"""Provenance a reader can follow: each published figure of the demo points at its table, row and
column in the paper, and `site_profile` and `compare_sites` say where each value is published.

Every locator is checked against the paper itself (../shared/seeds, the PubMed Central text of
Zachariadis et al., BMJ Open 2013, whose Tables 2-4 are tab-separated): the table number, the row
label and the column heading must be the paper's own.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kb.errors import ValidationError
from kb.queries import run_named
from loaders.wave.api import list_waves, load_package
from loaders.wave.build import write_manifest
from support.demo_graph import demo_graph
from support.paths import DEMO, SEEDS

PAPER = SEEDS / "001_9c8e013cf013f2c3.txt"
OBSERVATIONS = DEMO / "10-z13-2011" / "site_observations.csv"
needs_paper = pytest.mark.skipif(not PAPER.is_file(), reason=f"seed documents not found at {SEEDS}")
DOCUMENT = "BMJ Open 2013 e002112"
LOCATOR = re.compile(rf"^{re.escape(DOCUMENT)}, Table (\d), row (Site [A-F]), column (.+)$")
FIGURE_COLUMNS = (
    "status", "pathfinder_wave", "population", "practices", "localities", "board_members", "board_secondary_care",
    "board_nurse", "board_patient", "executive_support", "pbc_roots", "meeting_observations", "survey_invited",
    "survey_responded", "board_density",
)  # fmt: skip


def _paper_tables() -> dict[int, tuple[set[str], set[str]]]:
    """Table number -> (heading cells, row labels), read from the paper's tab-separated tables."""
    lines = PAPER.read_text(encoding="utf-8").splitlines()
    tables: dict[int, tuple[set[str], set[str]]] = {}
    for i, line in enumerate(lines):
        title = re.match(r"^Table\s(\d)\s", line)  # the paper puts a no-break space after "Table"
        if not title:
            continue
        headings: set[str] = set()
        rows: set[str] = set()
        for body in lines[i + 1 :]:
            if body.startswith("Table ") or (rows and "\t" not in body):
                break
            cells = [cell.strip() for cell in body.split("\t") if cell.strip()]
            if cells and re.fullmatch(r"Site [A-F]|Total", cells[0]):
                rows.add(cells[0])
            else:
                headings.update(cells)
        if rows:  # a sentence that starts with "Table 2 shows…" has no rows under it
            tables[int(title.group(1))] = (headings, rows)
    return tables


def _observations() -> list[dict[str, str]]:
    with OBSERVATIONS.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _figure_locators(row: dict[str, str]) -> dict[str, str]:
    items = [item.strip() for item in row["figure_locators"].split(";") if item.strip()]
    pairs = [item.split(": ", 1) for item in items]
    assert len({name for name, _ in pairs}) == len(pairs), f"{row['site']}: a figure has two locators"
    return dict(pairs)


@pytest.mark.parametrize("row", _observations(), ids=lambda row: row["site"])
def test_every_published_figure_has_a_locator_and_nothing_else_does(row):
    published = {column for column in FIGURE_COLUMNS if row[column] != ""}
    assert set(_figure_locators(row)) == published


@needs_paper
@pytest.mark.parametrize("row", _observations(), ids=lambda row: row["site"])
def test_each_locator_names_the_papers_own_table_row_and_column(row):
    tables = _paper_tables()
    letter = row["site"].rsplit(":", 1)[1]
    for figure, locator in _figure_locators(row).items():
        match = LOCATOR.match(locator)
        assert match, f"{row['site']} {figure}: '{locator}' is not '{DOCUMENT}, Table N, row R, column C'"
        table, row_label, column = int(match.group(1)), match.group(2), match.group(3)
        headings, rows = tables[table]
        assert row_label == f"Site {letter}" and row_label in rows, (figure, locator)
        # "Covering (Population)" is the paper's two-level heading: Population under Covering.
        parts = re.fullmatch(r"(.+?) \((.+)\)", column)
        named = [parts.group(1), parts.group(2)] if parts and column not in headings else [column]
        assert all(name in headings for name in named), f"{figure}: '{column}' is not a heading of Table {table}"


def test_the_density_is_in_table_4_and_the_population_in_table_2():
    site_a = next(row for row in _observations() if row["site"] == "z13:site:A")
    locators = _figure_locators(site_a)
    assert locators["board_density"] == f"{DOCUMENT}, Table 4, row Site A, column Board density"
    assert locators["population"] == f"{DOCUMENT}, Table 2, row Site A, column Covering (Population)"
    assert locators["survey_responded"] == f"{DOCUMENT}, Table 3, row Site A, column Survey participation"


@pytest.fixture(scope="module")
def demo(kb_config):
    with demo_graph(kb_config, graph="demo_locators") as store:
        yield store


def test_site_profile_says_where_each_value_is_published(demo):
    rows = run_named(demo, "site_profile", {"site": "z13:site:C"}).rows
    sources = {(r["section"], r["item"]): r["source"] for r in rows}
    assert sources[("wave values", "population")] == f"{DOCUMENT}, Table 2, row Site C, column Covering (Population)"
    assert sources[("wave values", "meeting_observations")] == (
        f"{DOCUMENT}, Table 3, row Site C, column Meeting observations"
    )
    # Site C's row of sites.csv: where the site itself is described.
    assert sources[("site", "name")] == "BMJ Open 2013 e002112, Methods: Sampling; Table 2, Site C row"
    # Counts made here from the participants are no published figure.
    assert {sources[key] for key in sources if key[0] == "interviews"} == {None}
    # Site C publishes no pathfinder wave ("–" in Table 2): no value, so no row and no locator.
    assert ("wave values", "pathfinder_wave") not in sources


def test_compare_sites_carries_each_rows_source(demo):
    rows = {r["site"]: r for r in run_named(demo, "compare_sites", {"study": "z13"}).rows}
    assert rows["z13:site:A"]["source"] == f"{DOCUMENT}, Tables 2, 3 and 4, Site A row"
    assert rows["z13:site:F"]["source"] == f"{DOCUMENT}, Tables 2 and 3, Site F row"


# ---- Wave figures ----------------------------------------------------------------------------


def _wave_package(folder: Path, **manifest) -> Path:
    study = {"id": "t15", "title": "Test study 15"}
    write_manifest(folder, {"format": 1, "study": study, "wave": {"id": "t15-w1", "title": "Figures"}, **manifest})
    return folder


def test_each_wave_figure_keeps_its_locator(store, tmp_path):
    where = "Paper X, Table 3, row Total, column Total"
    load_package(store, _wave_package(tmp_path / "p", figures={"interviews": 56, "gps": 208},
                                      figure_locators={"interviews": where}))  # fmt: skip
    wave = list_waves(store)[0]
    assert wave["figures"] == {"gps": 208, "interviews": 56}
    assert wave["figure_locators"] == {"interviews": where}  # gps was given none: none is made up


@pytest.mark.parametrize(
    "locators, message",
    [
        ({"gp": "Paper X, Methods"}, "'gp' is not one of `figures`; give a locator only for a figure listed there"),
        ({"gps": ""}, "the locator of figure 'gps' must be text naming where it is published"),
    ],
)
def test_a_locator_without_its_figure_or_text_is_refused(store, tmp_path, locators, message):
    folder = _wave_package(tmp_path / "p", figures={"gps": 208}, figure_locators=locators)
    with pytest.raises(ValidationError) as caught:
        load_package(store, folder)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems
    assert list_waves(store) == []


@needs_paper
def test_the_demo_waves_figures_point_at_the_paper(demo):
    tables = _paper_tables()
    wave = next(w for w in list_waves(demo) if w["wave"] == "z13-2011")
    assert set(wave["figure_locators"]) == set(wave["figures"])
    paper = PAPER.read_text(encoding="utf-8")
    for figure, locator in wave["figure_locators"].items():
        cell = re.match(rf"^{re.escape(DOCUMENT)}, Table (\d), row (Total), column (.+)$", locator)
        if cell:
            headings, rows = tables[int(cell.group(1))]
            assert cell.group(2) in rows and cell.group(3) in headings, (figure, locator)
        else:  # a section of the paper: its heading is a line of its own
            section = locator.removeprefix(f"{DOCUMENT}, Methods: ")
            assert f"\n{section}\n" in paper, (figure, locator)
