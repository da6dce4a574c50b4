"""Interactive graphs of query results: nodes coloured by label, relationships by type.

Rows carry graph values as plain dicts (see `kb.store.base`). `kb.export.graph_from_rows` gathers
every node and relationship they hold (the same graph a GraphML or GEXF download holds), and
`elements_from_graph` turns it into Cytoscape elements, which the
`st_link_analysis` component draws with the Cytoscape.js it ships in its wheel: nothing is
fetched from the network when the page opens.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from typing import Any

import networkx as nx
import streamlit as st

from kb.export import LIST_SEPARATOR, graph_from_rows
from ui import vocabulary

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
    # The side panel writes values into its page as HTML, so every value is escaped here; long
    # texts are cut so the page stays light.
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    text = text if len(text) <= MAX_PROPERTY_CHARS else text[:MAX_PROPERTY_CHARS] + "…"
    return html.escape(text)


# Properties the side panel leaves out: identifiers and bookkeeping (the downloads keep them).
HIDDEN_PROPERTIES = frozenset({"id", "labels", "label", "key", "source_hash", "loaded_at", "wave_key"})
# Properties shown first, in this order, when a node has them.
FIRST_PROPERTIES = ("kind", "role", "text", "title", "year", "locator")
CAPTION_CHARS = 40


def node_name(attrs: dict[str, Any], label: str) -> str:
    """What a node is called on screen: its name or title, else the start of its text, else its kind."""
    for prop in ("name", "title"):
        if attrs.get(prop):
            return str(attrs[prop])
    text = str(attrs.get("text") or "")
    if text:
        return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"
    return vocabulary.label_words(label)


# The panel writes ids into its page as HTML: characters that mean something there are swapped for
# look-alikes that do not (an id is also the caption drawn on the canvas, so it cannot be escaped).
ID_LOOKALIKES = str.maketrans({"<": "‹", ">": "›", "&": "＆", '"': "”", "'": "’"})


def _unique(name: str, taken: set[str]) -> str:
    name = name.translate(ID_LOOKALIKES)
    candidate, count = name, 1
    while candidate in taken:
        count += 1
        candidate = f"{name} ({count})"
    taken.add(candidate)
    return candidate


def details(attrs: dict[str, Any], label: str) -> dict[str, str]:
    """A node's properties in plain words for the side panel (whose heading is its kind): what
    matters most first, then the rest, without identifiers."""
    shown: dict[str, str] = {}
    names = [p for p in FIRST_PROPERTIES if p in attrs] + sorted(
        p for p in attrs if p not in FIRST_PROPERTIES and p not in HIDDEN_PROPERTIES and p != "name"
    )
    for prop in names:
        if attrs.get(prop) is not None and attrs.get(prop) != "":
            shown[vocabulary.column_title(prop)] = _shown(attrs[prop])
    return shown


def layout_positions(graph: nx.MultiDiGraph[str], keys: list[str]) -> dict[str, tuple[float, float]]:
    """Where each node is drawn: a force-directed layout with a fixed seed, so the same selection
    always opens in the same picture, scaled to the drawing area (the component fits it to the canvas)."""
    if not keys:
        return {}
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(keys)
    simple.add_edges_from((a, b) for a, b in graph.edges() if a in simple and b in simple and a != b)
    raw = nx.spring_layout(simple, seed=LAYOUT_SEED, k=None, iterations=80)
    return {key: (float(x) * LAYOUT_SCALE, float(y) * LAYOUT_SCALE) for key, (x, y) in raw.items()}


LAYOUT_SEED = 7
LAYOUT_SCALE = 400.0
# A preset layout places nodes where `layout_positions` put them and fits them to the canvas.
LAYOUT = {"name": "preset", "fit": True, "padding": 30, "animate": False}


def elements_from_graph(graph: nx.MultiDiGraph[str]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: one per node that came with its labels, one per relationship between two of them.

    Node and relationship ids are the names people read (the side panel shows the id first), made
    unique with a number when two share a name. A relationship's end node that the rows did not
    return itself has no labels or properties to show, so it is left out with its relationships.
    """
    keyed = [(key, attrs) for key, attrs in graph.nodes(data=True) if "labels" in attrs]
    positions = layout_positions(graph, [key for key, _ in keyed])
    taken: set[str] = set()
    ids: dict[str, str] = {}
    nodes = []
    for key, attrs in keyed:
        label = str(attrs["labels"]).split(LIST_SEPARATOR)[0] or "Node"
        ids[key] = _unique(node_name(attrs, label), taken)
        x, y = positions[key]
        nodes.append(
            {
                "data": {"id": ids[key], "label": vocabulary.label_words(label), **details(attrs, label)},
                "position": {"x": round(x, 1), "y": round(y, 1)},
            }
        )
    edges = []
    for start, end, _key, attrs in graph.edges(keys=True, data=True):
        if start in ids and end in ids:
            phrase = vocabulary.relationship_words(str(attrs["type"]))
            props = {
                vocabulary.column_title(name): _shown(value)
                for name, value in attrs.items()
                if name != "type" and value is not None
            }
            edge_id = _unique(f"{ids[start]} {phrase} {ids[end]}", taken)
            edges.append(
                {
                    "data": {
                        "id": edge_id,
                        "label": phrase,
                        "source": ids[start],
                        "target": ids[end],
                        **props,
                    }
                }
            )
    return {"nodes": nodes, "edges": edges}


