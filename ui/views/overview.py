"""Overview: what is loaded (studies, waves, counts), what the last load changed, and each wave's loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ui import data, results, sources, tables, vocabulary

WAVE_COLUMNS = ("study", "wave", "title", "status", "loaded_at", "phase", "started", "ended", "requires")


RESEARCH = ("sites", "participants", "evidence", "publications")  # what makes a study a piece of research
ASK = (  # what one can ask, page by page, in a manager's words
    (
        "views/sites.py",
        "Sites",
        "What is each site like, how many were interviewed there and with whom, and how do sites compare?",
    ),
    ("views/network.py", "Network", "Who and what is each site connected to, and who brokers advice in its network?"),
    ("views/themes.py", "Themes", "What did people say about each theme, at which site, and where is it written?"),
    (
        "views/initiatives.py",
        "Initiatives",
        "Which service redesigns ran where, in which clinical areas and with which partners?",
    ),
    ("views/citations.py", "Citations", "Which works do the studies' publications cite, and who cites them?"),
    ("views/library.py", "Query library", "Any of the library's questions, with its answer as a table or a file."),
)


def research_waves(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The waves of studies that are research (they define sites, people, evidence or publications);
    the shared vocabulary is loaded as a study of its own but is not one."""
    studies = {r["study"] for r in rows if any(r.get(c) for c in RESEARCH)}
    return [r for r in rows if r["study"] in studies]


def show_studies(report: dict[str, Any]) -> None:
    """The studies, their sites and waves first: what a manager recognises."""
    outcome = results.run_or_report("study_overview", {}) if data.has_query("study_overview") else None
    rows = research_waves(outcome.rows) if outcome is not None else []
    cells = st.columns(3)
    cells[0].metric("Studies", len({r["study"] for r in rows}))
    cells[1].metric("Sites", report["nodes"].get("Site", 0))
    cells[2].metric("Waves of fieldwork", len(rows))
    if not rows:
        st.info("No study is loaded yet. Load the demo with `kb demo`, or a wave package with `kb load PATH`.")
        return
    st.header("The studies")
    st.caption(
        "Each wave's counts are the records this knowledge base holds for it. A wave its publications "
        "report only as totals (a national survey's responses, a scoping study's sites) holds no record "
        "of each site or person, so its count is 0 here; the Sources below give the published totals."
    )
    for study in dict.fromkeys(r["study"] for r in rows):
        waves = [r for r in rows if r["study"] == study]
        st.subheader(str(waves[0].get("title") or study))
        table = pd.DataFrame(
            [
                {
                    "Wave": w.get("wave_title") or w["wave"],
                    "When": " to ".join(dict.fromkeys(str(v) for v in (w.get("started"), w.get("ended")) if v)),
                    "Sites on record": w.get("sites"),
                    "People on record": w.get("participants"),
                    "Pieces of evidence": w.get("evidence"),
                    "Publications": w.get("publications"),
                }
                for w in waves
            ]
        )
        tables.show(table, key=f"overview:study:{study}")


def show_questions() -> None:
    st.header("What you can ask")
    for path, title, question in ASK:
        st.page_link(path, label=f"{title}: {question}")


def show_counts(report: dict[str, Any]) -> None:
    """What the graph holds, by label and relationship type: for researchers, so folded away."""
    nodes, rels = report["nodes"], report["relationships"]
    st.markdown(f"{report['total_nodes']:,} entities and {report['total_relationships']:,} relationships.")
    left, right = st.columns(2)
    tables.show(_count_frame(nodes, "Kind of entity", vocabulary.label_words), key="overview:labels", target=left)
    tables.show(_count_frame(rels, "Relationship", vocabulary.relationship_words), key="overview:types", target=right)


def _count_frame(counts: dict[str, int], name: str, words: Callable[[str], str]) -> pd.DataFrame:
    present = [(words(key), value) for key, value in counts.items() if value]
    return pd.DataFrame(present or [("(none loaded)", 0)], columns=[name, "Count"])


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
    tables.show(frame, key="overview:waves", titled=True)
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
        f"**{last.get('title') or last.get('wave')}** ({data.study_name(last.get('study'))}) "
        f"was loaded at {last['loaded_at']}."
    )
    latest = (last.get("history") or [{}])[0].get("changes") or {}
    changed = [(what, name, count) for what, counts in latest.items() for name, count in sorted(counts.items())]
    if changed:
        frame = pd.DataFrame(changed, columns=["Change", "Label or type", "Count"])
        tables.show(frame, key="overview:last-load")
    st.subheader("History of a wave")
    names = [w["wave"] for w in waves]
    titles = {w["wave"]: w.get("title") or w["wave"] for w in waves}
    chosen = st.selectbox(
        "Wave",
        names,
        index=names.index(last["wave"]),
        key="overview:history:wave",
        format_func=lambda wave: titles.get(wave, wave),
    )
    loads = next((w.get("history") or [] for w in waves if w["wave"] == chosen), [])
    history = _history_frame(loads)
    tables.show(history, key="overview:history", titled=True)


def render() -> None:
    st.title("Commissioning research knowledge base")
    st.markdown(
        "Evidence from studies of how GPs lead Clinical Commissioning Groups: the sites and their boards, who "
        "was interviewed, who advises whom, the initiatives, what people said on each theme and where each "
        "number is published. Every table downloads."
    )
    report = data.status()
    show_studies(report)
    show_questions()
    # A switch rather than a folded expander, which draws its content even while folded: the five
    # tables and the wave picker in it held up a new browser's first view of the counts above by
    # 0.3-0.5 s. Switched on, it stays on for the session.
    if st.toggle("For researchers: what the graph holds and what each load changed", key="overview:researchers"):
        show_counts(report)
        show_waves()
        st.caption(
            f"Engine: {report.get('engine')} {report.get('version') or ''} · {data.app_config().describe()} · "
            f"data version {data.data_version()}"
        )
    sources.show_sources()


render()
