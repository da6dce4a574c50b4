"""What the app's server (ui/server.py) does at start, before the first browser arrives.

- Streamlit's front end (about 360 files, 23 MB of JavaScript, each named by its content's hash) is
  read into memory once and answered from there (`FrontEndAssets`), without a look-up on disk, a
  worker thread per file or Streamlit's middleware in between. A new browser fetches 59 of those
  files before it can open its websocket, and 20-80 more for the first page's tables, charts and
  widgets.
- The modules the pages import (pandas, altair, networkx, the table and graph code) are imported
  and the knowledge base is opened (the embedded engine started) in a thread of their own
  (`warm_up`), so the first page opened does not wait for them.

Everything else (the HTML, the websocket, health, components, media) is Streamlit's own.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import mimetypes
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import streamlit as st
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import file_util

# The same answer Streamlit gives for its hashed files: they never change under their name.
ASSET_CACHE = b"public, immutable, max-age=31536000"
# Imported at start by `warm_up`, the heaviest first: what a page's first run would otherwise import.
# Not the graph component (st_link_analysis): it registers itself with Streamlit when imported, but
# only from a page's script (Streamlit registers a component only in a ScriptRunContext); imported
# here, it would never be registered and its frame would stay empty.
PAGE_MODULES = (
    "pandas",
    "pyarrow",
    "altair",
    "networkx",
    "ui.tables",
    "ui.charts",
    "ui.graph",
    "ui.results",
    "ui.sources",
)


def front_end_assets(static_dir: Path) -> dict[str, tuple[bytes, bytes]]:
    """Every file under Streamlit's `static/static/`, by the path a browser asks for it at
    (`/static/js/index.….js`), with its content type."""
    root = static_dir / "static"
    assets = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            kind = "text/javascript" if path.suffix == ".js" else mimetypes.guess_type(path.name)[0]
            assets["/static/" + path.relative_to(root).as_posix()] = (path.read_bytes(), (kind or "").encode())
    return assets


class FrontEndAssets:
    """ASGI middleware: a plain GET or HEAD of one of Streamlit's front-end files is answered from
    memory; anything else (a range, a conditional request, any other path) goes on to Streamlit.
    Only the exact paths of files found at start are answered, so no path is ever resolved here."""

    def __init__(self, app: ASGIApp, assets: dict[str, tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.assets = front_end_assets(Path(file_util.get_static_dir())) if assets is None else assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.assets.get(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None or scope["method"] not in ("GET", "HEAD") or _conditional(scope):
            await self.app(scope, receive, send)
            return
        body, kind = found
        headers = [(b"content-length", str(len(body)).encode()), (b"cache-control", ASSET_CACHE)]
        if kind:
            headers.append((b"content-type", kind))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})


def _conditional(scope: Scope) -> bool:
    return any(name in (b"range", b"if-none-match", b"if-modified-since") for name, _ in scope["headers"])


def warm_up() -> None:
    """Import what the pages import and open the knowledge base, as a page's first run would.
    A failure is reported and left for that first run, which shows it to whoever opened the page."""
    try:
        for name in PAGE_MODULES:
            importlib.import_module(name)
        from ui import data

        data.store()
    except Exception as exc:  # the page that needs it shows the same error in its own words
        print(f"warning: the app could not get ready at start ({type(exc).__name__}: {exc})", file=sys.stderr)


WARM_UP_THREAD = "kb-ui-warm-up"
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def _not_the_warm_ups_context_warning(record: logging.LogRecord) -> bool:
    """Streamlit warns of a missing ScriptRunContext whenever a cached function runs outside a
    page's script; the warm-up does so on purpose, every other thread's warning still shows."""
    return not (record.threadName == WARM_UP_THREAD and "ScriptRunContext" in record.getMessage())


@contextlib.asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    logging.getLogger(CONTEXT_LOGGER).addFilter(_not_the_warm_ups_context_warning)
    threading.Thread(target=warm_up, name=WARM_UP_THREAD, daemon=True).start()
    yield
