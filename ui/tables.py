"""The one way a page draws a table: no index column, an unknown value as an empty cell, and, for
tables whose columns are the knowledge base's names, each column's title in words."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import vocabulary

# What a column of locators means, shown when the reader hovers over its title.
COLUMN_HELP = {
    "source": "Where this row's figures are published: the publication, and its table, row and column.",
    "locator": "Where this is published: the publication, and its table, section or page.",
}


# The columns that say which row is which, most telling first: the one a table has stays pinned at
# its left edge, so on a phone the row's name stays in view while the rest scrolls sideways.
ROW_NAMES = ("name", "site_name", "initiative_name", "theme_name", "area_name", "type_name", "title")


def row_name(columns: list[str]) -> str | None:
    """The column that names a table's rows (`ROW_NAMES`), if it has one."""
    return next((c for c in ROW_NAMES if c in columns), None)


def column_config(columns: list[str]) -> dict[str, Any]:
    """Each column's title in words (`ui.vocabulary`), what a column of locators means, and the
    column naming the rows pinned."""
    pinned = row_name(columns)
    return {
        column: st.column_config.Column(
            vocabulary.column_title(column), help=COLUMN_HELP.get(column), pinned=True if column == pinned else None
        )
        for column in columns
    }


def show(frame: pd.DataFrame, key: str, *, titled: bool = False, target: Any = st, **options: Any) -> None:
    """`frame` as a table in `target` (the page, or a column of it). `titled`: its columns are
    names for code (`pct_employees`), shown by their titles. Other options go to st.dataframe."""
    if titled:
        options.setdefault("column_config", column_config(list(frame.columns)))
    target.dataframe(frame, hide_index=True, placeholder=vocabulary.PLACEHOLDER, key=key, **options)
