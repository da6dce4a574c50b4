"""Configuration, layered: defaults, then a TOML file, then the environment, then flags.

The result is a frozen `Config` passed explicitly to whatever needs it; nothing reads the
environment at import time. Secrets (the Neo4j password) are never stored on the Config: the
Neo4j adapter reads them from the environment or a secrets file when it connects, so they cannot
leak into logs, reprs or the app.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from kb.errors import ConfigError

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
GRAPH_NAME = "kb"
# Limits on reads of the query paths (docs/reliability.md, "Limits on queries"): the engine stops a
# read at its time limit, and Cypher given as text keeps at most MAX_ROWS rows. The app's console
# answers someone waiting at a page, so its limit is shorter.
QUERY_TIMEOUT_S = 10.0
CONSOLE_TIMEOUT_S = 5.0
MAX_ROWS = 10_000
_NO_LIMIT = ("0", "none", "off")


def default_data_dir() -> Path:
    """The platform's per-user data directory for the knowledge base."""
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "ccg-kb"
    base = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(base) / "ccg-kb"


@dataclass(frozen=True)
class Config:
    """Where the knowledge base lives and how to reach its engine."""

    data_dir: Path = field(default_factory=default_data_dir)
    uri: str | None = None  # None: the embedded engine in data_dir
    neo4j_username: str = "neo4j"
    neo4j_database: str | None = None
    debug: bool = False
    query_timeout: float | None = QUERY_TIMEOUT_S  # seconds; None: no limit
    console_timeout: float | None = CONSOLE_TIMEOUT_S  # the app's console; None: no limit
    max_rows: int | None = MAX_ROWS  # rows of Cypher given as text; None: no cap

    @property
    def engine_kind(self) -> str:
        return "neo4j" if self.uri else "falkordb"

    def describe(self) -> str:
        """A one-line, secret-free description of the target."""
        if self.uri:
            db = f" database {self.neo4j_database}" if self.neo4j_database else ""
            return f"Neo4j at {self.uri}{db}"
        return f"embedded FalkorDB in {self.data_dir}"


def _from_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; create it or unset KB_CONFIG") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix it or unset KB_CONFIG") from None
    section = raw.get("kb", raw)
    if "password" in section or "neo4j_password" in section:
        raise ConfigError(
            f"config file {path} holds a password; put it in NEO4J_PASSWORD or a file named by NEO4J_PASSWORD_FILE"
        )
    allowed = {"data_dir", "uri", "neo4j_username", "neo4j_database", *_LIMITS}
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    settings = dict(section)
    for key, (_, parse) in _LIMITS.items():
        if key in settings:
            settings[key] = parse(settings[key], f"config file {path}: {key}")
    return settings


def _from_env(env: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    if env.get("KB_DATA_DIR"):
        out["data_dir"] = env["KB_DATA_DIR"]
    uri = env.get("KB_URI") or env.get("NEO4J_URI")
    if uri:
        out["uri"] = uri
    if env.get("NEO4J_USERNAME"):
        out["neo4j_username"] = env["NEO4J_USERNAME"]
    if env.get("NEO4J_DATABASE"):
        out["neo4j_database"] = env["NEO4J_DATABASE"]
    for key, (variable, parse) in _LIMITS.items():
        if env.get(variable):
            out[key] = parse(env[variable], variable)
    return out


def parse_timeout(value: object, source: str) -> float | None:
    """A time limit in seconds from `source` (a flag, variable or setting): None for 0 or "none"."""
    text = str(value).strip().lower()
    if text in _NO_LIMIT:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(f"{source} must be a number of seconds, or 0 or 'none' for no limit; got '{value}'")
    return seconds


def parse_max_rows(value: object, source: str) -> int | None:
    """A row cap from `source` (a flag, variable or setting): None for 0 or "none"."""
    text = str(value).strip().lower()
    if text in _NO_LIMIT:
        return None
    if not text.isdigit():
        raise ConfigError(f"{source} must be a whole number of rows, or 0 or 'none' for no cap; got '{value}'")
    return int(text)


# Each limit's setting: its environment variable and how its text becomes a value.
_LIMITS = {
    "query_timeout": ("KB_QUERY_TIMEOUT", parse_timeout),
    "console_timeout": ("KB_CONSOLE_TIMEOUT", parse_timeout),
    "max_rows": ("KB_MAX_ROWS", parse_max_rows),
}


def load_config(
    data_dir: str | Path | None = None,
    uri: str | None = None,
    debug: bool = False,
    env: dict[str, str] | None = None,
) -> Config:
    """Build the Config from defaults, `KB_CONFIG` file, environment and explicit flags (in that order)."""
    env = dict(os.environ if env is None else env)
    settings: dict[str, object] = {}
    if env.get("KB_CONFIG"):
        settings.update(_from_file(Path(env["KB_CONFIG"]).expanduser()))
    settings.update(_from_env(env))
    if data_dir is not None:
        settings["data_dir"] = data_dir
    if uri is not None:
        settings["uri"] = uri
    cfg = Config(debug=debug)
    if "data_dir" in settings:
        cfg = replace(cfg, data_dir=Path(str(settings["data_dir"])).expanduser().resolve())
    if settings.get("uri"):
        cfg = replace(cfg, uri=_checked_uri(str(settings["uri"])))
    if settings.get("neo4j_username"):
        cfg = replace(cfg, neo4j_username=str(settings["neo4j_username"]))
    if settings.get("neo4j_database"):
        cfg = replace(cfg, neo4j_database=str(settings["neo4j_database"]))
    # The limits were parsed where they were read, so each error names its own source.
    if "query_timeout" in settings:
        cfg = replace(cfg, query_timeout=cast(float | None, settings["query_timeout"]))
    if "console_timeout" in settings:
        cfg = replace(cfg, console_timeout=cast(float | None, settings["console_timeout"]))
    if "max_rows" in settings:
        cfg = replace(cfg, max_rows=cast(int | None, settings["max_rows"]))
    return cfg


def _checked_uri(uri: str) -> str | None:
    """A Neo4j URI as given, None for the embedded engine; ConfigError for any other scheme."""
    if uri in ("embedded", "falkordb"):
        return None
    if not uri.startswith(NEO4J_SCHEMES):
        raise ConfigError(
            f"unsupported URI scheme in '{uri.split('://')[0]}://…'; use one of "
            + ", ".join(s.rstrip("/") for s in NEO4J_SCHEMES)
            + " or 'embedded'"
        )
    return uri
