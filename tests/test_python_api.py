"""`kb.connect()` as a notebook uses it: docs/python.md's examples run here, then what they do not show.

The demo studies are loaded once into a private data directory by the real `kb demo`; the expected
values are the papers' (Table 2 and 3 of the 2013 study), not what the code printed.
"""

from __future__ import annotations

import doctest
import math
import re

import networkx as nx
import pandas as pd
import pytest

import kb
from kb import engine
from kb.errors import ConfigError, NotFound, ReadOnlyViolation, UsageError
from support.cli import run_kb
from support.paths import REPO

PYTHON_DOC = REPO / "docs" / "python.md"
PYCON_BLOCK = re.compile(r"^```pycon\n(.*?)^```$", re.S | re.M)  # the page's examples, run as one session


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("python-api")
    loaded = run_kb("demo", data_dir=data_dir)
    assert loaded.exit_code == 0, str(loaded)
    yield data_dir
    engine.stop(data_dir)


@pytest.fixture
def k(demo_dir):
    with kb.connect(data_dir=demo_dir) as knowledge_base:
        yield knowledge_base


def test_the_documented_examples_print_what_the_page_shows(demo_dir, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(demo_dir))  # the page calls kb.connect() with no arguments
    monkeypatch.delenv("KB_URI", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("KB_CONFIG", raising=False)
    blocks = PYCON_BLOCK.findall(PYTHON_DOC.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "docs/python.md", str(PYTHON_DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted >= 15, "docs/python.md lost its examples"
    assert failed == 0, f"{failed} of {attempted} examples in docs/python.md print something else (see above)"


def test_a_query_answers_with_the_papers_figures_and_nullable_counts(k):
    table = k.query("interviews_by_site", study="z13").set_index("site")
    # Table 3 of the 2013 study: interviews per site, and 56 in all.
    assert table.loc["z13:site:B", "total"] == 16
    assert table["total"].sum() == 56
    assert table["total"].dtype == pd.Int64Dtype()


def test_an_unpublished_value_is_missing_not_zero(k):
    sites = k.query("compare_sites", study="z13").set_index("site")
    # Table 2 gives no localities for Sites C and F ("–"), and board density only for A and B.
    assert sites.loc[["z13:site:C", "z13:site:F"], "localities"].isna().all()
    assert sites["board_density"].notna().sum() == 2
    assert math.isclose(sites.loc["z13:site:A", "board_density"], 0.737)


def test_an_empty_answer_keeps_the_querys_columns(k):
    empty = k.query("compare_sites", study="z13", wave="s17-cases")  # study 1's sites were not in study 2's wave
    assert empty.empty
    assert list(empty.columns) == list(kb.api.get_query("compare_sites").columns)


def test_errors_are_the_commands_exceptions(k):
    with pytest.raises(NotFound, match="no query named 'nope'"):
        k.query("nope")
    with pytest.raises(UsageError, match="has no parameter 'colour'"):
        k.query("compare_sites", colour="red")
    with pytest.raises(NotFound, match="no study 'no-such-study'; the choices are s17, z13"):
        k.query("compare_sites", study="no-such-study")
    with pytest.raises(ReadOnlyViolation):
        k.cypher("MATCH (s:Site) SET s.population = 0")
    answer = k.cypher("MATCH (s:Site {id: $site}) RETURN s.name AS name", site="z13:site:A")
    assert answer["name"].tolist() == ["Site A"]


def test_a_library_query_becomes_a_graph_keyed_like_the_exports(k):
    g = k.graph("neighbourhood", id="z13:site:A", hops=1)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.graph["provenance"]["query"] == "neighbourhood"
    sites = [data for _, data in g.nodes(data=True) if data["labels"] == "Site"]
    assert [data["label"] for data in sites] == ["Site A"]  # one step from Site A reaches no other site
    studies = [data for _, data in g.nodes(data=True) if data["labels"] == "Study"]
    assert [data["id"] for data in studies] == ["z13"]  # the study that studied it


def test_waves_list_every_loaded_wave(k):
    waves = k.waves()
    # The demo is the shared vocabulary, one wave of the 2013 study and five of the 2017 study.
    assert len(waves) == 7
    assert set(waves.study) == {"vocab", "z13", "s17"}
    assert (waves.status == "loaded").all()


def test_closing_twice_is_harmless(demo_dir):
    k = kb.connect(data_dir=demo_dir)
    k.close()
    k.close()


def test_limits_given_to_connect_replace_the_configured_ones(demo_dir):
    # Six sites of study 1 make 6 × 5 / 2 = 15 pairs with a.id < b.id; a cap of 4 cuts them.
    pairs = (
        "MATCH (:Study {id: 'z13'})-[:STUDIED]->(a:Site), (:Study {id: 'z13'})-[:STUDIED]->(b:Site) "
        "WHERE a.id < b.id RETURN a.id, b.id"
    )
    with kb.connect(data_dir=demo_dir, max_rows=4) as capped:
        with pytest.warns(UserWarning, match="truncated at 4 rows"):
            cut = capped.cypher(pairs)
    assert len(cut) == 4 and cut.attrs["truncated"] is True
    with kb.connect(data_dir=demo_dir, max_rows=None) as uncapped:
        whole = uncapped.cypher(pairs)
    assert len(whole) == 15 and whole.attrs["truncated"] is False
    with pytest.raises(ConfigError, match="timeout must be a number of seconds"):
        kb.connect(data_dir=demo_dir, timeout="soon")
