"""Each wave's loads: when, from which bytes, with what status and what they changed.

The history is a JSON list on the Wave node (`history`, oldest first), carried over when an update
writes the wave anew and extended by every load: a first load ('loaded'), an update ('updated', or
'unchanged' when the new files change nothing in the graph) and a reload of the very same bytes
('unchanged', which writes nothing else). `wave_history` lists it newest first. Unloading a wave
removes it, history and all: what is not loaded has no versions to compare.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kb.errors import NotFound
from kb.schema import label
from kb.store.base import Store, Writer
from loaders.report import Changes
from loaders.wave.storecheck import Reader, wave_props

RECORD = f"MATCH (w:{label('Wave')} {{id: $id}}) SET w.history = $history"
# An unchanged reload replaces the history in one statement, on condition that the wave is still
# the loaded version of those bytes and its history is still the one read: one statement cannot
# half-write, and a reload that raced another load matches nothing and says so.
RECORD_IF_UNCHANGED = (
    f"MATCH (w:{label('Wave')} {{id: $id}}) "
    "WHERE w.status = 'loaded' AND w.source_hash = $source_hash AND w.history = $before "
    "SET w.history = $history RETURN count(w) AS recorded"
)


def now() -> str:
    """The time a load is recorded with: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def entry(status: str, source_hash: str, changes: Changes, at: str) -> dict[str, Any]:
    """One load as the history keeps it."""
    return {"loaded_at": at, "status": status, "source_hash": source_hash, "changes": changes.as_dict()}


def past(props: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The loads recorded on a Wave's properties, oldest first (none for a wave not loaded)."""
    text = (props or {}).get("history")
    return list(json.loads(text)) if text else []


def extended(props: Mapping[str, Any] | None, load: dict[str, Any]) -> str:
    """The history text of a wave (`props`, its properties before this load) with `load` added."""
    return json.dumps([*past(props), load])


def record(w: Writer, wave_id: str, props: Mapping[str, Any], load: dict[str, Any]) -> None:
    """Add `load` to the history of the loaded wave whose properties are `props`, inside the unit `w`."""
    w.run(RECORD, {"id": wave_id, "history": extended(props, load)})


def record_unchanged(store: Store, wave_id: str, props: Mapping[str, Any], load: dict[str, Any]) -> bool:
    """Add the unchanged reload `load` to the history of the wave whose properties were read as
    `props`, in one statement outside any unit, if neither its bytes nor its history changed since;
    whether it was recorded."""
    params = {
        "id": wave_id,
        "source_hash": load["source_hash"],
        "before": props.get("history"),
        "history": extended(props, load),
    }
    return bool(store.write_between_units(RECORD_IF_UNCHANGED, params).single_value())


def wave_history(reader: Reader, wave_id: str) -> list[dict[str, Any]]:
    """Every load of the wave, newest first: loaded_at, status, source_hash and changes (created,
    updated, removed per label and type). Raises NotFound when the wave is not loaded."""
    props = wave_props(reader, wave_id)
    if props is None:
        raise NotFound(f"wave '{wave_id}' is not loaded; `kb waves` lists the loaded waves")
    return list(reversed(past(props)))
