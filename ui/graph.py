"""Interactive graphs of query results: nodes coloured by label, relationships by type.

Rows carry graph values as plain dicts (see `kb.store.base`). `kb.export.graph_from_rows` gathers
every node and relationship they hold (the same graph a GraphML or GEXF download holds), and
`elements_from_graph` turns it into Cytoscape elements, which the
`st_link_analysis` component draws with the Cytoscape.js it ships in its wheel: nothing is
fetched from the network when the page opens.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

import networkx as nx
import streamlit as st

from kb.export import LIST_SEPARATOR, graph_from_rows

# One distinct colour per label, from the colour-blind-safe Okabe-Ito and Tol palettes; labels
# that often appear together (Site, Organisation, Participant, Initiative) get the most distinct.
LABEL_COLOURS = {
    "Site": "#0072B2",
    "Organisation": "#E69F00",
    "Participant": "#CC79A7",
    "Initiative": "#009E73",
    "OrganisationType": "#D55E00",
    "ClinicalArea": "#56B4E9",
    "Theme": "#F0E442",
    "Evidence": "#777777",
    "Study": "#332288",
    "Wave": "#999933",
    "Publication": "#117733",
    "Region": "#AA4499",
    "Finding": "#882255",
    "Recommendation": "#44AA99",
    "CommissioningModel": "#DDCC77",
    "Work": "#88CCEE",
    "Author": "#CC6677",
}
FALLBACK_COLOUR = "#555555"
MAX_PROPERTY_CHARS = 300


def label_colour(label: str) -> str:
    return LABEL_COLOURS.get(label, FALLBACK_COLOUR)


def result_graph(rows: Iterable[dict[str, Any]]) -> nx.MultiDiGraph[str]:
    """Every node and relationship in the rows (inside paths, lists and maps too), as `kb.export` sees them."""
    return graph_from_rows(rows)


def has_graph_values(rows: Iterable[dict[str, Any]]) -> bool:
    return result_graph(rows).number_of_nodes() > 0


def _shown(value: Any) -> str:
    # The side panel shows properties as text; long texts are cut so the page stays light.
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= MAX_PROPERTY_CHARS else text[:MAX_PROPERTY_CHARS] + "…"


def elements_from_graph(graph: nx.MultiDiGraph[str]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: one per node that came with its labels, one per relationship between two of them.

    A relationship's end node that the rows did not return itself has no labels or properties to
    show, so it is left out together with its relationships.
    """
    nodes = []
    for key, attrs in graph.nodes(data=True):
        if "labels" not in attrs:
            continue
        label = str(attrs["labels"]).split(LIST_SEPARATOR)[0] or "Node"
        props = {f"p_{name}": _shown(value) for name, value in attrs.items() if name not in ("labels", "label")}
        nodes.append({"data": {"id": f"n{key}", "label": label, "caption": str(attrs.get("label", label)), **props}})
    drawn = {n["data"]["id"] for n in nodes}
    edges = []
    for start, end, key, attrs in graph.edges(keys=True, data=True):
        source, target = f"n{start}", f"n{end}"
        if source in drawn and target in drawn:
            props = {f"p_{name}": _shown(value) for name, value in attrs.items() if name != "type"}
            edges.append(
                {"data": {"id": f"e{key}", "label": attrs["type"], "source": source, "target": target, **props}}
            )
    return {"nodes": nodes, "edges": edges}


def elements_from_rows(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return elements_from_graph(result_graph(rows))


def legend_html(labels: Iterable[str]) -> str:
    """A one-line legend: a coloured dot per label drawn (labels come from the schema, escaped anyway)."""
    items = [
        f'<span style="margin-right:1em"><span style="color:{label_colour(name)};font-size:1.2em">●</span> '
        f"{html.escape(name)}</span>"
        for name in sorted(set(labels))
    ]
    return "".join(items)


CAPTION_STYLE = {"font-size": 8, "min-zoomed-font-size": 6, "text-wrap": "ellipsis", "text-max-width": 90}


def node_styles(labels: Iterable[str]) -> list[_Dumped]:
    """One style per label: its colour, and a caption legible at the zoom a small graph opens at
    (the component's own caption is so small that it only shows when zoomed well in)."""
    from st_link_analysis import NodeStyle

    styles = []
    for label in labels:
        style = NodeStyle(label, label_colour(label), "caption")
        dumped = style.dump()
        dumped["style"].update(CAPTION_STYLE)
        styles.append(_Dumped(dumped))
    return styles


class _Dumped:
    """A style already in the component's wire format."""

    def __init__(self, dumped: dict[str, Any]):
        self._dumped = dumped

    def dump(self) -> dict[str, Any]:
        return self._dumped


def show_graph(rows: list[dict[str, Any]], key: str, height: int = 520) -> int:
    """Draw the graph in `rows`; returns how many nodes were drawn (0: nothing to draw)."""
    from st_link_analysis import EdgeStyle, st_link_analysis

    elements = elements_from_rows(rows)
    if not elements["nodes"]:
        st.info("This result holds no nodes to draw.")
        return 0
    labels = sorted({n["data"]["label"] for n in elements["nodes"]})
    types = sorted({e["data"]["label"] for e in elements["edges"]})
    # labeled=None: the component warns about its deprecated `labeled` flag unless it is None.
    edge_styles = [EdgeStyle(t, caption="label", directed=True, labeled=None) for t in types]
    st_link_analysis(elements, "cose", node_styles(labels), edge_styles, height=height, key=key)
    st.markdown(legend_html(labels), unsafe_allow_html=True)
    st.caption(
        f"{len(elements['nodes'])} nodes, {len(elements['edges'])} relationships. "
        "Click a node to see its properties; drag to move, scroll to zoom."
    )
    return len(elements["nodes"])
