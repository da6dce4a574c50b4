"""Every `$ kb ...` example of README.md and docs/*.md prints what the document shows.

The demo knowledge base is loaded once, by `kb demo`, into a private data directory, and each
example runs there through the real command (support.cli.run_kb). The document's output must match
the real one line for line, except where it leaves lines out with an explicit marker (`...` for
any number of lines, `… N more lines` for exactly N; see support/doc_examples.py). An example
showing an `error:` line must fail; any other must succeed.

`kb demo` itself is shown as its first run on an empty knowledge base, so that example is compared
with the run that loaded the demo. Examples must leave the demo as they found it (the documents
show read-only commands, and the refused write); the test checks that the counts did not change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kb import engine
from support.cli import KbRun, run_kb
from support.doc_examples import ConsoleExample, console_examples, lines_match, shown_lines
from support.paths import REPO

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
EXAMPLES = [example for doc in DOCUMENTS for example in console_examples(doc)]


@dataclass
class DemoKb:
    data_dir: Path
    first_runs: dict[tuple[str, ...], KbRun]

    def run(self, args: list[str]) -> KbRun:
        return self.first_runs.get(tuple(args)) or run_kb(*args, data_dir=self.data_dir)

    def counts(self) -> tuple[int, int]:
        status = run_kb("status", "--format", "json", data_dir=self.data_dir).json()
        return status["total_nodes"], status["total_relationships"]


@pytest.fixture(scope="session")
def demo_kb(tmp_path_factory) -> DemoKb:
    data_dir = tmp_path_factory.mktemp("docs-demo")
    loaded = run_kb("demo", data_dir=data_dir)
    assert loaded.exit_code == 0, str(loaded)
    yield DemoKb(data_dir, {("demo",): loaded})
    engine.stop(data_dir)


def _difference(example: ConsoleExample, actual: list[str]) -> str:
    diff = difflib.unified_diff(list(example.expected), actual, "documented", "printed", lineterm="")
    return f"{example.label(REPO)}: the output differs from the document\n" + "\n".join(diff)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.label(REPO) for example in EXAMPLES])
def test_the_example_prints_what_the_document_shows(demo_kb, example):
    assert example.is_kb, f"{example.label(REPO)}: console blocks hold `kb` commands only; use a bash block"
    before = demo_kb.counts()
    done = demo_kb.run(example.args)
    printed = shown_lines(done.output if example.stream == "terminal" else done.stdout)
    assert (done.exit_code != 0) == example.expects_failure, str(done)
    assert lines_match(example.expected, printed), _difference(example, printed)
    assert demo_kb.counts() == before, f"{example.label(REPO)} changed the knowledge base"


def test_the_documents_hold_the_examples_this_test_runs():
    labels = [example.label(REPO) for example in EXAMPLES]
    assert any(label.startswith("README.md:") and label.endswith(" kb demo") for label in labels)
    generated = [example for example in EXAMPLES if example.doc.name == "queries.md"]
    assert len(generated) >= 20
    assert {example.stream for example in generated if not example.expects_failure} == {"stdout"}


def test_a_changed_number_is_a_difference():
    documented = ["  vocab-1                  loaded     37 nodes and relationships written", "  ..."]
    printed = ["  vocab-1                  loaded     534 nodes and relationships written", "next: ..."]
    assert not lines_match(documented, printed)
    assert lines_match(documented, [printed[0].replace("534", "37"), "next: ..."])


@pytest.mark.parametrize(
    ("documented", "printed", "matches"),
    [
        (["a", "...", "z"], ["a", "z"], True),
        (["a", "...", "z"], ["a", "b", "c", "z"], True),
        (["a", "...", "z"], ["a", "b", "c"], False),
        (["a", "..."], ["a"], True),
        (["a"], ["a", "b"], False),
        (["a", "… 2 more lines"], ["a", "b", "c"], True),
        (["a", "… 2 more lines"], ["a", "b"], False),
        (["a", "… 1 more line", "c"], ["a", "b", "c"], True),
        (["a  "], ["a"], True),
        ([], [], True),
    ],
)
def test_elision_markers_stand_for_what_they_say(documented, printed, matches):
    assert lines_match(documented, printed) is matches


def test_a_command_with_a_generated_block_takes_its_output_from_there(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "```console\n$ kb query x\n```\n\nA note.\n\n<!-- output: x -->\n```csv\na,b\n1,2\n```\n<!-- /output -->\n"
        "\n```console\n$ kb status\nengine   falkordb\n...\n$ kb waves\n```\n",
        encoding="utf-8",
    )
    found = console_examples(doc)
    assert [(e.line, e.args, e.expected, e.stream) for e in found] == [
        (2, ["query", "x"], ("a,b", "1,2"), "stdout"),
        (15, ["status"], ("engine   falkordb", "..."), "terminal"),
        (18, ["waves"], (), "terminal"),
    ]
