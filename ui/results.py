"""Showing a result: a table (graph values as short text), its downloads and, for graphs, a picture."""

from __future__ import annotations

import json
from typing import Any, Literal

import pandas as pd
import streamlit as st

from kb.errors import KBError
from kb.queries import get_query
from kb.store import Result
from kb.store.base import is_graph_value
from ui import data, downloads, forms, graph, messages, vocabulary


def cell_text(value: Any) -> Any:
    """A value as a table shows it: numbers and text as they are, graph values and maps as short text."""
    if is_graph_value(value):
        return _graph_text(value)
    if isinstance(value, list):
        return "; ".join(str(cell_text(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _graph_text(value: dict[str, Any]) -> str:
    if value["element"] == "node":
        props = value["properties"]
        name = props.get("name") or props.get("title") or props.get("id") or value["key"]
        return f"({':'.join(value['labels'])} {name})"
    if value["element"] == "relationship":
        return f"[:{value['type']}]"
    return " → ".join(_graph_text(node) for node in value["nodes"])


def table_frame(columns: list[str], rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as the screen shows them: codes in words, unknown as an empty cell (never "None"
    and never 0). The column names stay the query's; `column_config` gives their titles."""
    frame = pd.DataFrame(
        [[vocabulary.coded_value(c, cell_text(row.get(c))) for c in columns] for row in rows], columns=columns
    )
    for column in frame.columns:
        values = frame[column]
        # A column mixing numbers and text, or numbers with unknowns, cannot go to the browser as
        # one typed column with empty cells: it goes as text.
        if values.isna().any() or (values.dtype == object and values.map(type).nunique() > 1):
            frame[column] = values.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return frame


# What a column of locators means, shown when the reader hovers over its title.
COLUMN_HELP = {
    "source": "Where this row's figures are published: the publication, and its table, row and column.",
    "locator": "Where this is published: the publication, and its table, section or page.",
}


def column_config(columns: list[str]) -> dict[str, Any]:
    """Each column's title in words (`ui.vocabulary`), and what a column of locators means."""
    return {
        column: st.column_config.Column(vocabulary.column_title(column), help=COLUMN_HELP.get(column))
        for column in columns
    }


def shown_columns(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """The columns a table shows: all but those holding only ids (the downloads keep them)."""
    hidden = set(vocabulary.id_columns(columns, rows))
    return [c for c in columns if c not in hidden]


def show_table(result: Result, key: str, draw_graph: bool = True, height: int | Literal["auto"] = "auto") -> None:
    """The rows as a table with a row count and download buttons, then the graph if the rows hold one."""
    rows = result.rows
    if not rows:
        st.info("No rows: nothing matches these choices in the loaded data.")
        return
    st.dataframe(
        table_frame(result.columns, rows),
        hide_index=True,
        height=height,
        key=f"{key}:table",
        column_config=column_config(result.columns),
        column_order=shown_columns(result.columns, rows),
    )
    is_graph = graph.has_graph_values(rows)
    st.caption(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    downloads.download_buttons(result, key, graph=is_graph)
    if draw_graph and is_graph:
        graph.show_graph(rows, key=f"{key}:graph")


def run_or_report(name: str, values: dict[str, Any]) -> Result | None:
    """Run a library query; on a refusal or failure show the message and return None."""
    try:
        return data.run_query(name, values)
    except KBError as exc:
        title = get_query(name).title if data.has_query(name) else name
        st.error(messages.error_words(exc, f'"{title}"'))
        return None


def query_section(name: str, key: str, draw_graph: bool = True) -> Result | None:
    """A library query with its question, a form for its parameters (folded away), its table and downloads."""
    if not data.has_query(name):
        st.warning(f"The query library has no '{name}' query in this installation.")
        return None
    query = get_query(name)
    st.caption(query.question)
    if query.params:
        with st.expander("Parameters", expanded=False):
            values = forms.param_values(query, key)
    else:
        values = {}
    outcome = run_or_report(name, values)
    if outcome is not None:
        show_table(outcome, key=key, draw_graph=draw_graph)
    return outcome
