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
from ui import data, downloads, forms, graph, messages, tables, vocabulary


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_unknown(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def typed_column(column: str, values: pd.Series) -> pd.Series:
    """A column as the browser gets it. Numbers stay numbers, with unknown values as missing (shown
    empty by `vocabulary.PLACEHOLDER`, never as 0), so the table sorts them as numbers: a column of whole numbers
    as nullable integers, one with fractions as nullable floats. Other columns show codes in words
    and unknowns as empty text; a column mixing numbers and text goes as text."""
    known = [v for v in values if not _is_unknown(v)]
    if known and all(_is_number(v) for v in known):
        whole = all(isinstance(v, int) for v in known)
        typed = [pd.NA if _is_unknown(v) else v for v in values]
        return pd.Series(typed, index=values.index, dtype="Int64" if whole else "Float64")
    shown = values.map(lambda v: vocabulary.coded_value(column, v))
    if len({type(v) for v in shown}) > 1:
        return shown.map(str)
    return shown


def table_frame(
    columns: list[str], rows: list[dict[str, Any]], study_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """The rows as the screen shows them: codes in words, studies as people cite them (`study_names`,
    id to label), unknown as an empty cell (never "None" and never 0), numbers sortable as numbers.
    The column names stay the query's; `column_config` gives their titles."""
    names = study_names or {}

    def cell(column: str, value: Any) -> Any:
        if column in vocabulary.STUDY_COLUMNS and names:
            value = [names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value)
        return cell_text(value)

    cells = pd.DataFrame([[cell(c, row.get(c)) for c in columns] for row in rows], columns=columns, dtype=object)
    return pd.DataFrame({c: typed_column(c, cells[c]) for c in columns}, columns=columns)


def shown_columns(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """The columns a table shows: all but those holding only ids (the downloads keep them), the
    column naming the rows first (`tables.row_name`: it stays pinned there)."""
    hidden = set(vocabulary.id_columns(columns, rows))
    shown = [c for c in columns if c not in hidden]
    first = tables.row_name(shown)
    return shown if first is None else [first, *(c for c in shown if c != first)]


def show_table(result: Result, key: str, draw_graph: bool = True, height: int | Literal["auto"] = "auto") -> None:
    """The rows as a table with a row count and download buttons, then the graph if the rows hold one."""
    rows = result.rows
    if not rows:
        st.info("No rows: nothing matches these choices in the loaded data.")
        return
    tables.show(
        table_frame(result.columns, rows, data.study_labels()),
        key=f"{key}:table",
        height=height,
        column_config=tables.column_config(result.columns),
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
