"""Themes: the sites × themes framework matrix as a heatmap; a cell opens the evidence behind it.

Clicking a cell selects its theme and site; the two pickers under the matrix follow the click and
can also be used on their own. A national study has hundreds of themes and sites: the matrix then
shows the cells with the most evidence (the query's `limit`), and choosing a theme narrows it to
that theme and its subthemes. Queries: `theme_matrix`, `evidence_for_theme`, `cross_study_themes`.
The "Coder agreement" tab compares the coders of a study's coded excerpts per code (kb.agreement).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kb.agreement import agreement_result, coded_studies
from kb.queries import NamedQuery, get_query
from kb.store.base import Result
from ui import charts, data, downloads, forms, links, results, sources, vocabulary

MATRIX_KEY = "themes:matrix"
THEME_KEY, SITE_KEY = "themes:theme", "themes:site"
ROWS_KEY = "theme"  # also its name in the page's address, as STUDY_KEY is
STUDY_KEY = "study"
CLICKED = "themes:clicked"
ROW_HEIGHT_PX = 24


def matrix_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    labels = data.site_labels(list(zip(frame["site"], frame["site_name"], frame["study"], strict=True)))
    frame["site_label"] = frame["site"].map(labels)
    return frame


def picker_keys(study: str | None) -> tuple[str, str]:
    """The Theme and Site pickers' keys under the matrix, one pair per study (a study's pickers are its own)."""
    return f"{THEME_KEY}:{study or 'all'}", f"{SITE_KEY}:{study or 'all'}"


def follow_click(event: Any, study: str | None) -> None:
    """Copy a newly clicked cell into the pickers' state (before the pickers are drawn)."""
    points = (getattr(event, "selection", None) or {}).get("cell") or []
    if not points:
        return
    clicked = (points[0].get("theme"), points[0].get("site"))
    if clicked != st.session_state.get(CLICKED) and all(clicked):
        st.session_state[CLICKED] = clicked
        theme_key, site_key = picker_keys(study)
        st.session_state[theme_key], st.session_state[site_key] = clicked


def show_matrix(rows: list[dict[str, Any]], study: str | None) -> pd.DataFrame:
    frame = matrix_frame(rows)
    chart = charts.heatmap(
        frame, "site_label", "theme_name", "evidence", selection_name="cell", fields=["theme", "site"]
    )
    themes, sites = frame["theme_name"].nunique(), frame["site_label"].nunique()
    height = max(160, ROW_HEIGHT_PX * themes)
    description = (
        f"Heatmap of pieces of evidence for {themes} themes (rows) at {sites} sites (columns); "
        "darker cells hold more evidence. The Table tab lists the same numbers."
    )
    # The chart's key names the study, so a cell clicked under another study is not carried over.
    event = charts.chart_with_table(
        chart.properties(height=height),
        charts.matrix_table(frame, "site_label", "theme_name", "evidence"),
        key=f"{MATRIX_KEY}:{study or 'all'}",
        description=description,
        width="stretch",
        on_select="rerun",
        selection_mode="cell",
    )
    follow_click(event, study)
    return frame


def pick_cell(frame: pd.DataFrame, study: str | None) -> tuple[str | None, str]:
    theme_key, site_key = picker_keys(study)
    themes = dict(zip(frame["theme"], frame["theme_name"], strict=True))
    sites = {"": "(every site)", **dict(zip(frame["site"], frame["site_label"], strict=True))}
    if st.session_state.get(theme_key) not in themes:
        st.session_state.pop(theme_key, None)
    if st.session_state.get(site_key) not in sites:
        st.session_state.pop(site_key, None)
    left, right = st.columns(2)
    theme = left.selectbox("Theme", list(themes), format_func=lambda v: themes.get(v, str(v)), key=theme_key)
    site = right.selectbox("Site", list(sites), format_func=lambda v: sites.get(v, str(v)), key=site_key)
    return theme, site


def show_evidence(theme: str, site: str, include_subthemes: bool) -> None:
    outcome = results.run_or_report(
        "evidence_for_theme", {"theme": theme, "site": site, "include_subthemes": include_subthemes}
    )
    if outcome is None:
        return
    rows = outcome.rows
    st.caption(f"{len(rows)} piece{'s' if len(rows) != 1 else ''} of evidence")
    for row in rows[:50]:
        with st.container(border=True):
            st.markdown(row.get("text") or "")
            st.caption(evidence_caption(row))
    if rows:
        downloads.download_buttons(outcome, key="themes:evidence")


def evidence_caption(row: dict[str, Any]) -> str:
    """Where a piece of evidence comes from, in words: site, the speaker's role where the study
    recorded it, what kind of evidence it is, and its source in the publication."""
    parts = [
        row.get("site_name") or "No one site",
        vocabulary.role_words(row["speaker_role"]) if row.get("speaker_role") else "",
        vocabulary.words(row["kind"]) if row.get("kind") else "",
        f"source: {row.get('locator') or 'not recorded'}",
    ]
    return " · ".join(part for part in parts if part)


