"""The guard that skips wave_changes' participant comparison when a Wave keeps the pair's counts
(loaders/wave/pairs.py): tests of the comparison itself take it out, to run it on any two waves."""

from __future__ import annotations

PAIR_GUARD = """MATCH (y1:Wave {id: w1})
WITH w1, w2, y1
MATCH (y2:Wave {id: w2})
WHERE NOT w2 IN coalesce(y1.pair_waves, []) AND NOT w1 IN coalesce(y2.pair_waves, [])
WITH w1, w2
"""


def unguarded(part: str) -> str:
    """The participant part of wave_changes comparing the two waves whether or not a Wave keeps their counts."""
    assert part.count(PAIR_GUARD) == 1
    return part.replace(PAIR_GUARD, "")
