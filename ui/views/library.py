"""Query library: pick a named question, fill in the form built from its parameters, run it.

The result shows as a table (and as a graph when it holds nodes, relationships or paths) with its
downloads; the query's Cypher is shown with a copy button so a researcher can adapt it.
"""

from __future__ import annotations

import streamlit as st

from kb.queries import get_query, library
from ui import forms, links, results, sources

LAST = "library:last"


def pick_query() -> str | None:
    queries = library()
    if not queries:
        st.info("The query library is empty in this installation.")
        return None
    names = sorted(queries, key=lambda n: queries[n].title.lower())
    chosen = st.query_params.get("q")
    if not links.known("q", names, "the question"):
        return None
    index = names.index(chosen) if chosen in names else 0
    name = st.selectbox(
        "Question", names, index=index, key="library:query", format_func=lambda n: f"{queries[n].title} ({n})"
    )
    if st.query_params.get("q") != name:
        # Another question: the address's parameters were the last one's.
        st.query_params.clear()
    st.query_params["q"] = name
    return name


def render() -> None:
    st.title("Query library")
    st.caption(
        "Named, parameterised questions over every loaded study. The same queries run from the "
        "command line as `kb query NAME --param name=value`."
    )
    name = pick_query()
    if name is None:
        return
    query = get_query(name)
    st.markdown(f"**{query.question}**")
    # A link that gives parameters is a question someone ran: it runs again when opened.
    from_link = any(links.from_link(p.name) is not None for p in query.params)
    try:
        with st.form(f"library:form:{name}"):
            values = {
                p.name: forms.param_widget(query, p, f"library:{name}:{p.name}", url_name=p.name) for p in query.params
            }
            submitted = st.form_submit_button("Run query", type="primary", icon=":material/play_arrow:")
    except forms.UnknownInLink:
        return  # the page has said which value of its link is unknown
    if submitted or from_link:
        outcome = results.run_or_report(name, values)
        st.session_state[LAST] = None if outcome is None else (name, outcome)
    last = st.session_state.get(LAST)
    if last and last[0] == name:
        results.show_table(last[1], key=f"library:result:{name}")
    # A switch rather than a folded expander: an expander's content is drawn even while folded, and
    # the code view's highlighter (1.6 MB of Streamlit's JavaScript) then held up a new browser's
    # first view of this page by about 0.2 s. Switched on, it stays on for the session.
    if st.toggle("Show the Cypher", key="library:cypher"):
        st.code(query.cypher, language="cypher")
        if query.params:
            st.caption(
                "Parameters: "
                + ", ".join(
                    f"${p.name} ({p.type}{'' if p.default is None else f', default {p.default!r}'})"
                    for p in query.params
                )
            )
    sources.show_sources()


render()
