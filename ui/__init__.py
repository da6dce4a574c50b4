"""The Streamlit app over the knowledge base: `kb ui` starts its server (`ui/server.py`), which
serves `ui/app.py`, its entry point.

Pages live in `ui/views/` (one module each) and build everything from the query library;
the shared pieces (the cached store and results, parameter forms, result tables, downloads,
graphs) are the other modules of this package.
"""
