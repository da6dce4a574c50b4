"""The `kb` command as a user runs it: a real engine, exit codes and one-line errors.

Commands run in this process through kb.cli.main (support.cli.run_kb), the entry point the
installed script calls; the tests of a real process are the ones where the process is the point:
the `kb` script's own exit code and stderr, and an engine that outlives the command that started it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kb import engine
from kb.cli import cli
from support.cli import run_kb

REFUSED_WRITE = (
    "error: the engine refused this query on a read-only path because it would write; "
    "run it with --write if you mean to change the knowledge base"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("clidata")
    yield path
    engine.stop(path)


def run(data_dir, *args, env=None):
    return run_kb(*args, data_dir=data_dir, env=env)


def run_process(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """`kb ARGS` as its own process: the console script beside this Python, with a clean environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_"))}
    env["KB_DATA_DIR"] = str(data_dir)
    script = Path(sys.executable).with_name("kb")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kb"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=120)


def test_query_prints_json_rows(data_dir):
    done = run(data_dir, "query", "--cypher", "RETURN 1 AS x", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert done.json() == [{"x": 1}]


def test_a_write_without_write_flag_is_refused_with_one_line(data_dir):
    done = run(data_dir, "query", "--cypher", "CREATE (n:Site {id: 'x'})")
    assert done.exit_code == 2
    assert done.error_lines == [REFUSED_WRITE]
    assert done.stdout == ""
    count = run(data_dir, "query", "--cypher", "MATCH (n:Site {id: 'x'}) RETURN count(n) AS c", "--format", "json")
    assert count.json() == [{"c": 0}]


def test_write_flag_writes_and_params_are_typed(data_dir):
    done = run(
        data_dir,
        "query",
        "--write",
        "--cypher",
        "CREATE (n:Region {id: $id, n: $n}) RETURN n.n AS n",
        "--param",
        "id=t:region:1",
        "--param",
        "n=3",
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.stderr
    assert done.json() == [{"n": 3}]


def test_status_json_reports_the_embedded_engine(data_dir):
    done = run(data_dir, "status", "--format", "json")
    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert report["engine"] == "falkordb"
    assert report["address"] == f"unix:{data_dir / 'falkordb.sock'}"
    assert set(report["nodes"]) >= {"Study", "Wave", "Site", "Participant", "Theme", "Evidence", "Work"}


def test_bad_cypher_is_one_line_without_traceback(data_dir):
    done = run(data_dir, "query", "--cypher", "MATCH (n RETURN n")
    assert done.exit_code == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: the engine refused the query:")
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(data_dir):
    done = run(data_dir, "--debug", "query", "--cypher", "MATCH (n RETURN n")
    assert "Traceback" in done.stderr


def test_a_query_needs_a_name_or_cypher_but_not_both(data_dir):
    asked = "give one of a query NAME, --cypher TEXT or --file FILE"
    for args, which in (
        (("query",), ""),
        (("query", "study_overview", "--cypher", "RETURN 1"), " (not NAME and --cypher)"),
    ):
        done = run(data_dir, *args)
        message = f"error: {asked}{which}; `kb queries` lists the names"
        assert (done.exit_code, done.stdout, done.error_lines) == (2, "", [message])


def test_bad_param_syntax_is_a_usage_error(data_dir):
    done = run(data_dir, "query", "--cypher", "RETURN $a AS a", "--param", "a")
    assert done.exit_code == 2
    assert done.stderr.strip() == "error: --param 'a' has no '='; write it as --param name=value"


def test_unsupported_uri_is_a_usage_error(data_dir):
    done = run(data_dir, "status", env={"KB_URI": "http://localhost:7474"})
    assert done.exit_code == 2
    assert "unsupported URI scheme" in done.stderr


def test_missing_neo4j_password_says_where_to_put_it(data_dir):
    done = run(data_dir, "status", env={"NEO4J_URI": "neo4j://localhost:1"})
    assert done.exit_code == 2
    assert (
        done.stderr.strip() == "error: no Neo4j password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE in the environment"
    )


def test_ctrl_c_during_a_command_says_interrupted_with_exit_130(data_dir, monkeypatch):
    def interrupted(store):
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of the command's work

    monkeypatch.setattr("kb.cli.core_cmd.status_report", interrupted)
    done = run(data_dir, "status")
    assert done.exit_code == 130
    assert done.stderr.strip() == "interrupted"


def test_the_kb_script_exits_with_the_code_and_the_one_line_error(data_dir):
    refused = run_process(data_dir, "query", "--cypher", "CREATE (n:Site {id: 'x'})")
    assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", REFUSED_WRITE + "\n")
    answered = run_process(data_dir, "query", "--cypher", "RETURN 1 AS x", "--format", "csv")
    assert (answered.returncode, answered.stdout) == (0, "x\n1\n")


def test_the_engine_started_by_one_command_serves_the_next(tmp_path):
    # Each command is its own process: `kb engine start` must leave the engine running behind it.
    assert run_process(tmp_path, "engine", "status").stdout.startswith("not running")
    assert run_process(tmp_path, "engine", "start").stdout.startswith("engine running")
    assert run_process(tmp_path, "engine", "status").stdout.startswith("running: pid")
    assert run_process(tmp_path, "engine", "stop").stdout.strip() == "engine stopped"
    assert run_process(tmp_path, "engine", "stop").stdout.strip() == "engine was not running"


def test_engine_commands_refuse_a_neo4j_target(tmp_path):
    done = run(tmp_path, "engine", "status", env={"KB_URI": "neo4j://localhost:7687"})
    assert done.exit_code == 2
    assert done.error_lines == [
        "error: `kb engine` manages the embedded engine; the target is Neo4j at neo4j://localhost:7687"
    ]


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path", sorted(_all_commands(cli)), ids=" ".join)
def test_every_command_has_help(path):
    result = run_kb(*path, "--help")
    assert result.exit_code == 0, str(result)
    assert result.stdout.startswith(f"Usage: kb {' '.join(path)} ")
    command = cli
    for part in path:
        command = command.commands[part]
    assert command.help, f"`kb {' '.join(path)}` has no help text"


def test_an_unknown_command_is_a_usage_error_that_names_help():
    done = run_kb("frobnicate")
    assert done.exit_code == 2
    assert done.error_lines[-1] == "Error: No such command 'frobnicate'."
    assert "Try 'kb --help' for help." in done.error_lines


def test_the_neo4j_password_never_appears_in_output_or_options(data_dir):
    secret = "s3cret-Value-XYZ"
    done = run(data_dir, "status", env={"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": secret})
    assert done.exit_code == 1
    assert done.stderr.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:1")
    assert secret not in done.stdout + done.stderr
    debug = run(data_dir, "--debug", "status", env={"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": secret})
    assert secret not in debug.stdout + debug.stderr
    for path in _all_commands(cli):
        command = cli
        for part in path:
            command = command.commands[part]
        names = [opt for param in command.params for opt in getattr(param, "opts", [])]
        assert not [n for n in names if "pass" in n.lower() or "secret" in n.lower()], (
            f"`kb {' '.join(path)}` takes a secret on the command line"
        )


def test_schema_lists_labels_and_types(data_dir):
    done = run(data_dir, "schema", "--format", "json")
    listed = done.json()
    assert {"Study", "Wave", "Site", "Work"} <= {item["label"] for item in listed["labels"]}
    assert {"CITES", "CODED_AS", "HAS_TIES"} <= {item["type"] for item in listed["relationships"]}
