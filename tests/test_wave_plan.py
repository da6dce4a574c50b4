"""The write plan: node rows per label, relationship rows per (type, start, end), with provenance.

Expected numbers are counted by hand from the fixture files.
"""

from __future__ import annotations

from loaders.wave.api import validate_package
from loaders.wave.plan import StoreFacts, build_plan
from support.paths import WAVE_FIXTURES as FIXTURES


def by_id(rows):
    return {row["id"]: row for row in rows}


def pairs(plan, key):
    return sorted((row["start"], row["end"]) for row in plan.relationships[key])


def test_nodes_per_label_with_provenance():
    plan = build_plan(validate_package(FIXTURES / "t01-w1"))
    assert {label: len(rows) for label, rows in plan.nodes.items()} == {
        "Publication": 1,
        "Region": 2,
        "OrganisationType": 2,
        "Site": 2,
        "Organisation": 2,
        "Participant": 3,
        "Theme": 2,
        "Evidence": 1,
    }
    assert by_id(plan.nodes["Site"])["t01:site:b"] == {
        "id": "t01:site:b",
        "name": "Site B",
        "kind": "locality",
        "description": "Rural;\r\ntwo market towns",
        "study": "t01",
        "waves": ["t01-w1"],
        "source": "sites.csv row 3",
        "locator": "report section 2",
    }
    # the file's own columns in its order (the region reference and the locator are not own
    # properties), then the provenance: the order the bulk command's property list follows
    assert list(by_id(plan.nodes["Site"])["t01:site:b"]) == [
        "id", "name", "kind", "description", "study", "waves", "source", "locator"
    ]  # fmt: skip
    # empty cells are left out; lists stay lists; the reference columns became relationships
    assert by_id(plan.nodes["Participant"])["t01:person:p3"] == {
        "id": "t01:person:p3",
        "name": "Nurse member at site A",
        "role": "nurse",
        "board_member": True,
        "study": "t01",
        "waves": ["t01-w1"],
        "source": "participants.csv row 4",
        "locator": "report annex 1",
    }
    assert by_id(plan.nodes["Publication"])["t01:pub:report"]["authors"] == ["Doe J", "Roe R"]
    assert plan.study == {
        "id": "t01",
        "title": "Test study 01: two fictional commissioning groups",
        "description": "A made-up study used only by the loader's tests.",
        "study": "t01",
        "waves": ["t01-w1"],
        "source": "wave.yaml",
    }
    assert plan.wave["status"] == "loading" and plan.wave["requires"] == []


def test_node_rows_of_one_file_come_as_columns_holding_the_rows_values():
    plan = build_plan(validate_package(FIXTURES / "t01-w1"))
    rows = plan.nodes["Site"]
    (chunk,) = rows.node_chunks(10)
    keys, values = chunk
    assert keys == list(rows[0])  # the first row names every key here, in its order
    assert [{k: values[k][i] for k in keys if values[k][i] is not None} for i in range(len(rows))] == rows[:]
    # one chunk per `size` rows, in order
    assert [len(v["id"]) for _, v in rows.node_chunks(1)] == [1, 1]


def test_relationships_per_type_and_end_labels():
    plan = build_plan(validate_package(FIXTURES / "t01-w1"))
    assert {key: len(rows) for key, rows in plan.relationships.items()} == {
        ("HAS_WAVE", "Study", "Wave"): 1,
        ("REPORTED_IN", "Study", "Publication"): 1,
        ("REPORTED_IN", "Wave", "Publication"): 1,
        ("STUDIED", "Study", "Site"): 2,
        ("IN_REGION", "Site", "Region"): 2,
        ("OF_TYPE", "Organisation", "OrganisationType"): 2,
        ("IN_NETWORK", "Organisation", "Site"): 2,
        ("AT", "Participant", "Site"): 3,
        ("WORKS_FOR", "Participant", "Organisation"): 2,
        ("SUBTHEME_OF", "Theme", "Theme"): 1,
        ("CODED_AS", "Evidence", "Theme"): 2,
        ("FROM", "Evidence", "Site"): 1,
        ("SPOKEN_BY", "Evidence", "Participant"): 1,
        ("OBSERVED_IN", "Site", "Wave"): 2,
        ("HAS_TIES", "Site", "OrganisationType"): 1,
        # one respondent names a participant, the other an organisation: two groups
        ("ADVISED_BY", "Participant", "Participant"): 1,
        ("ADVISED_BY", "Participant", "Organisation"): 1,
    }
    assert pairs(plan, ("OBSERVED_IN", "Site", "Wave")) == [("t01:site:a", "t01-w1"), ("t01:site:b", "t01-w1")]
    observed = plan.relationships[("OBSERVED_IN", "Site", "Wave")][0]
    assert observed["props"] == {
        "population": 250000,
        "practices": 40,
        "board_members": 14,
        "board_nurse": True,
        "pbc_roots": "strong",
        "board_density": 0.42,
        "wave": "t01-w1",
        "source": "site_observations.csv row 2",
        "locator": "report table 1",
    }
    link = plan.relationships[("IN_REGION", "Site", "Region")][1]
    assert link == {
        "start": "t01:site:b",
        "end": "t01:region:south",
        "props": {"wave": "t01-w1", "source": "sites.csv row 3", "locator": "report section 2"},
    }
    assert plan.total() == 2 + 15 + 26  # Study, Wave, 15 entities, 26 relationships


def test_entities_other_waves_define_are_shared_not_created():
    pkg = validate_package(FIXTURES / "t01-w2")
    facts = StoreFacts(
        resolved={
            "t01:region:north": "Region",
            "t01:region:south": "Region",
            "t01:site:b": "Site",
            "t01:theme:networks": "Theme",
            "t01:org:trust-a": "Organisation",
            "t01:pub:report": "Publication",
        },
        shared=frozenset({("Site", "t01:site:a")}),
        study_exists=True,
    )
    plan = build_plan(pkg, facts)
    assert plan.study is None
    assert dict(plan.shared) == {"Site": ("t01:site:a",), "Study": ("t01",)}
    assert [row["id"] for row in plan.nodes["Site"]] == ["t01:site:c"]
    # the shared site's study relationship and region link already exist: only site C gets them
    assert pairs(plan, ("STUDIED", "Study", "Site")) == [("t01", "t01:site:c")]
    assert pairs(plan, ("IN_REGION", "Site", "Region")) == [("t01:site:c", "t01:region:south")]
    # its per-wave values are planned as this wave's observations
    assert pairs(plan, ("OBSERVED_IN", "Site", "Wave")) == [("t01:site:a", "t01-w2"), ("t01:site:c", "t01-w2")]
    assert pairs(plan, ("AT", "Participant", "Site")) == [("t01:person:p4", "t01:site:b")]
    assert pairs(plan, ("AT", "Initiative", "Site")) == [("t01:init:hub", "t01:site:c")]
    assert pairs(plan, ("INVOLVES", "Initiative", "Organisation")) == [("t01:init:hub", "t01:org:trust-a")]
