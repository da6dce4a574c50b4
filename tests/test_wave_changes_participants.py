"""The participant part of `wave_changes`, which starts from the two Wave nodes, against the form it
replaced (every observation of each participant filtered by wave id), row for row: on the demo's
waves and on two synthetic waves of one study (scale 0.02; the second keeps a third of the ties,
so every participant's network measures differ), in both directions and against a wave that
observes no participant.
"""

from __future__ import annotations

import pytest

from kb.queries import get_query
from kb.synth import synthesize
from loaders.wave.api import load_package
from support.demo_graph import demo_graph
from support.synthetic_waves import second_wave

FROM_THE_WAVES = """MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
MATCH (p:Participant)-[:OBSERVED_IN]->(x:Wave)
WHERE x = x1 OR x = x2
WITH DISTINCT w1, w2, x1, x2, p
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
    part = get_query("wave_changes").cypher.split("UNION ALL\n")[1]
    assert part.count(FROM_THE_WAVES) == 1
    return part, part.replace(FROM_THE_WAVES, FILTERING_EVERY_OBSERVATION)


def assert_alike(store, study: str, w1: str | None, w2: str | None) -> int:
    new, old = participant_parts()
    params = {"study": study, "from_wave": w1, "to_wave": w2}
    rows = store.read(new, params).rows
    assert rows == store.read(old, params).rows
    return len(rows)


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
    changed = assert_alike(loaded, "syn", "syn-england-1", "syn-england-2")
    assert changed > 100  # the measures of the second wave's smaller network differ
    assert assert_alike(loaded, "syn", "syn-england-2", "syn-england-1") == changed
    assert assert_alike(loaded, "syn", "syn-england-1", "syn-literature-1") > changed