def fingerprint(elements: dict[str, list[dict[str, Any]]]) -> str:
    """A short digest of what is drawn: the component is mounted afresh (and so fitted) when it changes."""
    ids = sorted(n["data"]["id"] for n in elements["nodes"]) + sorted(e["data"]["id"] for e in elements["edges"])
    return hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()[:12]


def elements_from_rows(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return elements_from_graph(result_graph(rows))


def kind_colour(kind: str) -> str:
    """The colour of a kind of entity as drawn (`vocabulary.label_words` of its label)."""
    return label_colour(KIND_LABELS.get(kind, kind))


KIND_LABELS = {vocabulary.label_words(label): label for label in LABEL_COLOURS}


def legend_html(kinds: Iterable[str]) -> str:
    """A one-line legend: a coloured dot per kind of entity drawn (escaped, though they come from the schema)."""
    items = [
        f'<span style="margin-right:1em"><span style="color:{kind_colour(kind)};font-size:1.2em">●</span> '
        f"{html.escape(kind)}</span>"
        for kind in sorted(set(kinds))
    ]
    return "".join(items)


CAPTION_STYLE = {"font-size": 8, "min-zoomed-font-size": 6, "text-wrap": "ellipsis", "text-max-width": 90}


def node_styles(kinds: Iterable[str]) -> list[_Dumped]:
    """One style per kind of entity: its label's colour, and a caption legible at the zoom a small graph opens at
    (the component's own caption is so small that it only shows when zoomed well in)."""
    from st_link_analysis import NodeStyle

    styles = []
    for kind in kinds:
        style = NodeStyle(kind, kind_colour(kind), "id")
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


def show_graph(rows: list[dict[str, Any]], key: str, height: int = 520, empty: str = "") -> int:
    """Draw the graph in `rows`; returns how many nodes were drawn (0: nothing to draw, and `empty`
    or a general sentence says why)."""
    from st_link_analysis import EdgeStyle, st_link_analysis

    elements = elements_from_rows(rows)
    if not elements["nodes"]:
        st.info(empty or "There is nothing to draw here: this result holds no people, places or other entities.")
        return 0
    kinds = sorted({n["data"]["label"] for n in elements["nodes"]})
    phrases = sorted({e["data"]["label"] for e in elements["edges"]})
    # labeled=None: the component warns about its deprecated `labeled` flag unless it is None.
    edge_styles = [EdgeStyle(p, caption="label", directed=True, labeled=None) for p in phrases]
    # A new key per drawn selection mounts the component afresh, so the picture is laid out and
    # fitted for what is selected now (the component keeps its old layout when only data changes).
    st_link_analysis(
        elements, LAYOUT, node_styles(kinds), edge_styles, height=height, key=f"{key}:{fingerprint(elements)}"
    )
    st.markdown(legend_html(kinds), unsafe_allow_html=True)
    st.caption(
        f"{len(elements['nodes'])} entities, {len(elements['edges'])} connections. "
        "Click one to read about it; drag to move, scroll to zoom."
    )
    return len(elements["nodes"])
