"""Each pair of a study's waves compared participant by participant, kept for wave_changes at load.

`wave_changes` counts, per property of the participants observed in either of two waves, how many
participants' values changed, were added or were removed. Reading 40,000 participants' two
observations takes a third of a second; the counts of a pair take 24 numbers. A load keeps them on
its own Wave node for every other wave of its study, as two properties (neither engine stores a
map or a nested list as a property value):

    pair_waves   the other waves' ids, the waves of the study loaded before this one
    pair_counts  24 counts per id in pair_waves, in its order: for each of PROPERTIES in order,
                 how many participants' values changed, were added, were removed, going from
                 this wave to the other one (the other way round, added and removed swap)

So each pair of waves is kept once, on the wave loaded later, and a study of k waves keeps
k(k-1)/2 pairs while a load computes only its own k-1. That is enough because a pair's counts
depend only on what the two waves' own loads wrote: their OBSERVED_IN to their Wave nodes, which
waves' `waves` lists name them, and the participants' own values, which a later wave sharing a
participant cannot change (storecheck refuses an entity that differs from the loaded one), and a
participant a wave observes but does not define is defined by a wave it requires, which cannot be
updated or unloaded under it. An update or unload of a wave drops it from the other waves' lists
(`forget`, from remove.py) and the Wave node's own lists go with it; an update computes them again.

A pair of waves neither of which holds the other (both loaded before these counts existed, or by
the bulk loader) has no counts, and wave_changes compares its participants as the query runs.
"""

from __future__ import annotations

from kb.schema import label, rel_type
from kb.store.base import Writer
from loaders.wave.storecheck import Reader

PROPERTIES = ("pair_waves", "pair_counts")
COMPARED = (
    "role",
    "board_member",
    "interviewed",
    "survey_respondent",
    "degree",
    "betweenness",
    "closeness",
    "brokerage",
)
DIFFERENCES = ("changed", "added", "removed")  # 1, 2, 3 in the query's `difference`
WIDTH = len(COMPARED) * len(DIFFERENCES)

_WAVE, _PARTICIPANT, _OBSERVED_IN = label("Wave"), label("Participant"), rel_type("OBSERVED_IN")


def _value(i: int, name: str) -> str:
    return (
        f"CASE WHEN in1 THEN coalesce(o1.{name}, p.{name}) END AS b{i}, "
        f"CASE WHEN in2 THEN coalesce(o2.{name}, p.{name}) END AS a{i}"
    )


def _how(i: int) -> str:
    return (
        f"CASE WHEN b{i} IS NULL THEN CASE WHEN a{i} IS NULL THEN 0 ELSE 2 END WHEN a{i} IS NULL THEN 3 "
        f"WHEN b{i} <> a{i} THEN 1 ELSE 0 END"
    )


# The participant part of cypher/wave_changes.cypher, for two given waves, up to its counts per
# property index and difference (tests/test_wave_pairs.py holds the two to the same answers).
COMPARE = (
    f"MATCH (x1:{_WAVE} {{id: $w1}}) WITH x1 MATCH (x2:{_WAVE} {{id: $w2}}) "
    f"OPTIONAL MATCH (p1:{_PARTICIPANT})-[:{_OBSERVED_IN}]->(x1) "
    "WITH x1, x2, collect(DISTINCT p1) AS first "
    f"OPTIONAL MATCH (p2:{_PARTICIPANT})-[:{_OBSERVED_IN}]->(x2) WHERE NOT (p2)-[:{_OBSERVED_IN}]->(x1) "
    "WITH x1, x2, first, collect(DISTINCT p2) AS second "
    "UNWIND first + second AS p "
    f"OPTIONAL MATCH (p)-[o1:{_OBSERVED_IN}]->(x1) WITH x2, p, o1 "
    f"OPTIONAL MATCH (p)-[o2:{_OBSERVED_IN}]->(x2) WITH p, o1, o2 "
    "WITH p, o1, o2, o1 IS NOT NULL OR $w1 IN p.waves AS in1, o2 IS NOT NULL OR $w2 IN p.waves AS in2 "
    f"WITH {', '.join(_value(i, name) for i, name in enumerate(COMPARED))} "
    f"WITH [{', '.join(_how(i) for i in range(len(COMPARED)))}] AS how "
    "WITH how, count(*) AS alike "
    "UNWIND range(0, size(how) - 1) AS i "
    "WITH i, how[i] AS difference, alike WHERE difference > 0 "
    "RETURN i, difference, sum(alike) AS participants"
)
OTHERS = f"MATCH (w:{_WAVE}) WHERE w.study = $study AND w.id <> $id RETURN w.id AS id ORDER BY id"
WRITE = f"MATCH (w:{_WAVE} {{id: $id}}) SET w.pair_waves = $waves, w.pair_counts = $counts"
# Every other Wave whose lists name the wave loses its id and that id's 24 counts.
FORGET = (
    f"MATCH (w:{_WAVE}) WHERE $id IN coalesce(w.pair_waves, []) "
    "WITH w, head([j IN range(0, size(w.pair_waves) - 1) WHERE w.pair_waves[j] = $id]) AS j "
    "SET w.pair_waves = w.pair_waves[..j] + w.pair_waves[j + 1..], "
    f"w.pair_counts = w.pair_counts[..j * {WIDTH}] + w.pair_counts[(j + 1) * {WIDTH}..]"
)


def compare(reader: Reader, w1: str, w2: str) -> list[int]:
    """The 24 counts of going from wave `w1` to wave `w2`, as pair_counts holds them."""
    counts = [0] * WIDTH
    for row in reader.read(COMPARE, {"w1": w1, "w2": w2}).rows:
        counts[int(row["i"]) * len(DIFFERENCES) + int(row["difference"]) - 1] = int(row["participants"])
    return counts


def of_load(w: Writer, study: str, wave_id: str) -> None:
    """Compare the wave just written (inside its unit, after the measures) with every other wave of
    its study, and keep the counts on its Wave node."""
    others = w.read(OTHERS, {"study": study, "id": wave_id}).values("id")
    counts: list[int] = []
    for other in others:
        counts += compare(w, wave_id, other)
    w.run(WRITE, {"id": wave_id, "waves": others, "counts": counts})


def forget(w: Writer, wave_id: str) -> None:
    """Drop the wave from the pairs the other waves keep: it is going, or being loaded again."""
    w.run(FORGET, {"id": wave_id})
