"""docs/queries.md: the query library's reference, generated from the `.cypher` headers.

Each query gets a section whose reference part (title, question, parameters, columns, Cypher and
the example command) comes from its header and `EXAMPLES` alone, so a test can check the file
against the library without a database. Below the command sits the command's real output on the
demo data, between `<!-- output: NAME -->` markers; `python -m kb.querydocs --write` produces it by
loading the demo into a scratch data directory and running `kb query` there. `--check` only
compares the reference parts and exits 1 when the file is stale; the outputs are compared with
what the commands print now by tests/test_docs_examples.py, as every documented example is.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.queries import NamedQuery, Param, library

DOC = Path(__file__).resolve().parents[1] / "docs" / "queries.md"
MAX_OUTPUT_LINES = 30
TABLE_WIDTH = "120"
_OUTPUT_BLOCK = re.compile(r"(<!-- output: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /output -->)", re.S)


@dataclass(frozen=True)
class Example:
    """How a query is shown at work: its parameters (besides the defaults) and output format."""

    params: dict[str, Any] = field(default_factory=dict)
    fmt: str = "table"
    note: str = ""
    refused: bool = False  # the demo cannot answer it: the example shows the refusal (stderr, exit 2)


EXAMPLES: dict[str, Example] = {
    "board_representation": Example({"role": "nurse"}, "csv"),
    "co_cited_works": Example(),
    "commissioning_models": Example({}, "csv"),
    "compare_sites": Example({"study": "z13"}, "csv"),
    "connections_between": Example(),
    "cross_study_themes": Example({"how": "similar"}, "csv"),
    "evidence_for_theme": Example({"theme": "z13:theme:knowledge-brokers"}, "csv"),
    "initiatives_by_clinical_area": Example({"clinical_area": "vocab:area:mental_health"}, "csv"),
    "initiatives_by_partner_type": Example({}, "csv"),
    "interviews_by_site": Example({"study": "z13"}, "csv"),
    "knowledge_brokers": Example(
        {"limit": 3},
        note="The demo holds no survey edge list (the papers publish none), so nobody has "
        "measures and the question is refused rather than answered with nobody; load a survey "
        "with `kb load` to rank a real network.",
        refused=True,
    ),
    "network_ties": Example({"site": "z13:site:B"}),
    "participant_changes": Example(
        {"site": "z13:site:B"},
        note="The demo's participants are those of study 1, which has one wave, so this example "
        "finds nothing; load a second wave of a study to compare its participants.",
    ),
    "neighbourhood": Example({"id": "s17:case:F"}),
    "recommendations": Example({}, "csv"),
    "search": Example({"text": "wellbeing"}, "csv"),
    "site_network": Example(
        note="The demo holds no survey edge list (the papers publish none), so this "
        "example finds nothing; load a survey with `kb load` to see a network."
    ),
    "site_profile": Example({"site": "z13:site:B"}, "csv"),
    "study_overview": Example({}, "csv"),
    "theme_matrix": Example({"study": "s17", "include_subthemes": False}, "csv"),
    "wave_changes": Example(),
}


def example_for(query: NamedQuery) -> Example:
    return EXAMPLES.get(query.name, Example())


def command(query: NamedQuery) -> list[str]:
    """The `kb query` arguments of a query's worked example."""
    example = example_for(query)
    args = ["query", query.name]
    for name, value in example.params.items():
        query.param(name)  # an example may only set parameters the query declares
        text = "true" if value is True else "false" if value is False else str(value)
        args += ["--param", f"{name}={text}"]
    if example.fmt != "table":
        args += ["--format", example.fmt]
    return args


def _default_text(param: Param) -> str:
    if param.default is None or param.default == "":
        return "*(empty: any)*" if param.type == "string" else ""
    shown = f"`{str(param.default).lower() if isinstance(param.default, bool) else param.default}`"
    return f"{shown}, or empty" if param.optional else shown


def _values_text(param: Param) -> str:
    if param.choices:
        return ", ".join(f"`{c}`" for c in param.choices)
    if param.choices_query:
        return f"from the graph: `{param.choices_query}`"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _params_table(query: NamedQuery) -> list[str]:
    if not query.params:
        return ["No parameters.", ""]
    lines = ["| parameter | type | default | values | meaning |", "| --- | --- | --- | --- | --- |"]
    for p in query.params:
        lines.append(
            f"| `{p.name}` | {p.type} | {_cell(_default_text(p))} | {_cell(_values_text(p))} | {_cell(p.help)} |"
        )
    return lines + [""]


def section(query: NamedQuery, output: str = "") -> list[str]:
    """The markdown of one query: reference part, then its example output between markers."""
    example = example_for(query)
    lines = [f"## {query.name}", "", f"**{query.title}.** {query.question}", ""]
    lines += _params_table(query)
    lines += [f"Columns: {', '.join(f'`{c}`' for c in query.columns)}.", ""]
    if query.graph:
        lines += ["Returns nodes, relationships or paths: `--format graphml` and `--format gexf` export them.", ""]
    if "survey_network" in query.requires:
        lines += [
            "Needs the site's survey network (a wave with `advice_ties.csv`); without one it is refused.",
            "",
        ]
    lines += ["<details><summary>Cypher</summary>", "", "```cypher", query.cypher, "```", "", "</details>", ""]
    lines += [
        "Example on the demo data:",
        "",
        "```console",
        "$ kb " + " ".join(_quoted(a) for a in command(query)),
        "```",
        "",
    ]
    if example.note:
        lines += [example.note, ""]
    body = output.rstrip("\n") + "\n" if output.strip("\n") else ""
    lines += [f"<!-- output: {query.name} -->\n{body}<!-- /output -->", ""]
    return lines


