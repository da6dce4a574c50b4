"""Overview: what is loaded (studies, waves, counts), what the last load changed, and each wave's loads."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import data, results

WAVE_COLUMNS = ("study", "wave", "title", "status", "loaded_at", "phase", "started", "ended", "requires")


def show_counts(report: dict[str, Any]) -> None:
    nodes, rels = report["nodes"], report["relationships"]
    cells = st.columns(5)
    cells[0].metric("Studies", nodes.get("Study", 0))
    cells[1].metric("Waves", nodes.get("Wave", 0))
    cells[2].metric("Sites", nodes.get("Site", 0))
    cells[3].metric("Nodes", report["total_nodes"])
    cells[4].metric("Relationships", report["total_relationships"])
    left, right = st.columns(2)
    left.subheader("Entities")
    left.dataframe(_count_frame(nodes, "label"), hide_index=True, key="overview:labels")
    right.subheader("Relationships")
    right.dataframe(_count_frame(rels, "type"), hide_index=True, key="overview:types")


def _count_frame(counts: dict[str, int], name: str) -> pd.DataFrame:
    present = [(key, value) for key, value in counts.items() if value]
    return pd.DataFrame(present or [("(none loaded)", 0)], columns=[name, "count"])


def show_studies() -> None:
    """Per wave of each study: what it defines (sites, participants, evidence, publications)."""
    st.subheader("Studies and waves")
    outcome = results.run_or_report("study_overview", {}) if data.has_query("study_overview") else None
    if outcome is not None:
        results.show_table(outcome, key="overview:studies")


def show_waves() -> None:
    st.subheader("Loaded waves")
    waves = data.waves()
    if waves is None:
        st.info("This installation has no wave loader (loaders.wave.api), so loaded waves cannot be listed.")
        return
    if not waves:
        st.info("No wave is loaded yet. Load the demo with `kb demo`, or a wave package with `kb load PATH`.")
        return
    frame = pd.DataFrame([{c: _cell(w.get(c)) for c in WAVE_COLUMNS} for w in waves])
    st.dataframe(frame, hide_index=True, key="overview:waves")
    show_last_load(waves)


def _cell(value: Any) -> Any:
    return ", ".join(map(str, value)) if isinstance(value, list) else value


def _history_frame(loads: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {
            "loaded_at": load.get("loaded_at"),
            "status": load.get("status"),
            "source_hash": str(load.get("source_hash") or "")[:12],
            **{
                what: sum((load.get("changes") or {}).get(what, {}).values())
                for what in ("created", "updated", "removed")
            },
        }
        for load in loads
    ]
    return pd.DataFrame(rows, columns=["loaded_at", "status", "source_hash", "created", "updated", "removed"])


def show_last_load(waves: list[dict[str, Any]]) -> None:
    """The most recently loaded wave and what its last load created, updated and removed, then the
    history of any wave: each load, newest first."""
    dated = [w for w in waves if w.get("loaded_at")]
    if not dated:
        return
    last = max(dated, key=lambda w: str(w["loaded_at"]))
    st.subheader("Last load")
    st.markdown(
        f"Wave **{last.get('wave')}** of study **{last.get('study')}** "
        f"({last.get('title') or 'untitled'}) was loaded at {last['loaded_at']}."
    )
    latest = (last.get("history") or [{}])[0].get("changes") or {}
    changed = [(what, name, count) for what, counts in latest.items() for name, count in sorted(counts.items())]
    if changed:
        frame = pd.DataFrame(changed, columns=["change", "label or type", "count"])
        st.dataframe(frame, hide_index=True, key="overview:last-load")
    st.subheader("History of a wave")
    names = [w["wave"] for w in waves]
    chosen = st.selectbox("Wave", names, index=names.index(last["wave"]), key="overview:history:wave")
    loads = next((w.get("history") or [] for w in waves if w["wave"] == chosen), [])
    st.dataframe(_history_frame(loads), hide_index=True, key="overview:history")


def render() -> None:
    st.title("Commissioning research knowledge base")
    st.markdown(
        "Evidence from studies of how GPs lead Clinical Commissioning Groups, kept as a graph: sites and their "
        "boards, stakeholders and networks, initiatives, interview themes with their evidence, and the works "
        "the studies cite. Use the pages on the left to browse it; every table downloads."
    )
    report = data.status()
    show_counts(report)
    show_studies()
    show_waves()
    st.caption(
        f"Engine: {report.get('engine')} {report.get('version') or ''} · {data.app_config().describe()} · "
        f"data version {data.data_version()}"
    )


render()
