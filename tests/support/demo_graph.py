"""The curated demo (data/studies) loaded into a graph of a test module's own, and dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kb.config import GRAPH_NAME, Config
from kb.store import Store, open_store
from loaders.wave.api import load_demo


@contextmanager
def demo_graph(config: Config, graph: str = GRAPH_NAME) -> Iterator[Store]:
    """A store on `graph` holding exactly the demo: emptied, given the schema and loaded first,
    dropped and closed at the end, so modules that each load the demo do not see one another."""
    store = open_store(config, graph=graph)
    try:
        store.drop()
        store.apply_schema()
        load_demo(store)
        yield store
        store.drop()
    finally:
        store.close()
