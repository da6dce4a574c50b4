"""The server `kb ui` runs (`streamlit run ui/server.py`): the app of ui/app.py as an `st.App`, with
Streamlit's front end answered from memory and the pages' imports and the knowledge base made
ready at start (ui/serving.py), before the first browser arrives."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.serving import FrontEndAssets, lifespan

app = st.App(Path(__file__).with_name("app.py"), lifespan=lifespan, middleware=[Middleware(FrontEndAssets)])
