"""The part of a knowledge base behind chosen waves: a publication archive.

Which elements a set of waves holds follows the loaders' provenance (loaders/wave/plan.py): a node
lists the waves that define it in `waves`, a relationship names its wave in `wave`. The subset is
- the chosen waves and, transitively, the waves they `require` (the shared vocabulary they
  were loaded against), so that the archive restores and its waves unload like any others;
- every node one of those waves defines, and every relationship of one of them, with its ends;
- relationships without a wave (authorship of a cited work, a possible duplicate) from a node
  already kept, with their ends, until nothing more is added.
A kept node's `waves` list is cut to the chosen waves; the archive's manifest says how many were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.backup.format import NODES_DIR, node_member
from kb.errors import UsageError

Records = dict[str, list[dict[str, Any]]]
NodeKey = tuple[str, Any]


@dataclass(frozen=True)
class Subset:
    records: Records
    waves: tuple[str, ...]  # every wave the archive holds
    requested: tuple[str, ...]
    added_by_requires: tuple[str, ...]
    trimmed_waves_lists: int  # nodes whose `waves` lost waves outside the subset

    def as_dict(self) -> dict[str, Any]:
        return {
            "waves": list(self.waves),
            "requested": list(self.requested),
            "added_because_required": list(self.added_by_requires),
            "nodes_with_waves_list_cut_to_these_waves": self.trimmed_waves_lists,
        }


def wave_closure(wave_props: dict[str, dict[str, Any]], requested: Iterable[str]) -> tuple[str, ...]:
    """The requested waves and every wave they require, directly or not; UsageError for one not loaded."""
    wanted = list(dict.fromkeys(requested))
    missing = [wave for wave in wanted if wave not in wave_props]
    if missing:
        loaded = ", ".join(sorted(wave_props)) or "none"
        raise UsageError(f"wave '{missing[0]}' is not loaded (loaded waves: {loaded}); see `kb waves`")
    found: list[str] = []
    todo = list(wanted)
    while todo:
        wave = todo.pop(0)
        if wave in found:
            continue
        found.append(wave)
        todo.extend(str(w) for w in (wave_props.get(wave, {}).get("requires") or []) if w in wave_props)
    return tuple(sorted(found))


def select(records: Records, requested: Iterable[str]) -> Subset:
    """The records behind `requested` waves, as the module docstring defines them."""
    requested = tuple(dict.fromkeys(requested))
    wave_props = {rec["id"]: rec["properties"] for rec in records.get(node_member("Wave"), [])}
    waves = wave_closure(wave_props, requested)
    chosen = set(waves)
    by_key: dict[NodeKey, dict[str, Any]] = {}
    member_of: dict[NodeKey, str] = {}
    kept: set[NodeKey] = set()
    for member, recs in records.items():
        if not member.startswith(NODES_DIR):
            continue
        name = member[len(NODES_DIR) : -len(".jsonl")]
        for rec in recs:
            key = (name, rec["id"])
            by_key[key], member_of[key] = rec, member
            in_waves = chosen & set(rec["properties"].get("waves") or [])
            if in_waves or (name == "Wave" and rec["id"] in chosen):
                kept.add(key)

    rels = {member: recs for member, recs in records.items() if not member.startswith(NODES_DIR)}
    kept_rels: dict[str, list[int]] = {member: [] for member in rels}
    taken: set[tuple[str, int]] = set()
    changed = True
    while changed:  # unattributed relationships may lead on from nodes the previous round added
        changed = False
        for member, recs in rels.items():
            for index, rec in enumerate(recs):
                if (member, index) in taken:
                    continue
                wave = rec["properties"].get("wave")
                start, end = (rec["start_label"], rec["start"]), (rec["end_label"], rec["end"])
                if (wave is not None and wave in chosen) or (wave is None and start in kept):
                    taken.add((member, index))
                    kept_rels[member].append(index)
                    kept.update(key for key in (start, end) if key in by_key)
                    changed = True

    out: Records = {member: [] for member in records}
    trimmed = 0
    for key in sorted(kept, key=lambda k: (k[0], str(k[1]))):
        rec = by_key[key]
        listed = rec["properties"].get("waves")
        if isinstance(listed, list) and any(w not in chosen for w in listed):
            rec = {**rec, "properties": {**rec["properties"], "waves": [w for w in listed if w in chosen]}}
            trimmed += 1
        out[member_of[key]].append(rec)
    for member, indexes in kept_rels.items():
        out[member] = [rels[member][i] for i in sorted(indexes)]
    added = tuple(wave for wave in waves if wave not in requested)
    return Subset(out, waves, requested, added, trimmed)
