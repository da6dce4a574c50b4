"""Charts for comparisons that read better as a picture (altair, which ships with Streamlit)."""

from __future__ import annotations

from typing import Any, Final

import altair as alt
import pandas as pd
import streamlit as st

from ui import tables, vocabulary

HEAT_SCHEME: Final = "blues"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric_columns(columns: list[str], rows: list[dict[str, Any]], exclude: tuple[str, ...] = ()) -> list[str]:
    """Columns whose non-null values are all numbers (and at least one is present)."""
    found = []
    for column in columns:
        values = [row.get(column) for row in rows if row.get(column) is not None]
        if column not in exclude and values and all(is_number(v) for v in values):
            found.append(column)
    return found


def bar_chart(
    frame: pd.DataFrame, category: str, measure: str, colour: str | None = None, title: str = ""
) -> alt.Chart:
    """Horizontal bars of `measure` per `category`, side by side per `colour` when given."""
    whole = bool(frame[measure].dropna().map(lambda v: float(v).is_integer()).all())
    axis = alt.Axis(format=",d", tickMinStep=1) if whole else alt.Axis()
    encoding = {
        "y": alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        "x": alt.X(f"{measure}:Q", title=vocabulary.column_title(measure), axis=axis),
        "tooltip": [alt.Tooltip(c, title=vocabulary.column_title(c)) for c in (category, colour, measure) if c],
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=vocabulary.column_title(colour))
        encoding["yOffset"] = alt.YOffset(f"{colour}:N")
    chart: alt.Chart = alt.Chart(frame, title=title).mark_bar().encode(**encoding)
    return chart


def heatmap(
    frame: pd.DataFrame, x: str, y: str, value: str, selection_name: str = "cell", fields: list[str] | None = None
) -> alt.LayerChart:
    """A matrix of coloured cells with their counts written in; clicking a cell selects its `fields`
    (by default x and y; ids work too, as long as they are columns of `frame`)."""
    pick = alt.selection_point(name=selection_name, fields=fields or [x, y], on="click")
    # labelOverlap=False: Vega otherwise drops every other label once they crowd, and cells are
    # then clicked blind; long labels are cut (the tooltip and the table view have them whole).
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=150, labelOverlap=False)),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=170, labelOverlap=False)),
    )
    cells = (
        base.mark_rect(stroke="white")
        .encode(
            color=alt.Color(
                f"{value}:Q",
                scale=alt.Scale(scheme=HEAT_SCHEME),
                title=vocabulary.column_title(value),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip(c, title=vocabulary.column_title(c)) for c in (y, x, value)],
        )
        .add_params(pick)
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{value}:Q"),
        color=alt.condition(alt.datum[value] > frame[value].max() / 2, alt.value("white"), alt.value("black")),
    )
    layered: alt.LayerChart = cells + labels  # the cells, with their counts written on top
    return layered


def matrix_table(frame: pd.DataFrame, x: str, y: str, value: str) -> pd.DataFrame:
    """A heatmap as a table: a row per `y`, a column per `x`, in the order they first appear; a cell
    with no value stays empty (unknown is not 0)."""
    table = frame.pivot_table(index=y, columns=x, values=value, aggfunc="first", sort=False)
    # As text: a column of numbers with empty cells cannot go to the browser as one typed column.
    table = table.map(_number_text)
    return table.reset_index().rename(columns={y: vocabulary.column_title(y)})


def _number_text(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.2f}"


def chart_with_table(chart: Any, table: pd.DataFrame, key: str, description: str, **chart_args: Any) -> Any:
    """A chart with its table a tab away, and a sentence saying what the chart shows (the text
    alternative for people who cannot see it). Returns what `st.altair_chart` returns."""
    st.caption(description)
    picture, numbers = st.tabs(["Chart", "Table"])
    with numbers:
        tables.show(table, key=f"{key}:table")
    with picture:
        return st.altair_chart(chart.properties(description=description), key=key, **chart_args)
