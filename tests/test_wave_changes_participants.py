"""The participant part of `wave_changes`, which starts from the two Wave nodes (the participants
observed in the first, then those observed only in the second), against a plain form of it (every
observation of each participant filtered by wave id), row for row: on the demo's
waves and on two synthetic waves of one study (scale 0.02; the second keeps a third of the ties,
so every participant's network measures differ), in both directions and against a wave that
observes no participant. Its counts are those of the rows `participant_changes` lists, site by site.
"""

from __future__ import annotations

import pytest

from kb.queries import get_query, run_named
from kb.synth import synthesize
from loaders.wave.api import load_package
from support.demo_graph import demo_graph
from support.synthetic_waves import second_wave
from support.wave_pairs import unguarded

FROM_THE_WAVES = """MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
OPTIONAL MATCH (p1:Participant)-[:OBSERVED_IN]->(x1)
WITH w1, w2, x1, x2, collect(DISTINCT p1) AS first
OPTIONAL MATCH (p2:Participant)-[:OBSERVED_IN]->(x2)
WHERE NOT (p2)-[:OBSERVED_IN]->(x1)
WITH w1, w2, x1, x2, first, collect(DISTINCT p2) AS second
UNWIND first + second AS p
OPTIONAL MATCH (p)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, p, o1
OPTIONAL MATCH (p)-[o2:OBSERVED_IN]->(x2)
WITH w1, w2, p, o1, o2
"""
FILTERING_EVERY_OBSERVATION = """MATCH (p:Participant)-[o:OBSERVED_IN]->(x:Wave)
WHERE x.id = w1 OR x.id = w2
WITH DISTINCT w1, w2, p
OPTIONAL MATCH (p)-[o1:OBSERVED_IN]->(x1:Wave)
WHERE x1.id = w1
WITH w1, w2, p, o1
OPTIONAL MATCH (p)-[o2:OBSERVED_IN]->(x2:Wave)
WHERE x2.id = w2
WITH w1, w2, p, o1, o2
"""


def participant_parts() -> tuple[str, str]:
    part = unguarded(get_query("wave_changes").cypher.split("UNION ALL\n")[1])
    assert part.count(FROM_THE_WAVES) == 1
    return part, part.replace(FROM_THE_WAVES, FILTERING_EVERY_OBSERVATION)


def assert_alike(store, study: str, w1: str | None, w2: str | None) -> dict[tuple[str, str], tuple[int, int]]:
    """The part's counts, (how, property) -> (before, after), the same in both forms."""
    new, old = participant_parts()
    params = {"study": study, "from_wave": w1, "to_wave": w2}
    rows = store.read(new, params).rows
    assert rows == store.read(old, params).rows
    return {(r["item"], r["property"]): (r["before"], r["after"]) for r in rows}


def listed_by_site(store, study: str, w1: str, w2: str) -> dict[tuple[str, str], tuple[int, int]]:
    """What participant_changes lists at every site of the study, counted as wave_changes counts it."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    found = store.read("MATCH (s:Site) WHERE s.study = $study RETURN s.id AS id", {"study": study})
    sites = [r["id"] for r in found.rows]
    for site in sites:
        for r in run_named(store, "participant_changes", {"site": site, "from_wave": w1, "to_wave": w2}).rows:
            how = "added" if r["before"] is None else "removed" if r["after"] is None else "changed"
            before, after = counts.get((how, r["property"]), (0, 0))
            counts[(how, r["property"])] = (before + (r["before"] is not None), after + (r["after"] is not None))
    return counts


@pytest.fixture(scope="module")
def loaded(kb_config, tmp_path_factory):
    with demo_graph(kb_config, graph="test-wave-changes-participants") as store:
        root = tmp_path_factory.mktemp("syn")
        synthesize(root / "syn", scale=0.02, seed=1)
        for folder in ("00-syn-vocab", "10-syn-england", "20-syn-literature"):
            load_package(store, root / "syn" / folder)
        load_package(store, second_wave(root / "syn" / "10-syn-england", root / "w2", lambda n: n % 3))
        yield store


def test_the_demo_waves(loaded):
    waves = loaded.read("MATCH (w:Wave) WHERE w.study <> 'syn' RETURN w.study AS s, w.id AS w ORDER BY w").rows
    for row in waves:
        for other in waves:
            if row["s"] == other["s"]:
                assert_alike(loaded, row["s"], row["w"], other["w"])
        assert_alike(loaded, row["s"], None, None)


def test_two_synthetic_waves_and_one_without_participants(loaded):
    counts = assert_alike(loaded, "syn", "syn-england-1", "syn-england-2")
    # The second wave's network keeps a third of the ties: most betweenness values change, and
    # nobody's role does (the same participants.csv).
    changed, _ = counts[("changed", "betweenness")]
    assert changed > 100
    assert counts[("changed", "betweenness")] == (changed, changed)
    assert ("changed", "role") not in counts
    swapped = {"added": "removed", "removed": "added", "changed": "changed"}
    backward = assert_alike(loaded, "syn", "syn-england-2", "syn-england-1")
    assert backward == {(swapped[how], prop): (after, before) for (how, prop), (before, after) in counts.items()}
    # The literature wave observes nobody: every value the England wave holds is removed.
    gone = assert_alike(loaded, "syn", "syn-england-1", "syn-literature-1")
    assert {how for how, _ in gone} == {"removed"}
    assert gone[("removed", "role")][0] > changed  # every participant has a role, fewer a changed betweenness
    for w1, w2 in (("syn-england-1", "syn-england-2"), ("syn-england-1", "syn-literature-1")):
        assert listed_by_site(loaded, "syn", w1, w2) == assert_alike(loaded, "syn", w1, w2)
