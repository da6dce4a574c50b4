"""Charts for comparisons that read better as a picture (altair, which ships with Streamlit)."""

from __future__ import annotations

from typing import Any, Final

import altair as alt
import pandas as pd

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
        "x": alt.X(f"{measure}:Q", title=measure.replace("_", " "), axis=axis),
        "tooltip": [c for c in (category, colour, measure) if c],
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=colour.replace("_", " "))
        encoding["yOffset"] = alt.YOffset(f"{colour}:N")
    chart: alt.Chart = alt.Chart(frame, title=title).mark_bar().encode(**encoding)
    return chart


def heatmap(
    frame: pd.DataFrame, x: str, y: str, value: str, selection_name: str = "cell", fields: list[str] | None = None
) -> alt.LayerChart:
    """A matrix of coloured cells with their counts written in; clicking a cell selects its `fields`
    (by default x and y; ids work too, as long as they are columns of `frame`)."""
    pick = alt.selection_point(name=selection_name, fields=fields or [x, y], on="click")
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=180)),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=260)),
    )
    cells = (
        base.mark_rect(stroke="white")
        .encode(
            color=alt.Color(
                f"{value}:Q",
                scale=alt.Scale(scheme=HEAT_SCHEME),
                title=value.replace("_", " "),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[y, x, value],
        )
        .add_params(pick)
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{value}:Q"),
        color=alt.condition(alt.datum[value] > frame[value].max() / 2, alt.value("white"), alt.value("black")),
    )
    layered: alt.LayerChart = cells + labels  # the cells, with their counts written on top
    return layered