def pick_rows(query: NamedQuery, study: str | None, target: forms.WidgetTarget) -> str:
    """The theme whose subtree makes the rows ("" for every theme), among the chosen study's themes.

    The loaders give a study's themes ids that start with the study's id (`<study>:theme:…`), which
    is how its themes are told apart here; a theme named otherwise still shows in the matrix.
    """
    options = [
        (value, label)
        for value, label in data.choices(query, query.param("theme"))
        if not study or str(value).startswith(f"{study}:")
    ]
    labels = {"": "(every theme)", **dict(options)}
    if not links.known(ROWS_KEY, labels, "the theme"):
        raise forms.UnknownInLink(ROWS_KEY)
    links.seed(ROWS_KEY, labels)
    if st.session_state.get(ROWS_KEY) not in labels:
        st.session_state[ROWS_KEY] = ""
    rows: str = target.selectbox(
        "Rows", list(labels), format_func=lambda v: labels.get(v, str(v)), key=ROWS_KEY, help=query.param("theme").help
    )
    links.write(ROWS_KEY, rows, "")
    return rows


def show_framework() -> None:
    query = get_query("theme_matrix")
    left, middle, right = st.columns(3)
    study = forms.param_widget(query, query.param("study"), STUDY_KEY, left, url=True)
    # The rows, the clicked cell and the evidence pickers belong to the study they were chosen in.
    # The Rows picker is set back to every theme rather than forgotten: the browser would otherwise
    # hand back the theme it still shows.
    if forms.reset_when_changed(st.session_state, "themes:study-shown", study, (*picker_keys(study), CLICKED)):
        st.session_state[ROWS_KEY] = ""
    theme = pick_rows(query, study, middle)
    subthemes = forms.param_widget(query, query.param("include_subthemes"), "themes:subthemes", right)
    limit = query.param("limit").default
    outcome = results.run_or_report(
        "theme_matrix", {"study": study, "theme": theme, "include_subthemes": subthemes, "limit": limit}
    )
    if outcome is None:
        return
    rows = outcome.rows
    if not rows:
        st.info("No coded evidence is loaded for these choices.")
        return
    caption = "Evidence per site and theme. Click a cell to read the evidence behind it."
    if len(rows) >= limit:
        narrower = "a theme" if not theme else "a theme further down"
        caption += (
            f" It shows at most {limit} cells, those with the most evidence; choose {narrower} under Rows "
            "to see every cell of it."
        )
    st.caption(caption)
    frame = show_matrix(rows, study)
    with st.expander("Matrix as a table, and downloads"):
        results.show_table(outcome, key="themes:matrix-table", draw_graph=False)
    st.header("Evidence")
    cell_theme, cell_site = pick_cell(frame, study)
    if cell_theme:
        show_evidence(cell_theme, cell_site, subthemes)


@st.cache_data(show_spinner="Comparing coders…", max_entries=32)
def _agreement(version: str, study: str) -> Result:
    return agreement_result(data.store(), study)


@st.cache_data(show_spinner=False, max_entries=8)
def _coded_studies(version: str) -> list[str]:
    return coded_studies(data.store())


def show_agreement() -> None:
    """Per code of one study: who coded it, their overlap, Krippendorff's alpha and Cohen's kappa."""
    studies = _coded_studies(data.data_version())
    if not studies:
        st.info(
            "No study has coded excerpts that name their coder and document; a .qdpx project loaded with "
            "`kb load` has them."
        )
        return
    study = st.selectbox("Study", studies, key="themes:agreement-study")
    result = _agreement(data.data_version(), study)
    rows = result.rows
    if all(", " not in str(row["coders"]) for row in rows):
        st.info("Each code of this study was coded by one coder only; agreement needs two or more.")
    st.caption(
        "Units are the characters anyone coded in the documents where the code was applied; a coder who coded "
        "nothing in a document is missing there. Alpha is Krippendorff's (nominal); kappa is Cohen's, shown for two "
        "coders. Empty means undefined (one coder, or no variation)."
    )
    results.show_table(result, key="themes:agreement-table", draw_graph=False)


def link_is_known() -> bool:
    """The page's address names a loaded study and theme (or none); otherwise it says so, and the
    page shows nothing else."""
    query = get_query("theme_matrix")
    studies = [value for value, _ in data.choices(query, query.param("study"))]
    themes = [value for value, _ in data.choices(query, query.param("theme"))]
    return links.known(STUDY_KEY, studies, "the study") and links.known(ROWS_KEY, themes, "the theme")


def render() -> None:
    st.title("Themes")
    if not link_is_known():
        return
    framework, across, coders = st.tabs(["Framework matrix", "Across studies", "Coder agreement"])
    with framework:
        try:
            show_framework()
        except forms.UnknownInLink:
            pass  # the page has said which value of its link is unknown
    with across:
        results.query_section("cross_study_themes", key="themes:across")
    with coders:
        show_agreement()
    sources.show_sources(st.session_state.get(STUDY_KEY) or None)


render()
