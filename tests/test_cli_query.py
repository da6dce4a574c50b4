"""`kb query` as a user meets it: refusals that name the fix, the parameters a query's `--help`
lists, and Cypher read from a file or standard input. The demo is loaded once with `kb demo`.

Expected values come from the demo's files (data/studies) and the papers they transcribe.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kb import engine
from support.cli import run_kb
from support.paths import REPO

STUDIES = REPO / "data" / "studies"


def _rows(name: str) -> int:
    """How many entities the demo's wave packages define in files called `name`."""
    total = 0
    for path in STUDIES.glob(f"*/{name}"):
        with path.open(encoding="utf-8", newline="") as handle:
            total += sum(1 for _ in csv.DictReader(handle))
    return total


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli-query")
    loaded = run_kb("demo", data_dir=data_dir)
    assert loaded.exit_code == 0, str(loaded)
    yield data_dir
    engine.stop(data_dir)


def test_a_short_id_is_refused_with_both_sites_it_could_mean(demo_dir):
    done = run_kb("query", "knowledge_brokers", "--param", "site=A", data_dir=demo_dir)
    # knowledge_brokers offers the sites with participants: study 1's six (study 2's cases have none).
    assert (done.exit_code, done.error_lines) == (2, ["error: no site 'A'; did you mean z13:site:A?"])
    done = run_kb("query", "site_profile", "--param", "site=A", data_dir=demo_dir)
    assert done.error_lines == ["error: no site 'A'; did you mean s17:case:A or z13:site:A?"]
    assert done.stdout == ""


def test_knowledge_brokers_without_a_survey_network_is_refused_by_name(demo_dir):
    done = run_kb("query", "knowledge_brokers", "--param", "site=z13:site:B", data_dir=demo_dir)
    assert (done.exit_code, done.error_lines) == (
        2,
        ["error: no survey network is loaded for z13:site:B; load a wave with advice_ties.csv"],
    )


def test_a_missing_parameter_is_named(demo_dir):
    done = run_kb("query", "site_profile", "--param", "site=", data_dir=demo_dir)
    assert (done.exit_code, done.error_lines) == (
        2,
        ["error: missing parameter: site (the site's id, e.g. z13:site:A)"],
    )
    done = run_kb("query", "--cypher", "MATCH (s:Site {id: $site}) RETURN s.name AS name", data_dir=demo_dir)
    assert (done.exit_code, done.error_lines) == (
        2,
        ["error: missing parameter: site (the query uses $site; give it a value)"],
    )


def test_help_of_a_query_lists_its_parameters_and_values(demo_dir):
    done = run_kb("query", "board_representation", "--help", data_dir=demo_dir)
    assert done.exit_code == 0, str(done)
    lines = done.stdout.splitlines()
    assert (
        "Parameters of board_representation (Sites whose board includes a role); give each as --param NAME=VALUE:"
        in lines
    )
    assert "  role   string, default patient_representative: a participant role" in lines
    assert "  study  string, optional: a study's id; empty for every study" in lines
    # The study choices come from the knowledge base: the two studies with sites, by id, titled.
    values = " ".join(done.stdout.split("  study  ", 1)[1].split())
    assert values.startswith("string, optional: a study's id; empty for every study values: s17 (")
    assert ", z13 (Leadership of healthcare commissioning networks in England" in values
    assert "Usage: kb query [OPTIONS] [NAME]" in lines  # the command's own help comes first


def test_help_truncates_a_long_list_of_values_and_counts_them(demo_dir):
    done = run_kb("query", "evidence_for_theme", "--help", data_dir=demo_dir)
    assert done.exit_code == 0, str(done)
    assert f"… ({_rows('themes.csv')} in all)" in " ".join(done.stdout.split())


def test_help_for_an_unknown_query_says_so(demo_dir):
    done = run_kb("query", "--format", "csv", "no_such_query", "--help", data_dir=demo_dir)
    assert done.exit_code == 0
    assert (
        done.stdout.splitlines()[-1] == "There is no query named 'no_such_query'; `kb queries` lists the 22 available."
    )


def test_cypher_from_a_file(demo_dir, tmp_path):
    query = tmp_path / "sites.cypher"
    query.write_text(
        "// study 1's sites (Table 2 lists six)\nMATCH (s:Site) WHERE s.study = $study\nRETURN count(s) AS sites\n",
        encoding="utf-8",
    )
    done = run_kb("query", "--file", query, "--param", "study=z13", "--format", "json", data_dir=demo_dir)
    assert done.exit_code == 0, str(done)
    assert done.json() == [{"sites": 6}]


def test_cypher_from_standard_input(demo_dir):
    done = run_kb(
        "query",
        "--cypher",
        "-",
        "--format",
        "csv",
        data_dir=demo_dir,
        stdin="MATCH (s:Site) WHERE s.study = 's17' RETURN count(s) AS cases\n",
    )
    assert done.exit_code == 0, str(done)
    assert done.stdout.splitlines() == ["cases", str(_rows("sites.csv") - 6)]  # study 2's six cases


def test_an_empty_file_or_stdin_is_refused(demo_dir, tmp_path):
    empty = tmp_path / "empty.cypher"
    empty.write_text("  \n", encoding="utf-8")
    assert run_kb("query", "--file", empty, data_dir=demo_dir).error_lines == [f"error: there is no Cypher in {empty}"]
    done = run_kb("query", "--cypher", "-", data_dir=demo_dir, stdin="")
    assert (done.exit_code, done.error_lines) == (2, ["error: there is no Cypher in standard input"])


def test_one_source_of_query_at_a_time(demo_dir, tmp_path):
    query = tmp_path / "q.cypher"
    query.write_text("RETURN 1 AS x", encoding="utf-8")
    done = run_kb("query", "site_profile", "--file", query, data_dir=demo_dir)
    assert done.exit_code == 2
    assert done.error_lines == [
        "error: give one of a query NAME, --cypher TEXT or --file FILE (not NAME and --file); "
        "`kb queries` lists the names"
    ]
