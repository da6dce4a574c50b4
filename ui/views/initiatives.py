"""Initiatives: commissioning initiatives by clinical area and by the kind of partner involved,
across every loaded study (queries `initiatives_by_clinical_area`, `initiatives_by_partner_type`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, data, forms, gaps, results, sources


def filters(name: str, key: str) -> dict[str, Any]:
    """The query's parameters as pickers side by side."""
    query = get_query(name)
    cells = st.columns(len(query.params))
    # The page browses every initiative until a picker narrows it, whatever a header's default.
    return {
        p.name: forms.param_widget(query, p, f"{key}:{p.name}", cell, start_at_any=True)
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


def unlisted_note(rows: list[dict[str, Any]], values: dict[str, Any]) -> str:
    """Say how many loaded initiatives have no clinical area (and so are not in this list), when
    nothing narrows the list and the number is known."""
    if any(not forms.is_any(v) for v in values.values()):
        return ""
    total = data.status()["nodes"].get("Initiative", 0)
    listed = len({r["initiative"] for r in rows})
    note = gaps.unlisted_note(listed, total, "initiatives", "a clinical area")
    return note and f"{note} The other tab lists initiatives by kind of partner."


def by_area() -> None:
    values = filters("initiatives_by_clinical_area", "initiatives:area")
    outcome = results.run_or_report("initiatives_by_clinical_area", values)
    if outcome is not None:
        note = unlisted_note(outcome.rows, values)
        if note:
            st.caption(note)
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
    sources.show_sources()


render()
