"""The app's only way to the knowledge base: one store per Config, results cached per data version.

The store lives in `st.cache_resource` (one per Config, shared by every session). Results live in
`st.cache_data`, keyed by the Config, the query name, its parameters and a *data version*: a short
fingerprint of what is loaded (node and relationship counts, waves and the latest load time). A
new wave changes the fingerprint, so every cached result is recomputed on the next run. The
fingerprint itself is re-read at most every `VERSION_TTL_S` seconds, so the check stays cheap.

Everything here reads through `Store.read`, which the engine refuses to let write.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from kb import status as kb_status
from kb.config import Config, load_config
from kb.queries import NamedQuery, Param, get_query, library, run_named
from kb.queries import run_cypher as run_text
from kb.store import Result, Store, open_store
from ui import vocabulary

VERSION_TTL_S = 2.0


# What `load_config` reads besides the KB_CONFIG file: the KB_* variables and these three.
CONFIG_VARIABLES = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_DATABASE")


def app_config() -> Config:
    """The Config that `kb ui` hands over through KB_DATA_DIR / KB_URI.

    Not read at import: it is built again whenever what it comes from changes (those variables, the
    working directory a relative data directory is resolved in, the KB_CONFIG file's modification
    time). A page asks for it a few dozen times per run, and building it each time cost more than
    the cached results it keys."""
    return _config_from(_config_sources())


def _config_sources() -> tuple[tuple[tuple[str, str], ...], str, float | None]:
    variables = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("KB_") or k in CONFIG_VARIABLES))
    file = os.environ.get("KB_CONFIG")
    try:
        stamp = os.stat(os.path.expanduser(file)).st_mtime if file else None
    except OSError:
        stamp = None  # load_config says what is wrong with the file
    return variables, os.getcwd(), stamp


@functools.lru_cache(maxsize=8)
def _config_from(sources: tuple[tuple[tuple[str, str], ...], str, float | None]) -> Config:
    return load_config()  # `sources` is what it reads now; it only keys the cache


def config_key(config: Config) -> str:
    """A secret-free key that tells two Configs apart (the Config never holds a secret)."""
    return repr(config)


@st.cache_resource(show_spinner="Opening the knowledge base…")
def _open(key: str, _config: Config) -> Store:
    return open_store(_config)


def store() -> Store:
    """The knowledge base the app reads, opened once per Config for the whole server."""
    config = app_config()
    return _open(config_key(config), config)


@st.cache_data(ttl=VERSION_TTL_S, show_spinner=False)
def _version(key: str, _store: Store) -> str:
    return kb_status.data_version(_store)


def data_version() -> str:
    """The fingerprint of what is loaded now; cached results are only reused while it holds."""
    config = app_config()
    return _version(config_key(config), store())


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ran_now(result: Result) -> Result:
    """The result with the time it ran added to its provenance."""
    provenance = result.provenance and replace(result.provenance, ran_at=now_iso())
    return replace(result, provenance=provenance)


@st.cache_data(show_spinner=False, max_entries=1024)
def _run_named(key: str, version: str, name: str, params_json: str, _store: Store) -> Result:
    return _ran_now(run_named(_store, name, json.loads(params_json)))


def run_query(name: str, values: dict[str, Any]) -> Result:
    """Run a library query (cached until the data changes); its provenance says what produced it, and when."""
    params_json = json.dumps(values, sort_keys=True, default=str)
    return _run_named(config_key(app_config()), data_version(), name, params_json, store())


def cypher_call(cypher: str, params: dict[str, Any], timeout: float | None = None) -> Callable[[], Result]:
    """Free Cypher on the read path, ready to run (in the script's thread or another): the store
    and the settings are read here, where the page's context is, so the call itself touches no
    Streamlit state. Never cached: the console shows what the engine says now.

    The engine stops it after `timeout` seconds (the console's configured limit when None) and keeps
    at most the configured number of rows (`truncated` says when there were more)."""
    config = app_config()
    limit = config.console_timeout if timeout is None else timeout
    target = store()
    return lambda: _ran_now(run_text(target, cypher, params, timeout=limit, max_rows=config.max_rows))


def run_cypher(cypher: str, params: dict[str, Any], timeout: float | None = None) -> Result:
    """`cypher_call`, run now."""
    return cypher_call(cypher, params, timeout)()


@st.cache_data(show_spinner=False, max_entries=256)
def _choices(key: str, version: str, query_name: str, param_name: str, _store: Store) -> list[tuple[Any, str]]:
    param = get_query(query_name).param(param_name)
    if param.choices:
        return [(value, str(value)) for value in param.choices]
    if not param.choices_query:
        return []
    result = _store.read(param.choices_query)
    value_col = result.columns[0]
    label_col = result.columns[1] if len(result.columns) > 1 else value_col
    pairs = [(row[value_col], row[label_col]) for row in result.rows]
    labels = [label for _, label in pairs]
    unique = len(set(labels)) == len(labels)
    names = study_labels()
    return [(value, vocabulary.with_study_name(_choice_label(value, label, unique), names)) for value, label in pairs]


def _choice_label(value: Any, label: Any, unique: bool) -> str:
    if label is None or label == value:
        return str(value)
    return str(label) if unique else f"{label} · {value}"


def choices(query: NamedQuery, param: Param) -> list[tuple[Any, str]]:
    """(value, label) pairs a parameter may take; empty when it is free text.

    A choices query whose second column names the value (e.g. a site's name) gives readable labels.
    """
    if not param.choices and not param.choices_query:
        return []
    return _choices(config_key(app_config()), data_version(), query.name, param.name, store())


@st.cache_data(show_spinner=False)
def _status(key: str, version: str, _store: Store) -> dict[str, Any]:
    from kb.status import status_report

    return status_report(_store)


def status() -> dict[str, Any]:
    """Engine, secret-free address and counts per label and type (cached per data version)."""
    return _status(config_key(app_config()), data_version(), store())


@st.cache_data(show_spinner=False)
def _waves(key: str, version: str, _store: Store) -> list[dict[str, Any]] | None:
    try:
        from loaders.wave.api import list_waves
    except ImportError:
        return None
    return list_waves(_store)


def waves() -> list[dict[str, Any]] | None:
    """The loaded waves (None when this installation has no wave loader)."""
    return _waves(config_key(app_config()), data_version(), store())


@st.cache_data(show_spinner=False, max_entries=256)
def _survey_wave(key: str, version: str, site: str, wave: str, _store: Store) -> tuple[str | None, str]:
    from kb.errors import NotFound
    from kb.network import require_survey_network

    try:
        found = require_survey_network(_store, site, wave or None)
    except NotFound as exc:
        return None, str(exc)
    return found.id, found.title or found.id


def survey_wave(site: str, wave: str | None) -> tuple[str | None, str]:
    """The wave whose survey network a question about `site` answers for (`wave`, or the latest with
    ties there) and its title; (None, why not) when no survey network is loaded for it."""
    return _survey_wave(config_key(app_config()), data_version(), site, wave or "", store())


def study_labels() -> dict[str, str]:
    """Each loaded study as researchers cite it ("Zachariadis et al. 2013"), by its id: from the
    publications that report it (`vocabulary.study_label`). A study without a dated, authored
    publication is left out; the app then shows its id."""
    if not has_query("publications"):
        return {}
    reported: dict[str, list[dict[str, Any]]] = {}
    for row in run_query("publications", {"study": ""}).rows:
        for study in row.get("studies") or []:
            reported.setdefault(str(study), []).append(row)
    labels = {study: vocabulary.study_label(rows) for study, rows in reported.items()}
    return {study: label for study, label in labels.items() if label}


def site_labels(sites: list[tuple[str, Any, Any]]) -> dict[str, str]:
    """(site id, name, study id) triples as people name the sites: by name, with the study as cited
    only when they come from more than one study (two studies may both have a "Site A")."""
    studies = study_labels() if len({study for _, _, study in sites}) > 1 else None
    labels = {}
    for site, name, study in sites:
        named = name if isinstance(name, str) and name else str(site)  # no name (None, or NaN from a frame)
        labels[site] = named if studies is None else f"{named} ({studies.get(str(study), study)})"
    return labels


def study_name(study: Any) -> Any:
    """A study id as the screen shows it: its citation label when it has one."""
    return study_labels().get(str(study), study) if study else study


def has_query(name: str) -> bool:
    return name in library()
