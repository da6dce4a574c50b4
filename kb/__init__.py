"""ccg-kb: a graph knowledge base of research on GP-led commissioning.

`kb.connect()` opens it from Python (see docs/python.md); the `kb` command is `kb.cli`. The library
is imported on first use, so `import kb` stays cheap for the command and for the engine helpers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.api import KnowledgeBase


def connect(data_dir: str | Path | None = None, uri: str | None = None, **limits: Any) -> KnowledgeBase:
    """Open the knowledge base as `kb` would; `limits` are `timeout` and `max_rows` (see kb.api.connect)."""
    from kb.api import connect as open_knowledge_base

    return open_knowledge_base(data_dir=data_dir, uri=uri, **limits)


__all__ = ["connect"]
