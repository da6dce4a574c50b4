"""Citations: works that several publications cite, who cites them, and a work's neighbourhood
(its citing publications and authors). Queries: `co_cited_works`, `neighbourhood`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, data, forms, graph, links, results, sources

TOP_WORKS = 15


def short_title(row: dict[str, Any]) -> str:
    title = row.get("title") or row["work"]
    title = title if len(title) <= 70 else title[:69] + "…"
    return f"{title} ({row['year']})" if row.get("year") else title


def show_work_graph(rows: list[dict[str, Any]]) -> None:
    """The chosen work with the publications that cite it and its authors."""
    works = {r["work"]: short_title(r) for r in rows}
    if not links.known("work", works, "the work"):
        raise forms.UnknownInLink("work")
    links.seed("work", works, "citations:work")
    work = st.selectbox("Work", list(works), format_func=lambda v: works.get(v, str(v)), key="citations:work")
    links.write("work", work, next(iter(works), None))
    outcome = results.run_or_report("neighbourhood", {"id": work, "hops": 1, "limit": 200})
    if outcome is not None and outcome.rows:
        graph.show_graph(outcome.rows, key="citations:work-graph", height=420)


def render() -> None:
    st.title("Citations")
    try:
        show_citations()
    except forms.UnknownInLink:
        return  # the page has said which value of its link is unknown
    sources.show_sources()


def show_citations() -> None:
    st.caption("Reference lists of the studies' publications, with the same work merged across lists.")
    query = get_query("co_cited_works")
    cells = st.columns(len(query.params))
    values = {
        p.name: forms.param_widget(query, p, f"citations:{p.name}", cell, url_name=p.name)
        for p, cell in zip(query.params, cells, strict=True)
    }
    outcome = results.run_or_report("co_cited_works", values)
    if outcome is None:
        return
    rows = outcome.rows
    if not rows:
        cites = data.status()["relationships"].get("CITES", 0)
        st.info(
            "No work is cited that often in the loaded reference lists; lower the numbers above."
            if cites
            else "No reference lists are loaded yet: the studies' citations appear here once they are."
        )
        return
    top = pd.DataFrame([{"work": short_title(r), "publications": r["publications"]} for r in rows[:TOP_WORKS]])
    st.altair_chart(charts.bar_chart(top, "work", "publications", title="Most cited works"), width="stretch")
    results.show_table(outcome, key="citations:works")
    st.header("Who cites a work")
    show_work_graph(rows)


render()
