"""ui.serving: Streamlit's front end answered from memory, and the app made ready at start.

The whole server (ui/server.py under `kb ui`) is exercised by the browser test (tests/browser/).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from streamlit import file_util

from ui import serving

STATIC = Path(file_util.get_static_dir())


def _request(middleware, method="GET", path="/", headers=()):
    """One HTTP request through the middleware: what it sent, and what reached Streamlit."""
    passed, sent = [], []

    async def streamlit(scope, receive, send):
        passed.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    middleware.app = streamlit
    asyncio.run(middleware(scope, receive, send))
    return sent, passed


def _assets():
    return serving.FrontEndAssets(app=None)


def test_every_file_the_front_end_page_names_is_held():
    middleware = _assets()
    named = re.findall(r'"\./(static/[^"]+)"', (STATIC / "index.html").read_text())
    assert any(name.endswith(".js") for name in named)
    for name in named:
        assert f"/{name}" in middleware.assets


def test_a_front_end_file_comes_from_memory_as_it_is_on_disk():
    middleware = _assets()
    path = next(p for p in middleware.assets if p.startswith("/static/js/index."))
    sent, passed = _request(middleware, path=path)
    assert passed == []
    start, body = sent
    headers = dict(start["headers"])
    assert start["status"] == 200
    assert body["body"] == (STATIC / path.lstrip("/")).read_bytes()
    assert headers[b"content-length"] == str(len(body["body"])).encode()
    assert headers[b"content-type"] == b"text/javascript"
    assert headers[b"cache-control"] == b"public, immutable, max-age=31536000"


def test_a_head_request_gets_the_headers_without_the_body():
    middleware = _assets()
    path = next(p for p in middleware.assets if p.endswith(".woff2"))
    (start, body), passed = _request(middleware, method="HEAD", path=path)
    assert dict(start["headers"])[b"content-length"] == str((STATIC / path.lstrip("/")).stat().st_size).encode()
    assert body["body"] == b""
    assert passed == []


def test_everything_else_goes_on_to_streamlit():
    middleware = _assets()
    asset = next(iter(middleware.assets))
    for method, path, headers in [
        ("GET", "/", ()),  # the page itself
        ("GET", "/sites", ()),
        ("GET", "/_stcore/health", ()),
        ("GET", "/static/js/no-such-file.js", ()),
        ("GET", "/static/../index.html", ()),
        ("POST", asset, ()),
        ("GET", asset, [(b"range", b"bytes=0-9")]),  # a part of a file: Streamlit answers with 206
        ("GET", asset, [(b"if-none-match", b'"x"')]),  # a revalidation: Streamlit's ETag decides
    ]:
        sent, passed = _request(middleware, method=method, path=path, headers=headers)
        assert (sent, passed) == ([], [path]), (method, path, headers)


def test_a_websocket_goes_on_to_streamlit():
    middleware = _assets()
    passed = []

    async def streamlit(scope, receive, send):
        passed.append(scope["type"])

    middleware.app = streamlit
    asyncio.run(middleware({"type": "websocket", "path": "/_stcore/stream", "headers": []}, None, None))
    assert passed == ["websocket"]


def test_a_knowledge_base_that_cannot_be_opened_is_reported_at_start_and_left_to_the_page(monkeypatch, capsys):
    # Nothing listens on port 1: the store cannot be opened, and the page that needs it will say so.
    monkeypatch.setenv("KB_URI", "neo4j://127.0.0.1:1")
    monkeypatch.delenv("KB_CONFIG", raising=False)
    serving.warm_up()
    (warning,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warning.startswith("warning: the app could not get ready at start (ConfigError: no Neo4j password")
