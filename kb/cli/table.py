"""Readable tables on the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from kb.store.base import is_graph_value


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if is_graph_value(value):
        if value["element"] == "node":
            props = value["properties"]
            name = props.get("name") or props.get("title") or ""
            return f"({':'.join(value['labels'])} {props.get('id', '')} {name})".replace("  ", " ")
        if value["element"] == "relationship":
            return f"[:{value['type']}]"
        return " ".join(cell_text(n) for n in value["nodes"])
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def print_table(columns: list[str], rows: list[dict[str, Any]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(cell_text(row.get(c)) for c in columns))
    # On a terminal rich fits the table to the window; piped output keeps whole cells on one line.
    Console(width=None if sys.stdout.isatty() else 400).print(table)
    Console(stderr=True).print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")
