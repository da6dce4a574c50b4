"""Download buttons for a result: CSV, Excel and JSON always, GraphML and GEXF for graph results.

The files come from `kb.export`, the same writers `kb query --out` uses, so a download and a
command-line export of the same result are the same file: formula-like text neutralised in CSV
and Excel, the provenance (query, parameters, engine, time) on a sheet of the workbook and in a
side file for the other formats. Files are built only when a button is pressed (a callable as the
button's data) and pressing one does not rerun the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from kb import export
from kb.store import Result

MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
}
BUTTON_LABELS = {"csv": "CSV", "xlsx": "Excel", "json": "JSON", "graphml": "GraphML", "gexf": "GEXF"}
TABLE_FORMATS = ("csv", "xlsx", "json")


def file_stem(meta: dict[str, Any]) -> str:
    """A file name from the query's name ('cypher' for console text), safe on every file system."""
    name = meta.get("name") or (meta.get("query") if "cypher" in meta else None) or "cypher"
    if "\n" in str(name) or len(str(name)) > 60:
        name = "cypher"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "result"


def provenance(meta: dict[str, Any], rows: list[dict[str, Any]], fmt: str) -> dict[str, Any]:
    return export.provenance_record({**meta, "row_count": len(rows), "format": fmt})


def export_bytes(fmt: str, columns: list[str], rows: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    """The file a download of `fmt` holds (the provenance of xlsx is inside it, on its own sheet)."""
    if fmt in ("csv", "json"):
        text = io.StringIO(newline="")
        (export.to_csv if fmt == "csv" else export.to_json)(columns, rows, text)
        return (text.getvalue() + ("\n" if fmt == "json" else "")).encode("utf-8")
    binary = io.BytesIO()
    if fmt == "xlsx":
        export.to_xlsx(columns, rows, binary, provenance(meta, rows, fmt))
    elif fmt == "graphml":
        export.to_graphml(export.graph_from_rows(rows), binary)
    elif fmt == "gexf":
        export.to_gexf(export.graph_from_rows(rows), binary)
    else:
        raise ValueError(f"unknown download format '{fmt}'")
    return binary.getvalue()


def provenance_bytes(meta: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    return export.provenance_sidecar(provenance(meta, rows, "csv")).encode("utf-8")


def _deferred(fmt: str, columns: list[str], rows: list[dict[str, Any]], meta: dict[str, Any]) -> Callable[[], bytes]:
    return lambda: export_bytes(fmt, columns, rows, meta)


def download_buttons(result: Result, key: str, graph: bool = False) -> None:
    """A row of download buttons for the result and its provenance; GraphML and GEXF only when it holds nodes."""
    columns, rows = result.columns, result.rows
    meta = result.provenance.as_dict() if result.provenance else {}
    formats = TABLE_FORMATS + (export.GRAPH_FORMATS if graph else ())
    stem = file_stem(meta)
    row = st.container(horizontal=True)
    for fmt in formats:
        row.download_button(
            BUTTON_LABELS[fmt],
            _deferred(fmt, columns, rows, meta),
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            key=f"{key}:dl:{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )
    row.download_button(
        "Provenance",
        lambda: provenance_bytes(meta, rows),
        file_name=f"{stem}.provenance.json",
        mime=MIME["json"],
        key=f"{key}:dl:provenance",
        on_click="ignore",
        icon=":material/info:",
        help="What produced this result: query, parameters, engine and time (Excel files hold it on a sheet).",
    )
