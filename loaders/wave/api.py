"""The wave loader's public surface: what `kb validate/load/unload/waves/demo` call.

    validate_package(path, store=None) -> ValidatedPackage      raises ValidationError
    load_package(store, path, on_progress=None) -> LoadReport    'loaded' | 'unchanged' | 'updated' (load.py)
    unload_wave(store, wave_id) -> {label or type: removed}      raises NotFound, UsageError
    unload(store, wave_id) -> Changes                            removed, and updated: what stays shared
    list_waves(store) -> [{study, wave, title, status, loaded_at, counts, source_hash, ...}]
    wave_history(store, wave_id) -> [{loaded_at, status, source_hash, changes}]  newest first (history.py)
    demo_packages() -> [Path]                                    the curated packages, in load order
    load_demo(store, on_progress=None) -> [LoadReport]

`on_progress(done, total, stage)` is called as batches complete; `stage` is 'removing' (the old
version of an updated wave; done/total count statements), then 'nodes' and 'relationships'
(done/total count rows of this load), 'measures' (done/total count the sites whose survey networks
are measured, when the wave has advice ties) and 'wave'.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kb.errors import NotFound
from kb.schema import label
from kb.store.base import Store
from loaders.report import Changes, LoadReport
from loaders.wave.history import past, wave_history
from loaders.wave.load import load_package
from loaders.wave.manifest import FIGURE_PREFIX
from loaders.wave.records import ValidatedPackage
from loaders.wave.references import read_reference_lists
from loaders.wave.remove import refuse_if_required, removal
from loaders.wave.storecheck import check_against_store, loaded_definers, wave_props
from loaders.wave.validate import read_and_validate

Progress = Callable[[int, int, str], None]
DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "studies"

__all__ = [
    "LoadReport",
    "ValidatedPackage",
    "validate_package",
    "load_package",
    "unload_wave",
    "unload",
    "list_waves",
    "wave_history",
    "demo_packages",
    "load_demo",
    "DEMO_DIR",
]


def validate_package(path: str | Path, store: Store | None = None) -> ValidatedPackage:
    """Check the package at `path` (folder or .zip) and return it, validated; nothing is written.

    Without a store the package is checked on its own: references into the waves it `requires` are
    left unchecked (`pkg.external_refs`, `pkg.store_checked` False). With a store those are looked up,
    the required waves must be loaded, and entities other waves already define must be identical.
    Raises ValidationError listing every problem, or NotFound / UsageError for a missing path.
    """
    pkg = read_reference_lists(read_and_validate(path, definers=loaded_definers(store) if store else None))
    if store is None:
        return pkg
    check_against_store(store, pkg)
    return replace(pkg, store_checked=True)


def unload_wave(store: Store, wave_id: str) -> dict[str, int]:
    """Remove a wave's relationships and the entities only it defines; counts per label and type.

    Entities other waves also define stay (owned by those waves). Raises NotFound when the wave is
    not loaded and UsageError, naming them, when other loaded waves require it.
    """
    return dict(unload(store, wave_id).removed)


def unload(store: Store, wave_id: str) -> Changes:
    """Unload a wave as unload_wave does, and report everything it changed: `removed` per label and
    type, and `updated`: entities other waves also define, which stay without this wave's name, and
    the relationships that pass to one of those waves (per label and type)."""
    with store.atomic() as w:
        if wave_props(w, wave_id) is None:
            raise NotFound(f"wave '{wave_id}' is not loaded; `kb waves` lists the loaded waves")
        refuse_if_required(w, wave_id, "unload")
        return removal(w, wave_id)


def _wave_row(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "study": props.get("study"),
        "wave": props.get("id"),
        "title": props.get("title"),
        "status": props.get("status"),
        "loaded_at": props.get("loaded_at"),
        "counts": json.loads(props.get("counts") or "{}"),
        "source_hash": props.get("source_hash"),
        "phase": props.get("phase"),
        "started": props.get("started"),
        "ended": props.get("ended"),
        "requires": list(props.get("requires") or []),
        "figures": {
            key[len(FIGURE_PREFIX) :]: value for key, value in sorted(props.items()) if key.startswith(FIGURE_PREFIX)
        },
        "figure_locators": dict(item.split(": ", 1) for item in props.get("locators") or []),
        "history": list(reversed(past(props))),
    }


def list_waves(store: Store) -> list[dict[str, Any]]:
    """The loaded waves, by study then phase then id: study, wave, title, status, loaded_at, counts
    (what the wave holds, per label/type), source_hash, phase, started, ended, requires, figures
    (name -> number), figure_locators (name -> where it is published) and history (its loads,
    newest first, as wave_history gives them)."""
    rows = store.read(f"MATCH (w:{label('Wave')}) RETURN properties(w) AS props").values("props")
    waves = [_wave_row(props) for props in rows]
    return sorted(waves, key=lambda w: (w["study"] or "", w["phase"] is None, w["phase"] or 0, w["wave"] or ""))


def demo_packages(root: Path | None = None) -> list[Path]:
    """The curated demo packages (folders or zips holding a wave) under data/studies, in name order,
    which is their load order. Raises NotFound when there are none."""
    root = root or DEMO_DIR
    found = (
        sorted(p for p in root.iterdir() if (p / "wave.yaml").is_file() or p.suffix == ".zip") if root.is_dir() else []
    )
    if not found:
        raise NotFound(f"no demo packages in {root}; the demo data ships with the repository's data/studies folder")
    return found


def load_demo(store: Store, on_progress: Progress | None = None, root: Path | None = None) -> list[LoadReport]:
    """Load every demo package in order (already loaded, unchanged ones are left alone)."""
    return [load_package(store, path, on_progress) for path in demo_packages(root)]
