"""Initiatives: commissioning initiatives by clinical area and by the kind of partner involved,
across every loaded study (queries `initiatives_by_clinical_area`, `initiatives_by_partner_type`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, data, forms, gaps, links, results, sources

VIEWS = ("By clinical area", "By kind of partner")

# Each tab's pickers in the page's address: both tabs have a study, so each tab names its own.
URL_NAMES = {
    "initiatives:area": {"clinical_area": "area", "study": "area_study"},
    "initiatives:partner": {"organisation_type": "partner", "study": "partner_study"},
}


def filters(name: str, key: str) -> dict[str, Any]:
    """The query's parameters as pickers side by side, each kept in the address."""
    query = get_query(name)
    cells = st.columns(len(query.params))
    # The page browses every initiative until a picker narrows it, whatever a header's default.
    return {
        p.name: forms.param_widget(
            query, p, f"{key}:{p.name}", cell, start_at_any=True, url_name=URL_NAMES[key].get(p.name, p.name)
        )
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
    if not links.known("view", VIEWS, "the view"):
        return
    area, partner = st.tabs(list(VIEWS), key="view", bind=links.BIND)
    try:
        with area:
            by_area()
        with partner:
            by_partner()
    except forms.UnknownInLink:
        return  # the page has said which value of its link is unknown
    sources.show_sources()


render()
