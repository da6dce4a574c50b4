"""The knowledge base as a Python library, for notebooks: `kb.connect()` and pandas/networkx answers.

Everything here is a thin layer over what the `kb` command uses, so a notebook and the command
agree: the same configuration (flags, then environment, then a `KB_CONFIG` file, then defaults),
the same read path (read-only at the engine), the same query library and the same errors, raised as
the `kb.errors` exceptions with the messages the command prints.

Tables come back as pandas DataFrames whose columns are the query's own, in its order, and whose
dtypes keep unknown apart from zero: a column of whole numbers with gaps is pandas' nullable
`Int64`, not a float column with NaN standing in for "unpublished". Each frame carries the
provenance of its answer (query, Cypher, parameters as bound, engine) in `frame.attrs["provenance"]`.
Graphs come back as networkx MultiDiGraphs built by the same code as the GraphML/GEXF exports.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import networkx as nx
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from kb.config import Config, load_config, parse_max_rows, parse_timeout
from kb.export import graph_from_rows
from kb.queries import get_query, library, run_cypher, run_named
from kb.store import Result, Store, open_store
from loaders.wave.api import list_waves

# The pandas dtype for a column whose known values are all of one Python type. Nullable dtypes, so
# that a missing value stays <NA> (unknown) and never turns a count into a float or a zero.
_NULLABLE_DTYPES: dict[type, ExtensionDtype] = {
    bool: pd.BooleanDtype(),
    int: pd.Int64Dtype(),
    float: pd.Float64Dtype(),
    str: pd.StringDtype(),
}


_CONFIGURED = object()  # "take the setting from the configuration", distinct from None ("no limit")


def connect(
    data_dir: str | Path | None = None,
    uri: str | None = None,
    *,
    timeout: float | str | None | object = _CONFIGURED,
    max_rows: int | str | None | object = _CONFIGURED,
) -> KnowledgeBase:
    """Open the knowledge base the `kb` command would open with `--data-dir`/`--uri` (None: the
    environment's KB_DATA_DIR/KB_URI, a KB_CONFIG file, or the default data directory).

    `timeout` (seconds) and `max_rows` replace the configured limits (KB_QUERY_TIMEOUT, KB_MAX_ROWS;
    10 s and 10,000 rows by default) for this connection; 0 or None means no limit. Use it as a
    context manager, or call `close()` when done."""
    config = load_config(data_dir=data_dir, uri=uri)
    if timeout is not _CONFIGURED:
        config = replace(config, query_timeout=parse_timeout(timeout if timeout is not None else 0, "timeout"))
    if max_rows is not _CONFIGURED:
        config = replace(config, max_rows=parse_max_rows(max_rows if max_rows is not None else 0, "max_rows"))
    return KnowledgeBase(config, open_store(config))


class KnowledgeBase:
    """One open knowledge base: the query library, free Cypher and the loaded waves."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeBase {self.config.describe()}>"

    def close(self) -> None:
        self.store.close()

    def queries(self) -> pd.DataFrame:
        """The question library: name, title, question, parameters (names) and columns, one row per query."""
        rows = [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "parameters": [p.name for p in q.params],
                "columns": list(q.columns),
            }
            for q in library().values()
        ]
        return pd.DataFrame(rows, columns=["name", "title", "question", "parameters", "columns"])

    def query(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Run a library query by name; parameters as keyword arguments (defaults fill the rest)."""
        result = run_named(self.store, name, params, timeout=self.config.query_timeout)
        return frame(result, get_query(name).columns)

    def cypher(self, text: str, /, **params: Any) -> pd.DataFrame:
        """Run Cypher given as text through the read path (the engine refuses any write)."""
        return frame(self._cypher(text, params))

    def graph(self, name_or_cypher: str, /, **params: Any) -> nx.MultiDiGraph[str]:
        """Every node, relationship and path a library query (by name) or Cypher text returns, as a
        networkx MultiDiGraph: node attributes `labels`, `label` and the properties, edge attributes
        `type` and the properties (as in the GraphML and GEXF exports)."""
        result = self._run(name_or_cypher, params)
        graph = graph_from_rows(result.rows)
        if result.provenance is not None:
            graph.graph["provenance"] = result.provenance.as_dict()
        return graph

    def waves(self) -> pd.DataFrame:
        """The loaded waves as `kb waves` lists them: study, wave, title, status, loaded_at, counts,
        source_hash, phase, started, ended, requires, figures, figure_locators (where each figure is
        published) and history (newest load first)."""
        rows = list_waves(self.store)
        columns = ["study", "wave", "title", "status", "loaded_at", "counts", "source_hash"]
        columns += ["phase", "started", "ended", "requires", "figures", "figure_locators", "history"]
        return _typed(pd.DataFrame(rows, columns=columns), rows)

    def _run(self, name_or_cypher: str, params: dict[str, Any]) -> Result:
        if name_or_cypher in library():
            return run_named(self.store, name_or_cypher, params, timeout=self.config.query_timeout)
        return self._cypher(name_or_cypher, params)

    def _cypher(self, text: str, params: dict[str, Any]) -> Result:
        """Cypher given as text, within the configured time limit and row cap; a cut result warns."""
        result = run_cypher(self.store, text, params, timeout=self.config.query_timeout, max_rows=self.config.max_rows)
        note = result.truncation_note()
        if note:
            warnings.warn(note, stacklevel=3)
        return result


def frame(result: Result, declared: Iterable[str] = ()) -> pd.DataFrame:
    """A Result as a DataFrame: its columns in order (the declared ones when there is no row), each
    with a nullable dtype when its known values share one type, and the provenance in `attrs`."""
    columns = list(result.columns) or list(declared)
    table = _typed(pd.DataFrame(result.rows, columns=columns), result.rows)
    table.attrs["truncated"] = result.truncated
    if result.provenance is not None:
        table.attrs["provenance"] = result.provenance.as_dict()
    return table


def _typed(table: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    for column in table.columns:
        dtype = _dtype_of(row.get(column) for row in rows)
        if dtype is not None:
            table[column] = table[column].astype(dtype)
    return table


def _dtype_of(values: Iterable[Any]) -> ExtensionDtype | None:
    """The nullable dtype for values of one type (ints and floats together count as floats); None
    when they mix other types, hold lists or maps, or are all missing (kept as Python objects)."""
    kinds = {type(value) for value in values if value is not None}
    if kinds == {int, float}:
        kinds = {float}
    if len(kinds) != 1:
        return None
    return _NULLABLE_DTYPES.get(kinds.pop())


__all__ = ["KnowledgeBase", "connect", "frame"]
