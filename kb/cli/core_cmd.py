"""`kb init`, `kb status`, `kb query`, `kb queries`."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import common_options, config, emit_rows, parse_params, print_json, store
from kb.config import parse_max_rows, parse_timeout
from kb.errors import UsageError
from kb.status import init_schema, status_report

RESULT_FORMATS = ("table", "csv", "json", "xlsx", "graphml", "gexf")


@click.command()
@common_options
def init() -> None:
    """Apply the schema (keys and indexes); safe to run again."""
    changed = init_schema(store())
    click.echo(f"schema ready ({changed} statement{'s' if changed != 1 else ''} applied) on {config().describe()}")


@click.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(fmt: str) -> None:
    """Engine kind and version, address, and counts per label and relationship type."""
    report = status_report(store())
    if fmt == "json":
        print_json(report)
        return
    click.echo(f"engine   {report['engine']} {report['version']}")
    click.echo(f"address  {report['address']}")
    click.echo(f"nodes    {report['total_nodes']}    relationships {report['total_relationships']}")
    for kind in ("nodes", "relationships"):
        for name, count in report[kind].items():
            if count:
                click.echo(f"  {name:<20} {count}")


@click.command()
@common_options
@click.argument("name", required=False)
@click.option("--cypher", "cypher_text", help="Cypher text to run instead of a named query.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='A parameter; VALUE is read as JSON when it parses (42, true, [1,2], "text"), else as text.',
)
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the result to this file.")
@click.option("--write", "allow_write", is_flag=True, help="Allow the query to change the knowledge base.")
@click.option(
    "--timeout",
    "timeout_text",
    metavar="SECONDS",
    help="Stop a read after this long; 0 or 'none' for no limit (default: KB_QUERY_TIMEOUT, else 10).",
)
@click.option(
    "--max-rows",
    "max_rows_text",
    metavar="ROWS",
    help="Keep at most this many rows of --cypher; 0 or 'none' for all (default: KB_MAX_ROWS, else 10000).",
)
def query(
    name: str | None,
    cypher_text: str | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
    allow_write: bool,
    timeout_text: str | None,
    max_rows_text: str | None,
) -> None:
    """Run a named query of the library, or Cypher given with --cypher (read-only unless --write)."""
    values = parse_params(params)
    from kb.queries import run_cypher, run_named

    cfg = config()
    timeout = cfg.query_timeout if timeout_text is None else parse_timeout(timeout_text, "--timeout")
    max_rows = cfg.max_rows if max_rows_text is None else parse_max_rows(max_rows_text, "--max-rows")
    if name and not cypher_text:
        result = run_named(store(), name, values, timeout=timeout)
    elif cypher_text and not name:
        result = run_cypher(store(), cypher_text, values, write=allow_write, timeout=timeout, max_rows=max_rows)
    else:
        raise UsageError("give a query NAME or --cypher TEXT (not both); `kb queries` lists the names")
    note = result.truncation_note()
    if note:
        click.echo(f"note: {note}", err=True)
    provenance = result.provenance.as_dict() if result.provenance else {}
    emit_rows(result.columns, result.rows, fmt, out, provenance)


@click.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def queries(fmt: str) -> None:
    """List the named queries of the library (name, title, parameters)."""
    from kb.queries import list_queries

    items = list_queries()
    if fmt == "json":
        print_json(items)
        return
    emit_rows(
        ["name", "title", "params"],
        [{**item, "params": ", ".join(p["name"] for p in item["params"])} for item in items],
        "table",
        None,
    )


@click.command("schema")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def schema_cmd(fmt: str) -> None:
    """The knowledge model: node labels and relationship types, with what each means."""
    from kb import schema

    labels = [{"label": s.name, "meaning": s.doc, "indexed": ", ".join(("id",) + s.indexed)} for s in schema.LABELS]
    rels = [
        {"type": r.name, "from": "|".join(r.start), "to": "|".join(r.end), "meaning": r.doc}
        for r in schema.RELATIONSHIPS
    ]
    if fmt == "json":
        print_json({"labels": labels, "relationships": rels})
        return
    emit_rows(["label", "meaning", "indexed"], labels, "table", None)
    emit_rows(["type", "from", "to", "meaning"], rels, "table", None)


COMMANDS = [init, status, query, queries, schema_cmd]
