"""`kb init`, `kb status`, `kb query`, `kb queries`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.common import common_options, config, emit_rows, parse_params, print_json, store
from kb.config import load_config, parse_max_rows, parse_timeout
from kb.errors import UsageError
from kb.status import init_schema, status_report
from kb.store import open_store

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


class QueryCommand(click.Command):
    """`kb query`, whose `--help` also lists the parameters of the query it names
    (`kb query NAME --help`): type, default, help and allowed values."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["kb.query.args"] = list(args)  # --help is handled before NAME is bound
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help(ctx, formatter)
        args = ctx.meta.get("kb.query.args", [])
        name = _name_in(self, args)
        if name:
            formatter.write("\n" + "\n".join(query_help_lines(name, args, ctx)) + "\n")


def _value_options(command: click.Command) -> set[str]:
    return {
        opt
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for opt in param.opts
    }


def _name_in(command: click.Command, args: list[str]) -> str | None:
    """The NAME argument among raw arguments: the first word that is neither an option nor an
    option's value."""
    takes_value, skip = _value_options(command), False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in takes_value
        else:
            return arg
    return None


def _option_in(args: list[str], option: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def query_help_lines(name: str, args: list[str], ctx: click.Context) -> list[str]:
    """The parameters of query `name`, with the values of choices queries read from the knowledge
    base where it can be opened (else why not)."""
    from kb.errors import KBError
    from kb.queries import Choice, choice_list, describe_params, library

    query = library().get(name)
    if query is None:
        return [f"There is no query named '{name}'; `kb queries` lists the {len(library())} available."]
    choices: dict[str, list[Choice] | str] = {}
    if any(p.choices_query for p in query.params):
        root = ctx.find_root().params
        data_dir = _option_in(args, "--data-dir")
        try:
            cfg = load_config(
                data_dir=Path(data_dir) if data_dir else root.get("data_dir"),
                uri=_option_in(args, "--uri") or root.get("uri"),
            )
            with open_store(cfg) as kb:
                for param in query.params:
                    if param.choices_query:
                        choices[param.name] = choice_list(kb, param)
        except KBError as exc:
            choices = {p.name: str(exc) for p in query.params if p.choices_query}
    return [f"Parameters of {name} ({query.title}); give each as --param NAME=VALUE:", ""] + describe_params(
        query, choices
    )


def _cypher_text(cypher_text: str | None, cypher_file: Path | None) -> str:
    """The Cypher of --cypher TEXT, --cypher - (standard input) or --file FILE."""
    if cypher_file is not None:
        try:
            text = cypher_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"{cypher_file}: not UTF-8 text; save the query as UTF-8") from None
        except OSError as exc:
            raise UsageError(f"{cypher_file}: cannot be read ({exc.strerror})") from None
        where = str(cypher_file)
    elif cypher_text == "-":
        text, where = sys.stdin.read(), "standard input"
    else:
        text, where = cypher_text or "", "--cypher"
    if not text.strip():
        raise UsageError(f"there is no Cypher in {where}")
    return text


@click.command(cls=QueryCommand)
@common_options
@click.argument("name", required=False)
@click.option("--cypher", "cypher_text", help="Cypher text to run instead of a named query ('-': read it from stdin).")
@click.option(
    "--file",
    "cypher_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run the Cypher in this file instead of a named query.",
)
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
    cypher_file: Path | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
    allow_write: bool,
    timeout_text: str | None,
    max_rows_text: str | None,
) -> None:
    """Run a named query of the library, or Cypher given with --cypher or --file (read-only unless
    --write). `kb query NAME --help` lists the query's parameters and their allowed values."""
    values = parse_params(params)
    from kb.queries import run_cypher, run_named

    given = [what for what, value in (("NAME", name), ("--cypher", cypher_text), ("--file", cypher_file)) if value]
    if len(given) != 1:
        raise UsageError(
            "give one of a query NAME, --cypher TEXT or --file FILE"
            + (f" (not {' and '.join(given)})" if given else "")
            + "; `kb queries` lists the names"
        )
    cfg = config()
    timeout = cfg.query_timeout if timeout_text is None else parse_timeout(timeout_text, "--timeout")
    max_rows = cfg.max_rows if max_rows_text is None else parse_max_rows(max_rows_text, "--max-rows")
    if name:
        result = run_named(store(), name, values, timeout=timeout)
    else:
        text = _cypher_text(cypher_text, cypher_file)
        result = run_cypher(store(), text, values, write=allow_write, timeout=timeout, max_rows=max_rows)
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
