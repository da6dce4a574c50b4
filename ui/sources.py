"""The "Sources" section at the foot of a page: the publications that report the studies whose
data the page shows (library query `publications`), so every number on it can be looked up."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kb.queries import get_query
from ui import data, results


def citation_text(row: dict[str, Any]) -> str:
    """One publication as a reference list gives it: authors (year). Title. Venue. DOI."""
    authors = row.get("authors") or []
    names = ", ".join(authors) if isinstance(authors, list) else str(authors)
    parts = [f"{names} ({row['year']})" if row.get("year") else names, row.get("title"), row.get("venue")]
    text = ". ".join(str(p).rstrip(".") for p in parts if p)
    if row.get("doi"):
        text += f". https://doi.org/{row['doi']}"
    return text


def show_sources(study: str | None = None) -> None:
    """List the publications behind `study` (every loaded study's when None or empty)."""
    st.header("Sources")
    if not data.has_query("publications"):
        st.caption("This installation's query library cannot list publications.")
        return
    query = get_query("publications")
    reported = {value for value, _ in data.choices(query, query.param("study"))}
    # A study no publication reports (or none loaded) has nothing to list; asking would be refused.
    outcome = results.run_or_report("publications", {"study": study or ""}) if not study or study in reported else None
    if outcome is None or not outcome.rows:
        st.caption("No publication is loaded for the data on this page.")
        return
    scope = "this study" if study else "the loaded studies"
    st.caption(f"The figures and quotations on this page are published in these {len(outcome.rows)} works of {scope}.")
    st.markdown("\n".join(f"- {citation_text(row)}" for row in outcome.rows))
