"""The site part of `wave_changes`, which finds the two Wave nodes first, against the form that
filtered every observation of each site by wave id, row for row, on every pair of synthetic waves
of one study (a second England wave with fewer ties, so its sites' survey values differ; between
the demo's waves the part lists no row)."""

from __future__ import annotations

from kb.queries import get_query
from kb.synth import synthesize
from loaders.wave.api import load_package
from support.synthetic_waves import second_wave

WAVES_FIRST = """MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
MATCH (s:Site)
WHERE s.study = $study
OPTIONAL MATCH (s)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, s, o1
OPTIONAL MATCH (s)-[o2:OBSERVED_IN]->(x2)
WITH w1, w2, s, o1, o2
"""
FILTERING_EVERY_OBSERVATION = """MATCH (s:Site)
WHERE s.study = $study
OPTIONAL MATCH (s)-[o1:OBSERVED_IN]->(x1:Wave)
WHERE x1.id = w1
WITH w1, w2, s, o1
OPTIONAL MATCH (s)-[o2:OBSERVED_IN]->(x2:Wave)
WHERE x2.id = w2
WITH w1, w2, s, o1, o2
"""


def compare_every_pair(store) -> int:
    """Rows of the site part for every pair of waves of a study, equal in both forms; how many."""
    part = get_query("wave_changes").cypher.split("UNION ALL\n")[0]
    assert part.count(WAVES_FIRST) == 1
    plain = part.replace(WAVES_FIRST, FILTERING_EVERY_OBSERVATION)
    waves = store.read("MATCH (w:Wave) RETURN w.study AS s, w.id AS w ORDER BY w").rows
    listed = 0
    for a in waves:
        for b in waves:
            if a["s"] == b["s"]:
                params = {"study": a["s"], "from_wave": a["w"], "to_wave": b["w"]}
                rows = store.read(part, params).rows
                assert rows == store.read(plain, params).rows
                listed += len(rows)
    return listed


def test_synthetic_waves(store, tmp_path):
    synthesize(tmp_path / "syn", scale=0.02, seed=1)
    for folder in ("00-syn-vocab", "10-syn-england", "20-syn-literature"):
        load_package(store, tmp_path / "syn" / folder)
    load_package(store, second_wave(tmp_path / "syn" / "10-syn-england", tmp_path / "w2", lambda n: n % 3))
    # 4 sites with 21 properties: every value the England waves hold differs from the literature
    # wave's none, and the survey values differ between the two England waves
    assert compare_every_pair(store) > 4 * 2 * 2
