"""Network: interactive graphs of a site's world, its advice network, any entity's neighbourhood,
and the chains that connect two entities. Nodes are coloured by label.

Queries: `neighbourhood`, `site_network` with `knowledge_brokers` (the SNA measures),
`search` (to find an entity by name) and `connections_between`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, data, forms, graph, links, results, sources

MODES = ("Around a site", "Advice network", "Around any entity", "Between two entities")


def show_graph_result(name: str, values: dict[str, Any], key: str, empty: str) -> int:
    """Run a graph query and draw it, with its table and downloads under the picture; the row count.

    `empty` says in words why nothing is drawn when the query finds nothing."""
    outcome = results.run_or_report(name, values)
    if outcome is None:
        return 0
    rows = outcome.rows
    if not rows:
        st.info(empty)
        return 0
    graph.show_graph(rows, key=f"{key}:graph", empty=empty)
    # A switch rather than a folded expander: an expander's content is drawn even while folded, and
    # the table's code (1.7 MB of Streamlit's JavaScript) then held up a new browser's first view of
    # the graph by about 0.5 s. Switched on, it stays on for the session.
    if st.toggle(f"Show the table ({len(rows)} rows) and downloads", key=f"{key}:show-table"):
        results.show_table(outcome, key=key, draw_graph=False)
    return len(rows)


def around_site() -> None:
    left, right = st.columns([3, 1])
    site = forms.choose("site_profile", "site", "Site", key="site", target=left, url=True)
    hops = right.segmented_control("Steps out", [1, 2], default=1, key="steps", bind=links.BIND) or 1
    if site:
        show_graph_result(
            "neighbourhood",
            {"id": site, "hops": hops, "limit": 300},
            key="network:site",
            empty="Nothing is recorded as connected to this site yet.",
        )


def advice_network() -> None:
    query = get_query("site_network")
    left, middle, right = st.columns([3, 2, 1])
    site = forms.choose("site_network", "site", "Site", key="site", target=left, url=True)
    wave = forms.param_widget(query, query.param("wave"), "wave", middle, url=True)
    relation = forms.param_widget(query, query.param("relation"), "network:advice:relation", right)
    if not site:
        return
    # Neither the picture nor the brokers are shown without a survey network in the wave: a ranking
    # of people on measures nobody took would look like a finding.
    survey, title = data.survey_wave(site, wave)
    if survey is None:
        st.info(
            f"No survey network is loaded for this site{' in that wave' if wave else ''}, so there is no advice "
            f"network to draw and nobody to rank as a knowledge broker. ({title}.)",
            icon=":material/info:",
        )
        return
    st.caption(f"The advice network as the survey of {title} recorded it.")
    limit = query.param("limit").default
    values = {"site": site, "wave": survey, "relation": relation, "limit": limit}
    shown = show_graph_result(
        "site_network", values, key="network:advice", empty="No tie of this kind was recorded in this wave."
    )
    if shown >= limit:
        st.caption(
            f"The site's {limit} strongest ties (by weight) are drawn; the knowledge brokers below are "
            "ranked on its whole network."
        )
    st.header("Knowledge brokers")
    outcome = results.run_or_report("knowledge_brokers", {"site": site, "wave": survey, "limit": 10})
    if outcome is not None and outcome.rows:
        rows = outcome.rows
        st.caption(f"Ranked by betweenness centrality, then degree, in {title}.")
        results.show_table(outcome, key="network:brokers", draw_graph=False)
        frame = [{"name": r["name"], "betweenness": r["betweenness"]} for r in rows if r.get("betweenness") is not None]
        if any(entry["betweenness"] for entry in frame):
            st.altair_chart(charts.bar_chart(pd.DataFrame(frame), "name", "betweenness"), width="stretch")
    elif outcome is not None:
        st.info(f"The survey of {title} measured nobody at this site, so nobody is ranked.")


def find_entity(key: str, label: str, target: forms.WidgetTarget = st) -> str | None:
    """Search by name or text and pick one match; returns its id."""
    text = target.text_input(label, key=f"{key}:text", placeholder="a name or a word, e.g. Wellbeing")
    if not text.strip():
        return None
    outcome = results.run_or_report("search", {"text": text.strip(), "label": "", "limit": 50})
    found = [r for r in (outcome.rows if outcome is not None else []) if r.get("id")]
    # Entities whose name is the text come first, then other entities, then pieces of evidence.
    wanted = text.strip().lower()
    matches = sorted(found, key=lambda r: (str(r.get("name") or "").lower() != wanted, r.get("label") == "Evidence"))
    if not matches:
        target.info(f"Nothing matches '{text}'.")
        return None
    names = {r["id"]: f"{r['label']}: {r['name'] or r['id']} ({r['id']})" for r in matches}
    match: str | None = target.selectbox(
        "Match", list(names), format_func=lambda v: names.get(v, str(v)), key=f"{key}:match"
    )
    return match


def around_entity() -> None:
    left, right = st.columns([3, 1])
    entity = find_entity("network:entity", "Find an entity", left)
    hops = right.segmented_control("Steps out", [1, 2], default=1, key="network:entity:hops") or 1
    if entity:
        show_graph_result(
            "neighbourhood",
            {"id": entity, "hops": hops, "limit": 300},
            key="network:entity",
            empty="Nothing is recorded as connected to this entity.",
        )


def between_entities() -> None:
    left, right = st.columns(2)
    start = find_entity("network:from", "From", left)
    end = find_entity("network:to", "To", right)
    if start and end:
        if start == end:
            st.info("Choose two different entities.")
            return
        show_graph_result(
            "connections_between",
            {"from": start, "to": end, "max_hops": 6, "limit": 25},
            key="network:between",
            empty="No chain of up to 6 steps connects these two in the loaded data.",
        )


def render() -> None:
    st.title("Network")
    if not links.known("show", MODES, "the view"):
        return
    mode = st.segmented_control("Show", MODES, default=MODES[0], key="show", bind=links.BIND) or MODES[0]
    views = {MODES[0]: around_site, MODES[1]: advice_network, MODES[2]: around_entity, MODES[3]: between_entities}
    try:
        views[mode]()
    except forms.UnknownInLink:
        return  # the page has said which value of its link is unknown
    sources.show_sources()


render()
