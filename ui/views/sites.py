"""Sites: the profile of one site across waves, and chosen sites side by side.

The profile comes from `site_profile` (one row per fact, grouped in sections); the comparison from
`compare_sites` (like study 1 Table 2), `interviews_by_site` (Table 3) and `network_ties` (Table 4).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from kb.queries import get_query
from ui import charts, data, downloads, forms, gaps, links, results, sources, tables, vocabulary

SECTION_TITLES = {
    "site": "About the site",
    "wave values": "Values per wave",
    "interviews": "Interviewed, by role",
    "board": "Board members, by role",
    "ties": "Published ties to stakeholder types",
    "initiatives": "Initiatives (clinical areas)",
    "themes": "Themes of its evidence (evidence count)",
}


VIEWS = ("Profile", "Compare")
SITES_KEY = "sites"  # the compared sites' ids in the address, comma-separated
ROLE_SECTIONS = ("interviews", "board")
SECTION_COLUMNS = {  # the titles of a section's columns: what its items are and what its values count
    "site": ("About", "Value"),
    "interviews": ("Role", "Interviewed"),
    "board": ("Role", "Board members"),
    "ties": ("Kind of stakeholder", "Ties"),
    "initiatives": ("Initiative", "Clinical areas"),
    "themes": ("Theme", "Pieces of evidence"),
}


def profile_value(value: Any) -> Any:
    """A value as a profile shows it: large whole numbers with thousands separators (a population
    of 550,000), the rest as `vocabulary.value_text` shows it."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return vocabulary.value_text(value)


def section_frame(rows: list[dict[str, Any]], section: str, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """One section of a profile as a table in words: roles in the paper's order with a Total row,
    measures per wave side by side under the waves' titles (`titles`, wave id to title), codes
    such as a site's kind in words, unknown values empty."""
    titles = titles or {}
    chosen = [r for r in rows if r["section"] == section]
    if section == "wave values":
        frame = pd.DataFrame(chosen)
        table = frame.pivot_table(index="item", columns="wave", values="value", aggfunc="first", sort=False)
        table = table.astype(object).where(table.notna(), None).map(profile_value).astype(str)
        table.index = [vocabulary.column_title(str(item)) for item in table.index]
        table.columns = [titles.get(str(wave), str(wave)) for wave in table.columns]
        return table.rename_axis("Measure").reset_index()
    item_title, value_title = SECTION_COLUMNS.get(section, ("Item", "Value"))
    if section in ROLE_SECTIONS:
        chosen = sorted(chosen, key=lambda r: vocabulary.role_sort_key(str(r["item"])))
        items = [vocabulary.role_words(str(r["item"])) for r in chosen]
    else:
        items = [vocabulary.words(str(r["item"])) if section == "site" else str(r["item"]) for r in chosen]
    values = [
        site_value(r) if section == "site" else vocabulary.value_text(results.cell_text(r.get("value"))) for r in chosen
    ]
    frame = pd.DataFrame({item_title: items, value_title: values})
    if any(r.get("wave") for r in chosen):
        frame["Wave"] = [vocabulary.value_text(r.get("wave")) for r in chosen]
    if section in ROLE_SECTIONS and values and all(charts.is_number(v) for v in values):
        total = {item_title: "Total", value_title: sum(values)}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True).fillna("")
    return frame.astype(str) if section == "site" else frame


def site_value(row: dict[str, Any]) -> Any:
    """A value of the About section in words: a code such as the site's kind, its study as cited."""
    value = results.cell_text(row.get("value"))
    return data.study_name(value) if row["item"] == "study" else vocabulary.coded_value(str(row["item"]), value)


def wave_titles() -> dict[str, str]:
    """Each loaded wave's title by its id, for column headers a manager can read."""
    return {str(w["wave"]): str(w["title"]) for w in data.waves() or [] if w.get("title")}


