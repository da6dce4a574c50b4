"""Initiatives: commissioning initiatives by clinical area and by the kind of partner involved,
across every loaded study (queries `initiatives_by_clinical_area`, `initiatives_by_partner_type`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, forms, results


def filters(name: str, key: str) -> dict[str, Any]:
    """The query's parameters as pickers side by side."""
    query = get_query(name)
    cells = st.columns(len(query.params))
    return {
        p.name: forms.param_widget(query, p, f"{key}:{p.name}", cell)
        for p, cell in zip(query.params, cells, strict=True)
    }


def count_chart(rows: list[dict[str, Any]], category: str, title: str) -> None:
    """Distinct initiatives per `category`, as bars."""
    counts: dict[str, set[str]] = {}
    for row in rows:
        counts.setdefault(row.get(category) or "(none)", set()).add(row["initiative"])
    frame = pd.DataFrame([{category: k, "initiatives": len(v)} for k, v in counts.items()])
    if len(frame) > 1:
        st.altair_chart(
            charts.bar_chart(frame.sort_values("initiatives", ascending=False), category, "initiatives", title=title),
            width="stretch",
        )


def by_area() -> None:
    values = filters("initiatives_by_clinical_area", "initiatives:area")
    outcome = results.run_or_report("initiatives_by_clinical_area", values)
    if outcome is not None:
        count_chart(outcome.rows, "area_name", "Initiatives per clinical area")
        results.show_table(outcome, key="initiatives:area")


def by_partner() -> None:
    values = filters("initiatives_by_partner_type", "initiatives:partner")
    outcome = results.run_or_report("initiatives_by_partner_type", values)
    if outcome is not None:
        count_chart(outcome.rows, "partner_type", "Initiatives per kind of partner")
        results.show_table(outcome, key="initiatives:partner")


def render() -> None:
    st.title("Initiatives")
    st.caption(
        "Service redesigns and commissioning initiatives the studies describe, with where they ran, "
        "the levels at which GPs led them and the partners involved."
    )
    area, partner = st.tabs(["By clinical area", "By kind of partner"])
    with area:
        by_area()
    with partner:
        by_partner()


render()
