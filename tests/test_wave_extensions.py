"""Format extensions: wave figures, nested regions, model descriptions, coded evidence columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave.api import list_waves, load_package, unload_wave
from loaders.wave.build import write_manifest, write_table
from loaders.wave.manifest import parse_manifest

STUDY = {"id": "t04", "title": "Test study 04"}
HEAD = "format: 1\nstudy:\n  id: t04\n  title: T\nwave:\n  id: t04-w1\n  title: W\n"


def package(folder: Path, **manifest) -> Path:
    write_manifest(folder, {"format": 1, "study": STUDY, "wave": {"id": "t04-w1", "title": "Extensions"}, **manifest})
    return folder


def problems(store, folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_package(store, folder)
    return [str(problem) for problem in caught.value.problems]


def test_figures_become_wave_properties(store, tmp_path):
    load_package(store, package(tmp_path / "p", figures={"gps": 208, "population": 1662000, "response_rate": 0.94}))
    props = store.read(
        "MATCH (w:Wave {id: 't04-w1'}) RETURN w.figure_gps AS gps, w.figure_population AS population, "
        "w.figure_response_rate AS rate"
    ).first()
    assert props == {"gps": 208, "population": 1662000, "rate": 0.94}
    assert list_waves(store)[0]["figures"] == {"gps": 208, "population": 1662000, "response_rate": 0.94}


@pytest.mark.parametrize(
    "figures, expected",
    [
        (
            "figures:\n  gps count: 208\n",
            "wave.yaml: line 9: figure name 'gps count' is not an identifier; use letters, digits and '_', starting "
            "with "
            "a letter, e.g. meeting_observations",
        ),
        (
            "figures:\n  2nd_round: 3\n",
            "wave.yaml: line 9: figure name '2nd_round' is not an identifier; use letters, digits and '_', starting "
            "with "
            "a letter, e.g. meeting_observations",
        ),
        (
            "figures:\n  gps: 208 GPs\n",
            "wave.yaml: line 9: figure 'gps' is '208 GPs', which is not a number; write e.g. 208 or 0.94 (no "
            "thousands separators)",
        ),
        (
            "figures:\n  piloted: yes\n",
            "wave.yaml: line 9: figure 'piloted' is 'True', which is not a number; write e.g. 208 or 0.94 (no "
            "thousands separators)",
        ),
        (
            "figures: [208]\n",
            "wave.yaml: line 8: 'figures' must be a mapping of keys; see docs/wave-format.md for its keys",
        ),
    ],
    ids=["space", "digit-first", "text", "bool", "list"],
)
def test_figure_problems(figures, expected):
    manifest, found = parse_manifest(HEAD + figures)
    assert [str(problem) for problem in found] == [expected]
    assert manifest.figures == ()


def test_a_region_can_lie_in_a_larger_region(store, tmp_path):
    folder = package(tmp_path / "p")
    write_table(
        folder,
        "regions.csv",
        [
            {"id": "t04:region:north", "name": "North", "part_of": "t04:region:country", "locator": "map"},
            {"id": "t04:region:country", "name": "Country", "locator": "map"},
        ],
    )
    write_table(
        folder, "sites.csv", [{"id": "t04:site:a", "name": "Site A", "kind": "ccg", "region": "t04:region:north"}]
    )
    load_package(store, folder)
    chain = store.read(
        "MATCH (s:Site)-[a:IN_REGION]->(r:Region)-[b:IN_REGION]->(c:Region) "
        "RETURN s.id AS site, r.id AS region, c.id AS larger, b.source AS source"
    ).rows
    assert chain == [
        {
            "site": "t04:site:a",
            "region": "t04:region:north",
            "larger": "t04:region:country",
            "source": "regions.csv row 2",
        }
    ]
    unload_wave(store, "t04-w1")
    assert store.read("MATCH (n) RETURN count(n) AS n").single_value() == 0


def test_an_entity_that_refers_to_itself_is_refused(store, tmp_path):
    folder = package(tmp_path / "p")
    write_table(folder, "regions.csv", [{"id": "t04:region:north", "name": "North", "part_of": "t04:region:north"}])
    assert problems(store, folder) == [
        "regions.csv, row 2, column 'part_of': 't04:region:north' refers to itself; "
        "name another entity or leave the cell empty"
    ]


def test_commissioning_models_have_a_description(store, tmp_path):
    folder = package(tmp_path / "p")
    write_table(
        folder,
        "commissioning_models.csv",
        [{"id": "t04:model:x", "name": "Model X", "description": "Two lines\nof text"}],
    )
    load_package(store, folder)
    assert store.read("MATCH (m:CommissioningModel) RETURN m.description AS d").single_value() == "Two lines\nof text"


def _evidence(folder: Path, **cells) -> Path:
    write_table(folder, "themes.csv", [{"id": "t04:theme:a", "name": "A"}])
    write_table(
        folder,
        "evidence.csv",
        [
            {
                "id": "t04:ev:1",
                "text": "We said so.",
                "themes": ["t04:theme:a"],
                "kind": "excerpt",
                "locator": "transcript 3, lines 4-5",
                **cells,
            }
        ],
    )
    return folder


def test_excerpts_carry_coder_and_date(store, tmp_path):
    load_package(store, _evidence(package(tmp_path / "p"), coder="R. Coder", coded_on="2011-03-04"))
    row = store.read("MATCH (e:Evidence) RETURN e.kind AS kind, e.coder AS coder, e.coded_on AS coded_on").first()
    assert row == {"kind": "excerpt", "coder": "R. Coder", "coded_on": "2011-03-04"}


def test_coded_on_must_be_an_iso_date(store, tmp_path):
    folder = _evidence(package(tmp_path / "p"), coded_on="04/03/2011")
    assert problems(store, folder) == [
        "evidence.csv, row 2, column 'coded_on': '04/03/2011' is not an ISO date; write "
        "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2014-06"
    ]
