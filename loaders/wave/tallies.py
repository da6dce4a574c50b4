"""Per-wave tallies: what `wave_changes` compares between two waves without reading every relationship.

A Wave holds them as two pairs of parallel lists, which Cypher reads on both engines (neither
stores a map as a property value, and Cypher cannot parse JSON):

    tally_labels, tally_label_counts  nodes whose `waves` names the wave and whose `study` is the
                                      wave's, by label
    tally_types, tally_type_counts    relationships whose `wave` is the wave and whose start node's
                                      `study` is the wave's, by type; CITES excepted (reference
                                      lists are rewritten outside the wave loader too)
    tally_cites                       the CITES of that definition: counted when the wave loads or
                                      takes over relationships, and again for every wave by each
                                      rewrite of the citation subgraph (loaders/citations/graph.py),
                                      which is where every citation is written

These are the counts wave_changes used to make by reading every node and relationship of the study.
A load writes its wave's tallies from what it wrote (`of_load`, inside its unit, before the wave is
finished); an unload or update that hands a shared entity's defining relationships to another wave
moves them to that wave's tallies (`hand_over`). A wave loaded before tallies existed has none, and
wave_changes counts it as it used to; so too the CITES of a wave without `tally_cites`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kb.schema import label, rel_type
from kb.store.base import Writer, chunked
from loaders.wave.plan import WritePlan
from loaders.wave.storecheck import Reader

PROPERTIES = ("tally_labels", "tally_label_counts", "tally_types", "tally_type_counts", "tally_cites")
UNTALLIED = frozenset({"CITES"})
LOOKUP_BATCH = 10_000
WRITE = (
    f"MATCH (w:{label('Wave')} {{id: $id}}) SET w.tally_labels = $labels, w.tally_label_counts = $label_counts, "
    "w.tally_types = $types, w.tally_type_counts = $type_counts "
    f"WITH w OPTIONAL MATCH (p:{label('Publication')})-[r:{rel_type('CITES')}]->() "
    "WHERE r.wave = w.id AND p.study = w.study WITH w, count(r) AS cites SET w.tally_cites = cites"
)
READ = (
    f"MATCH (w:{label('Wave')}) WHERE w.id IN $ids RETURN w.id AS id, w.study AS study, w.tally_labels AS labels, "
    "w.tally_label_counts AS label_counts, w.tally_types AS types, w.tally_type_counts AS type_counts"
)
Tallies = dict[str, dict[str, int]]  # {"nodes": {label: n}, "relationships": {type: n}}
# The wave's OBSERVED_IN end at its Wave node: counted there, since the measures merge some into the
# package's own and create the rest.
OBSERVED = (
    f"MATCH (a)-[r:{rel_type('OBSERVED_IN')}]->(w:{label('Wave')} {{id: $id}}) "
    "WHERE r.wave = $id AND a.study = $study RETURN count(r) AS n"
)


def _of_study(reader: Reader, name: str, ids: Iterable[str], study: str) -> set[str]:
    """Those of `ids` whose `name`-labelled node belongs to `study`."""
    cypher = f"UNWIND $ids AS id MATCH (n:{label(name)} {{id: id}}) WHERE n.study = $study RETURN n.id AS id"
    found: set[str] = set()
    for batch in chunked(sorted(set(ids)), LOOKUP_BATCH):
        found.update(reader.read(cypher, {"ids": batch, "study": study}).values("id"))
    return found


def of_load(reader: Reader, plan: WritePlan) -> Tallies:
    """The tallies of the wave `plan` has just written (inside its unit, after the measures)."""
    study, wave = plan.study_id, plan.wave_id
    new = {name: {record.id for record in rows.items} for name, rows in plan.nodes.items()}
    nodes: Counter[str] = Counter({"Wave": 1, "Study": 1 if plan.study else 0})
    nodes.update({name: len(rows) for name, rows in plan.nodes.items()})
    for name, ids in plan.shared.items():
        nodes[name] += len(_of_study(reader, name, ids, study))
    # A start node the plan did not create may belong to another study (a required wave's entity).
    elsewhere: dict[str, set[str]] = {}
    for (_, start, _), rows in plan.relationships.items():
        if start in ("Study", "Wave"):
            continue  # the wave's own study and the wave itself
        defined = new.get(start, set())
        elsewhere.setdefault(start, set()).update(rows.starts() - defined)
    foreign = {name: ids - _of_study(reader, name, ids, study) for name, ids in elsewhere.items() if ids}
    rels: Counter[str] = Counter()
    for (rel, start, _), rows in plan.relationships.items():
        if rel in UNTALLIED or rel == "OBSERVED_IN":
            continue
        outside = foreign.get(start)
        rels[rel] += sum(1 for s, _ in rows.ends(wave) if s not in outside) if outside else len(rows)
    rels["OBSERVED_IN"] = int(reader.read(OBSERVED, {"id": wave, "study": study}).single_value() or 0)
    return {"nodes": dict(sorted((+nodes).items())), "relationships": dict(sorted((+rels).items()))}


def write(w: Writer, wave_id: str, tallies: Mapping[str, Mapping[str, int]]) -> None:
    nodes, rels = sorted(tallies["nodes"].items()), sorted(tallies["relationships"].items())
    w.run(
        WRITE,
        {
            "id": wave_id,
            "labels": [k for k, _ in nodes],
            "label_counts": [n for _, n in nodes],
            "types": [k for k, _ in rels],
            "type_counts": [n for _, n in rels],
        },
    )


def read(reader: Reader, wave_ids: Iterable[str]) -> dict[str, tuple[str, Tallies | None]]:
    """The study and tallies of each loaded wave of `wave_ids` (None for a wave loaded before tallies)."""
    found: dict[str, tuple[str, Tallies | None]] = {}
    for row in reader.read(READ, {"ids": sorted(set(wave_ids))}).rows:
        tallies = None
        if row["labels"] is not None:
            tallies = {
                "nodes": dict(zip(row["labels"], row["label_counts"], strict=True)),
                "relationships": dict(zip(row["types"], row["type_counts"], strict=True)),
            }
        found[row["id"]] = (row["study"], tallies)
    return found


def hand_over(w: Writer, moved: Iterable[Mapping[str, Any]]) -> None:
    """Add relationships handed to other waves to their tallies: rows of {wave, study, rel, moved},
    counted where the start node's study is the receiving wave's."""
    by_wave: dict[str, Counter[str]] = {}
    for row in moved:
        if row["moved"] and row["rel"] not in UNTALLIED and row["study"] is not None:
            by_wave.setdefault(row["wave"], Counter())[f"{row['study']}\0{row['rel']}"] += int(row["moved"])
    if not by_wave:
        return
    for wave, (study, tallies) in read(w, by_wave).items():
        if tallies is None:
            continue  # loaded before tallies: wave_changes counts it from the graph
        rels = Counter(tallies["relationships"])
        for key, n in by_wave[wave].items():
            start_study, rel = key.split("\0")
            if start_study == study:
                rels[rel] += n
        write(w, wave, {"nodes": tallies["nodes"], "relationships": dict(+rels)})
