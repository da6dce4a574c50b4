"""Latency of what readers use: every library query (20 timed runs each) and every page of the app.

Queries run through `kb.queries.run_named`, the path the CLI and the app take. Each query runs
once untimed (to warm the engine's plan cache, as any second user would find it), then `RUNS`
times. Besides the defaults (which point at the curated demo studies) each query with a
choice list also runs with the first synthetic choice, so it is timed against national-size data.

Pages render through streamlit's AppTest in this process, inside the app's navigation (as a
visitor moves to them), each from a cleared cache (what the first visitor after a load waits
for), then once more warm.
"""

from __future__ import annotations

import ast
import logging
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import KBError, NotFound
from kb.store.base import Store

if TYPE_CHECKING:
    from kb.queries import NamedQuery

RUNS = 20
PAGE_TIMEOUT_S = 120
UI_DIR = Path(__file__).resolve().parents[2] / "ui"


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _timed_runs(store: Store, name: str, values: dict[str, Any], runs: int) -> dict[str, Any]:
    """Timings of `runs` runs. A query refused because what it needs is not loaded (knowledge_brokers
    without a survey network) is timed to its refusal, which is what its user waits for, and says so."""
    from kb.queries import run_named

    refused = None
    try:
        rows = run_named(store, name, values).rows
    except NotFound as exc:
        refused, rows = str(exc), []
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run_named(store, name, values)
        except NotFound:
            if refused is None:
                raise
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "rows": len(rows),
        **({"refused": refused} if refused else {}),
        "p50_ms": round(percentile(samples, 0.5), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def synthetic_values(store: Store, query: NamedQuery, prefix: str) -> dict[str, Any]:
    """For each parameter with a choice list, its first choice from the synthetic study (if any):
    the study itself, an entity (`syn:…`) or a wave (`syn-…`). Two parameters of one query get
    different choices, so a comparison (wave_changes) compares two synthetic waves, not one with itself."""
    from kb.queries import choices_for

    values: dict[str, Any] = {}
    for param in query.params:
        if not param.choices_query:
            continue
        for choice in choices_for(store, param):
            synthetic = isinstance(choice, str) and (
                choice == prefix or choice.startswith((prefix + ":", prefix + "-"))
            )
            if synthetic and choice not in values.values():
                values[param.name] = choice
                break
    return values


def time_queries(store: Store, synthetic_prefix: str, runs: int = RUNS) -> list[dict[str, Any]]:
    """p50/p95 of every library query with its defaults, and with synthetic choices where it has any."""
    from kb.queries import library

    results = []
    for name, query in library().items():
        variants: list[tuple[str, dict[str, Any]]] = [("defaults", {})]
        synthetic = synthetic_values(store, query, synthetic_prefix)
        if synthetic:
            variants.append(("synthetic", synthetic))
        for variant, values in variants:
            entry = {"query": name, "params": variant, "values": values}
            try:
                entry.update(_timed_runs(store, name, values, runs))
            except KBError as exc:
                entry["error"] = str(exc)
            results.append(entry)
    return results


def ui_pages() -> list[Path]:
    """The page scripts the app navigates to, read from the `PAGES` mapping of ui/nav.py (not run).

    Each value of PAGES lists (path relative to ui/, title) pairs. No navigation module, or no
    PAGES: no pages.
    """
    nav = UI_DIR / "nav.py"
    if not nav.is_file():
        return []
    for node in ast.walk(ast.parse(nav.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            sections = ast.literal_eval(node.value)
            paths = [UI_DIR / path for pages in sections.values() for path, _ in pages]
            return [path for path in paths if path.is_file()]
    return []


@contextmanager
def _pointing_at(data_dir: Path) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("KB_DATA_DIR", "KB_URI", "NEO4J_URI", "KB_UI_PASSWORD")}
    for key in saved:
        os.environ.pop(key, None)
    os.environ["KB_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _render(page: Path, cold: bool) -> tuple[float, list[str]]:
    """Open the app, then time its move to `page`, as a click in the navigation makes it. Pages
    run inside the app's navigation (links between pages only resolve there); `cold` empties the
    caches the app's first page filled, so the timed run reads the knowledge base itself."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _quiet_streamlit()  # loggers streamlit creates while importing a page
    app = AppTest.from_file(str(UI_DIR / "app.py"), default_timeout=PAGE_TIMEOUT_S)
    app.run()
    if cold:
        st.cache_data.clear()
        st.cache_resource.clear()
    app.switch_page(str(page.relative_to(UI_DIR)))
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    return seconds, [str(getattr(e, "value", e))[:200] for e in app.exception]


def _quiet_streamlit() -> None:
    # Clearing caches outside a script run makes streamlit warn about a missing ScriptRunContext
    # on every call; the warning says itself that it can be ignored in bare mode.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def time_pages(data_dir: Path) -> list[dict[str, Any]]:
    """Render time of each page (cold cache, then warm); a missing app gives an empty list."""
    pages = ui_pages()
    if not pages:
        return []
    import streamlit as st

    _quiet_streamlit()
    results = []
    with _pointing_at(data_dir):
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            cold, errors = _render(page, cold=True)
            warm, _ = _render(page, cold=False)
            results.append(
                {
                    "page": str(page.relative_to(UI_DIR)),
                    "cold_s": round(cold, 3),
                    "warm_s": round(warm, 3),
                    "errors": errors,
                }
            )
    return results