def label_sites(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each row's site as people name it (`data.site_labels`)."""
    return data.site_labels([(r["site"], r.get("name"), r.get("study")) for r in rows])


def measured_sites(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """Sites in result order, those with any measured number first (they make a comparison worth seeing)."""
    measures = charts.numeric_columns(columns, rows)
    sites = list(dict.fromkeys(r["site"] for r in rows))
    measured = {r["site"] for r in rows if any(charts.is_number(r.get(m)) for m in measures)}
    return [s for s in sites if s in measured] + [s for s in sites if s not in measured]


def locator_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Each published figure of a profile with where it is published (table, row, column, publication);
    facts made here (counts of participants and evidence) have no locator and are not listed."""
    listed = [r for r in rows if r.get("source")]
    return pd.DataFrame(
        {
            "Section": [SECTION_TITLES.get(r["section"], vocabulary.words(r["section"])) for r in listed],
            "Figure": [
                vocabulary.column_title(str(r["item"])) if r["section"] in ("site", "wave values") else str(r["item"])
                for r in listed
            ],
            "Value": [str(vocabulary.value_text(results.cell_text(r.get("value")))) for r in listed],
            "Wave": [str(vocabulary.value_text(r.get("wave")) or "") for r in listed],
            "Published in": [str(r["source"]) for r in listed],
        }
    )


def show_profile() -> str | None:
    """The chosen site's profile; returns the site's study (for the page's sources)."""
    site = forms.choose("site_profile", "site", "Site", key="site", url=True)
    if site is None:
        return None
    outcome = results.run_or_report("site_profile", {"site": site})
    if outcome is None:
        return None
    rows = outcome.rows
    if not rows:
        st.info("Nothing is recorded about this site yet.")
        return None
    sections = [s for s in SECTION_TITLES if any(r["section"] == s for r in rows)]
    left, right = st.columns(2)
    for index, section in enumerate(sections):
        target = left if index % 2 == 0 else right
        target.markdown(f"**{SECTION_TITLES[section]}**")
        frame = section_frame(rows, section, wave_titles())
        tables.show(frame, key=f"sites:profile:{section}", target=target)
    with st.expander("Where these numbers come from", icon=":material/find_in_page:"):
        located = locator_frame(rows)
        if located.empty:
            st.caption("No figure of this site has a published locator.")
        else:
            tables.show(located, key="sites:profile:locators")
            st.caption(
                "Counts of interviews, board members and evidence are made here from the loaded participants "
                "and evidence, so they have no locator of their own; the study's tables give the published ones."
            )
    downloads.download_buttons(outcome, key="sites:profile")
    return next((str(r["value"]) for r in rows if r["section"] == "site" and r["item"] == "study"), None)


def compare_link_names() -> list[str]:
    """The names Compare's choices have in the address: its query's parameters and the sites."""
    return [*(p.name for p in get_query("compare_sites").params), SITES_KEY]


def show_comparison() -> str | None:
    """Chosen sites side by side; returns the study compared (None for every study)."""
    query = get_query("compare_sites")
    filters = st.columns(2)
    values = {
        p.name: forms.param_widget(query, p, f"sites:compare:{p.name}", filters[i % 2], url_name=p.name)
        for i, p in enumerate(query.params)
    }
    study = values.get("study") or None
    outcome = results.run_or_report("compare_sites", values)
    if outcome is None:
        return study
    columns, rows = outcome.columns, outcome.rows
    labels = label_sites(rows)
    earlier = st.session_state.get("sites:compare:chosen")
    if earlier and not set(earlier) & set(labels):
        # Other filters left none of the earlier choices: start again from the first sites. An
        # empty choice (after "Clear all") is kept: it means no site, not every site.
        st.session_state.pop("sites:compare:chosen", None)
    if not links.known_many(SITES_KEY, labels, "the sites"):
        raise forms.UnknownInLink(SITES_KEY)
    links.seed_many(SITES_KEY, labels, "sites:compare:chosen")
    chosen = st.multiselect(
        "Sites to compare",
        list(labels),
        default=measured_sites(columns, rows)[:6],
        key="sites:compare:chosen",
        format_func=lambda v: labels.get(v, str(v)),
    )
    links.write_many(SITES_KEY, chosen, measured_sites(columns, outcome.rows)[:6])
    rows = [r for r in rows if r["site"] in chosen]
    if not chosen:
        st.info("Choose one or more sites above to compare them.")
        return study
    results.show_table(replace(outcome, rows=rows), key="sites:compare")
    measures = charts.numeric_columns(columns, rows)
    if rows and measures:
        default = measures.index("population") if "population" in measures else 0
        measure = st.selectbox(
            "Measure to chart",
            measures,
            index=default,
            key="sites:compare:measure",
            format_func=vocabulary.column_title,
        )
        everyone = pd.DataFrame([{**r, "site_label": labels[r["site"]]} for r in rows])
        missing = gaps.without_value(everyone, "site_label", measure)
        frame = everyone[everyone[measure].notna()]
        if not frame.empty:
            colour = "wave" if frame["wave"].nunique() > 1 else None
            title = vocabulary.column_title(measure)
            table = frame[["site_label", *(["wave"] if colour else []), measure]].rename(
                columns={c: vocabulary.column_title(c) for c in ("site_label", "wave", measure)}
            )
            charts.chart_with_table(
                charts.bar_chart(frame, "site_label", measure, colour),
                table,
                key="sites:compare:chart",
                description=f"Bar chart of {title.lower()} per site. " + gaps.no_value_note(missing, measure),
                width="stretch",
            )
        if missing:
            st.caption(gaps.no_value_note(missing, measure))
    show_site_tables(values.get("study") or "", chosen)
    show_compared_locators(chosen, labels)
    return study


def show_compared_locators(chosen: list[str], labels: dict[str, str]) -> None:
    """Each chosen site's published figures with their locators (the comparison table's Source
    column names the row; this names each figure)."""
    with st.expander("Where these numbers come from", icon=":material/find_in_page:"):
        frames = []
        for site in chosen:
            outcome = results.run_or_report("site_profile", {"site": site})
            if outcome is not None:
                located = locator_frame([r for r in outcome.rows if r["section"] == "wave values"])
                frames.append(located.assign(Site=labels.get(site, site)))
        located = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if located.empty:
            st.caption("No figure of the chosen sites has a published locator.")
            return
        columns = ["Site", *[c for c in located.columns if c not in ("Site", "Section")]]
        tables.show(located[columns], key="sites:compare:locators")


def show_site_tables(study: str, chosen: list[str]) -> None:
    """Table 3 and Table 4 for the same study, limited to the chosen sites."""
    for name, title in (
        ("interviews_by_site", "Interviews, observations and survey response"),
        ("network_ties", "Ties to stakeholder types"),
    ):
        if not data.has_query(name):
            continue
        st.header(title)
        fixed = {p.name: (study if p.name == "study" else p.default) for p in get_query(name).params}
        outcome = results.run_or_report(name, fixed)
        if outcome is not None:
            rows = [r for r in outcome.rows if r.get("site") in chosen]
            if name == "network_ties" and rows:
                show_ties_matrix(rows)
            results.show_table(replace(outcome, rows=rows), key=f"sites:{name}")


def show_ties_matrix(rows: list[dict[str, Any]]) -> None:
    """Ties per site and stakeholder type as a heatmap (Table 4 read as a picture)."""
    labels = label_sites(rows)
    frame = pd.DataFrame([{**r, "site_label": labels[r["site"]]} for r in rows])
    kinds, sites = frame["type_name"].nunique(), frame["site_label"].nunique()
    charts.chart_with_table(
        charts.heatmap(frame, "type_name", "site_label", "ties", selection_name="ties"),
        charts.matrix_table(frame, "type_name", "site_label", "ties"),
        key="sites:ties-chart",
        description=(
            f"Heatmap of published ties from {sites} sites (rows) to {kinds} kinds of stakeholder (columns); "
            "darker cells are more ties."
        ),
        width="stretch",
    )


def render() -> None:
    st.title("Sites")
    if not links.known("view", VIEWS, "the view"):
        return
    profile, compare = st.tabs(list(VIEWS), key="view", bind=links.BIND)
    # Only the open tab is drawn (its `.open` is known: the tabs are bound to the address), as
    # Compare's tables and charts are most of the page's work; False means closed, None unknown.
    try:
        with profile:
            profiled = show_profile() if profile.open is not False else None
        with compare:
            if compare.open is not False:
                compared = show_comparison()
            else:
                links.forget(compare_link_names())
                compared = None
    except forms.UnknownInLink:
        return  # the page has said which value of its link is unknown
    # One study's publications when the open tab shows one study, else every study's.
    shown = [study for tab, study in ((profile, profiled), (compare, compared)) if tab.open is not False]
    sources.show_sources(shown[0] if len(set(shown)) == 1 else None)


render()
