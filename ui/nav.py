"""The app's pages and the sidebar navigation the app draws itself.

Streamlit's own sidebar navigation puts `<div>`s between its list and the list's items, which
screen readers then cannot count as a list (axe: `list`, `listitem`). So `st.navigation` only
routes (`position="hidden"`: every page keeps its address, `/` for the Overview, `/sites`, …) and
the sidebar shows one `st.page_link` per page under its section's name. A page link is a link:
reached with Tab, followed with Enter in the same session, and drawn bold on a tint for the page
being shown. (Streamlit gives the default page's link an empty `href`, so only clicking it, not
opening it in a new tab, leads to the Overview.) Following one opens the page without its
address's choices, as the built-in navigation did; a shared link keeps them (`ui/links.py`).
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

PAGES = {
    "Browse": [
        ("views/overview.py", "Overview"),
        ("views/sites.py", "Sites"),
        ("views/network.py", "Network"),
        ("views/themes.py", "Themes"),
        ("views/initiatives.py", "Initiatives"),
        ("views/citations.py", "Citations"),
    ],
    "Query": [
        ("views/library.py", "Query library"),
        ("views/console.py", "Cypher console"),
    ],
}
DEFAULT = "views/overview.py"


def sections() -> dict[str, list[StreamlitPage]]:
    """Every page as an `st.Page`, by section (its address is its file's name; the Overview's is `/`)."""
    return {
        section: [st.Page(path, title=title, default=(path == DEFAULT)) for path, title in pages]
        for section, pages in PAGES.items()
    }


def navigation() -> StreamlitPage:
    """The page the address asks for, with every page's link in the sidebar, grouped by section."""
    by_section = sections()
    current = st.navigation(by_section, position="hidden")
    with st.sidebar:
        for section, pages in by_section.items():
            # A caption, not a heading: the sidebar comes before the page's title in the document,
            # and a heading there would put a level-2 heading before the page's level-1 one.
            st.caption(section)
            for page in pages:
                st.page_link(page, label=page.title)
    return current
