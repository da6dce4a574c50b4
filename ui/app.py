"""Entry point of the app (`kb ui` serves it through `ui/server.py`): the password gate and the pages.

Each page is one module under `ui/views/`; the knowledge base to read comes from KB_DATA_DIR /
KB_URI, which `kb ui` sets from its own options.
"""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from ui import auth, data, messages, nav

# Streamlit draws captions in its body text at 60 % opacity, #828180 on white: 3.9:1, under WCAG
# AA's 4.5:1 for text this size. Our captions carry real content (what a chart shows, where its
# numbers come from), so they get a solid grey of 6.6:1 on white and 5.9:1 on the sidebar's grey.
CAPTION_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #595c66; opacity: 1; }
</style>"""


def main() -> None:
    # No Material icon for the page or the pages: the browser tab's icon is drawn from it, and for a
    # Material icon the browser would fetch that from a font CDN. An emoji is drawn locally.
    st.set_page_config(page_title="CCG commissioning research", page_icon="🕸️", layout="wide")
    st.html(CAPTION_CSS)
    if not auth.gate():
        st.stop()
    page = nav.navigation()
    try:
        st.sidebar.caption(f"Reading {data.app_config().describe()} (read-only)")
        page.run()
    except KBError as exc:
        st.error(messages.error_words(exc))


main()
