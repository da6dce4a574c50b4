"""Plumbing shared by every `kb` command: options, configuration, the store, output, parameters."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kb.config import Config, load_config
from kb.errors import UsageError
from kb.store import Store, open_store

TABLE_FORMATS = ("table", "csv", "json")


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--data-dir, --uri and --debug on every command (they may also be given before the command)."""

    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory of the embedded engine (default: KB_DATA_DIR, else the user data directory).",
    )
    @click.option(
        "--uri",
        default=None,
        help="neo4j://, neo4j+s:// or bolt:// URI of a Neo4j server (default: KB_URI or NEO4J_URI; none: embedded).",
    )
    @click.option("--debug", is_flag=True, default=False, help="Show tracebacks of errors.")
    @functools.wraps(func)
    def wrapper(
        *args: Any, data_dir: Path | None = None, uri: str | None = None, debug: bool = False, **kwargs: Any
    ) -> Any:
        ctx = click.get_current_context()
        root = ctx.find_root().params
        ctx.ensure_object(dict)
        ctx.obj["debug"] = debug or root.get("debug", False)
        ctx.obj["config"] = load_config(
            data_dir=data_dir or root.get("data_dir"),
            uri=uri or root.get("uri"),
            debug=ctx.obj["debug"],
        )
        return func(*args, **kwargs)

    return wrapper


def config() -> Config:
    cfg: Config = click.get_current_context().obj["config"]
    return cfg


def store() -> Store:
    """The store for this command, closed when the command ends."""
    ctx = click.get_current_context()
    if "store" not in ctx.obj:
        ctx.obj["store"] = open_store(config())
        ctx.call_on_close(ctx.obj["store"].close)
    opened: Store = ctx.obj["store"]
    return opened


def parse_param(text: str) -> tuple[str, Any]:
    """`name=value`: value is read as JSON when it parses (42, 1.5, true, null, [..], "text"), else as text."""
    if "=" not in text:
        raise UsageError(f"--param '{text}' has no '='; write it as --param name=value")
    name, raw = text.split("=", 1)
    name = name.strip()
    if not name.isidentifier():
        raise UsageError(f"--param name '{name}' is not a valid parameter name; use letters, digits and _")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, value


def parse_params(items: tuple[str, ...]) -> dict[str, Any]:
    return dict(parse_param(item) for item in items)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit_rows(
    columns: list[str], rows: list[dict[str, Any]], fmt: str, out: Path | None, meta: dict[str, Any] | None = None
) -> None:
    """Print or save rows in the chosen format (table on screen; csv, json, xlsx, graphml, gexf)."""
    if fmt == "table" and out is None:
        from kb.cli.table import print_table

        print_table(columns, rows)
        return
    from kb import export

    if out is None:
        if fmt not in ("csv", "json"):
            raise UsageError(f"--format {fmt} writes a file; add --out FILE")
        writer = export.to_csv if fmt == "csv" else export.to_json
        writer(columns, rows, sys.stdout)
        if fmt == "json":
            sys.stdout.write("\n")
        return
    export.write_export("csv" if fmt == "table" else fmt, columns, rows, out, meta or {})
    click.echo(f"wrote {len(rows)} row{'s' if len(rows) != 1 else ''} to {out}", err=True)