def _quoted(arg: str) -> str:
    return arg if re.fullmatch(r"[\w:=./,-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def render(outputs: Mapping[str, str] | None = None) -> str:
    """The whole of docs/queries.md; `outputs` maps a query name to its example's output block."""
    outputs = outputs or {}
    queries = list(library().values())
    lines = [
        "# The query library",
        "",
        "<!-- Generated by `python -m kb.querydocs --write` from the headers in cypher/; do not edit by hand. -->",
        "",
        "Every question below is a `.cypher` file in `cypher/` whose header names it, says what it answers and",
        "declares its parameters. Run one with `kb query NAME [--param name=value ...] [--format "
        "table|csv|json|xlsx]`;",
        "`kb queries` lists them. A parameter whose default says *empty* is optional: left empty, it does not",
        "narrow the query (its meaning says what empty covers, usually every loaded study, site or wave).",
        "A value outside a parameter's values is refused with the nearest ones (`no site 'A'; did you mean",
        "s17:case:A or z13:site:A?`), and `kb query NAME --help` lists the values the loaded data allows.",
        "A count that is not published is empty rather than 0; a row with nothing published says so in `note`.",
        "The examples below ran on the demo data (`kb demo`).",
        "",
        "| query | question |",
        "| --- | --- |",
    ]
    lines += [f"| [{q.name}](#{q.name}) | {_cell(q.question)} |" for q in queries]
    lines.append("")
    for query in queries:
        lines += section(query, outputs.get(query.name, ""))
    return "\n".join(lines).rstrip("\n") + "\n"


def without_outputs(text: str) -> str:
    """The text with every example output emptied, leaving what the headers determine."""
    return _OUTPUT_BLOCK.sub(lambda m: m.group(1) + m.group(4), text)


def outputs_in(text: str) -> dict[str, str]:
    """Example outputs by query name, as they stand in a generated file."""
    return {m.group("name"): m.group("body") for m in _OUTPUT_BLOCK.finditer(text)}


def _shorten(output: str) -> str:
    lines = output.rstrip("\n").splitlines()
    if len(lines) > MAX_OUTPUT_LINES:
        hidden = len(lines) - MAX_OUTPUT_LINES
        lines = lines[:MAX_OUTPUT_LINES] + [f"… {hidden} more line{'s' if hidden != 1 else ''}"]
    return "\n".join(lines)


def run_examples(data_dir: Path) -> dict[str, str]:
    """Load the demo into `data_dir` and run every example with the real `kb` command there."""
    env = {**os.environ, "COLUMNS": TABLE_WIDTH, "KB_DATA_DIR": str(data_dir)}
    base = [sys.executable, "-m", "kb", "--data-dir", str(data_dir)]
    subprocess.run(base + ["demo"], env=env, check=True, capture_output=True, text=True)
    outputs = {}
    for query in library().values():
        example = example_for(query)
        done = subprocess.run(base + command(query), env=env, capture_output=True, text=True)
        if example.refused:
            if done.returncode != 2:
                raise RuntimeError(f"the example of {query.name} should be refused, and exited {done.returncode}")
            outputs[query.name] = f"```text\n{_shorten(done.stdout + done.stderr)}\n```\n"
            continue
        if done.returncode != 0:
            raise RuntimeError(f"the example of {query.name} failed: {done.stderr.strip()}")
        fence = "text" if example.fmt == "table" else example.fmt
        outputs[query.name] = f"```{fence}\n{_shorten(done.stdout)}\n```\n"
    return outputs


def write(path: Path = DOC) -> Path:
    """Regenerate the whole file, examples included, on a scratch copy of the demo data."""
    from kb import engine

    with tempfile.TemporaryDirectory(prefix="kb-querydocs-") as scratch:
        try:
            outputs = run_examples(Path(scratch))
        finally:
            engine.stop(Path(scratch))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outputs), encoding="utf-8")
    return path


def is_stale(path: Path = DOC) -> bool:
    """True when the file's reference parts differ from what the headers give now."""
    if not path.is_file():
        return True
    current = path.read_text(encoding="utf-8")
    return without_outputs(current) != without_outputs(render())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.querydocs", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate docs/queries.md, running every example")
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/queries.md is stale")
    args = parser.parse_args(argv)
    if args.write:
        print(f"wrote {write()}")
        return 0
    if args.check:
        stale = is_stale()
        print(f"{DOC} is {'stale: run python -m kb.querydocs --write' if stale else 'up to date'}")
        return 1 if stale else 0
    sys.stdout.write(render(outputs_in(DOC.read_text(encoding="utf-8")) if DOC.is_file() else {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
