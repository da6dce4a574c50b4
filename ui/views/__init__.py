"""The app's pages, one script each; `ui/nav.py` lists them for `st.navigation` and the sidebar.

The folder is not called `pages/`: Streamlit treats a `pages/` folder beside the entry script as
pages of its own, and a fresh server could show that automatic list instead of the navigation.
"""
