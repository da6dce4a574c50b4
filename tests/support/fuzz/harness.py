"""Running one generated input against the real loaders and the embedded engine.

Every input must end in one of two ways: it loads, or it is refused with a named error
(kb.errors.ValidationError or UsageError, NotFound included) whose message is one readable line.
A refused input must leave the knowledge base exactly as it was (the fingerprint: every node,
relationship and index). Anything else, a crash with another exception or a write on refusal, is
a bug.

KB_FUZZ_SURVEY=1 keeps going after a crash and counts it by where it happened (the figures of a
long run); by default a crash fails the test at once, and hypothesis shrinks it to a small case.
"""

from __future__ import annotations

import json
import os
import re
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from kb import engine
from kb.config import load_config
from kb.errors import UsageError, ValidationError
from kb.store import Store, open_store
from loaders.wave.api import load_package
from support.fuzz.packages import BASE_PACKAGE
from support.paths import REPO

LONG = os.environ.get("KB_LONG") == "1"
SURVEY = os.environ.get("KB_FUZZ_SURVEY") == "1"
REFUSALS = (ValidationError, UsageError)
MAX_MESSAGE = 1000  # characters: a message quotes the offending value, it must not paste a huge cell


def examples(count: int) -> settings:
    """Hypothesis settings for a fuzz test of `count` cases: no deadline (loads touch the engine), and
    no shrinking: a case is already a short list of edits, and shrinking loads would take minutes."""
    return settings(
        max_examples=count,
        deadline=None,
        print_blob=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )


class Tally:
    """Outcomes per input kind, and crashes by place, for docs/reliability.md."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()
        self.crashes: Counter = Counter()
        self.unclear: Counter = Counter()
        self.unexpected_writes = 0  # refused or validation-only inputs that changed the graph
        self.engine_crashes = 0

    def add(self, kind: str, outcome: str) -> None:
        self.outcomes[(kind, outcome)] += 1

    def crash(self, kind: str, exc: BaseException) -> None:
        self.add(kind, "crashed")
        self.crashes[f"{kind}: {crash_signature(exc)}"] += 1

    def unclear_refusal(self, kind: str, problem: str, exc: BaseException) -> None:
        self.add(kind, "refused, message unclear")
        where = str(exc).split(",", 1)[0].split(":", 1)[0][:40]
        self.unclear[f"{kind}: {problem} ({where})"] += 1

    def as_dict(self) -> dict[str, Any]:
        per_kind: dict[str, dict[str, int]] = {}
        for (kind, outcome), n in sorted(self.outcomes.items()):
            per_kind.setdefault(kind, {})[outcome] = n
        # an input is counted once, though it is validated and loaded (and run as `kb validate` and `kb load`)
        inputs = sum(
            n for (kind, _), n in self.outcomes.items() if not kind.endswith("(validate)") and kind != "cli load"
        )
        return {
            "inputs": inputs,
            "checks": sum(self.outcomes.values()),
            "per_kind": per_kind,
            "unexpected_writes": self.unexpected_writes,
            "engine_crashes": self.engine_crashes,
            "crashes": dict(self.crashes.most_common()),
            "unclear_messages": dict(self.unclear.most_common()),
        }

    def save(self, name: str) -> None:
        folder = os.environ.get("KB_FIGURES_DIR")
        if folder and self.outcomes:
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / f"{name}.json").write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True))


def crash_signature(exc: BaseException) -> str:
    """The exception type, its message's start and the project line it came from."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(str(REPO)) and ".venv" not in f.filename
    ]
    where = f"{Path(frames[-1].filename).relative_to(REPO)}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"
    return f"{type(exc).__name__} at {where}: {re.sub(r'/tmp/[^ ,;)]*', '<tmp>', str(exc))[:100]}"


def message_problem(exc: BaseException) -> str | None:
    """What is wrong with a refusal's message, or None when it is one readable line."""
    text = str(exc)
    if not text.strip():
        return "the message is empty"
    if "\n" in text or "\r" in text:
        return "the message spans several lines"
    if len(text) > MAX_MESSAGE:
        return f"the message is longer than {MAX_MESSAGE} characters"
    if isinstance(exc, ValidationError) and not all(p.file and p.message for p in exc.problems):
        return "a problem does not name its file"
    return None


class UnclearMessage(AssertionError):
    """A refusal whose message a data steward could not act on."""


def attempt(kind: str, tally: Tally, action: Callable[[], Any]) -> str:
    """Run `action`: 'accepted', 'refused' (named error, clear message), or 'crashed' in survey mode."""
    try:
        action()
    except REFUSALS as exc:
        problem = message_problem(exc)
        if problem:
            if not SURVEY:
                raise UnclearMessage(f"{problem}: {str(exc)[:300]!r}") from exc
            tally.unclear_refusal(kind, problem, exc)
            return "refused"
        tally.add(kind, "refused")
        return "refused"
    except Exception as exc:
        if not SURVEY:
            raise
        tally.crash(kind, exc)
        return "crashed"
    tally.add(kind, "accepted")
    return "accepted"


def fingerprint(store: Store) -> tuple[list[str], list[str], list[str]]:
    """Every node, relationship and index of the graph, as sorted JSON lines."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props").rows
    indexes = store.read("CALL db.indexes() YIELD label, properties RETURN label, properties").rows

    def lines(rows):
        return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)

    return lines(nodes), lines(rels), lines(indexes)


class BaseGraph:
    """A graph holding only the base wave (t01-w1), on an engine of its own; rebuilt after an input
    that loaded, and restarted after an input that crashed the engine."""

    def __init__(self, data_dir: Path, graph: str = "fuzz"):
        self.data_dir, self.graph = data_dir, graph
        self.store = self._open()
        self.reset()

    def _open(self) -> Store:
        return open_store(load_config(data_dir=self.data_dir, env={}), graph=self.graph)

    def reset(self) -> None:
        self.store.drop()
        self.store.apply_schema()
        load_package(self.store, BASE_PACKAGE)

    def engine_died(self) -> bool:
        """True when the engine is no longer running; it is started again from its append-only
        file, so the fingerprint check that follows also checks that the crash lost nothing."""
        if engine.status(self.data_dir).running:
            return False
        self.store.close()
        self.store = self._open()
        return True

    def close(self) -> None:
        self.store.close()
        engine.kill(self.data_dir)


def check_case(base: BaseGraph, kind: str, tally: Tally, action: Callable[[], Any], writes: bool = True) -> str:
    """Run one input against `base`: it loads, or it is refused and nothing was written.

    `writes` False is for actions that must never write (validation): the graph must be unchanged
    whatever the outcome. An input that kills the engine is counted, and the engine restarted so
    that the cases after it still run.
    """
    before = fingerprint(base.store)
    try:
        outcome = attempt(kind, tally, action)
    finally:
        if base.engine_died():
            tally.engine_crashes += 1
    if outcome == "accepted" and writes:
        base.reset()
        return outcome
    if fingerprint(base.store) != before:
        tally.unexpected_writes += 1
        base.reset()
        raise AssertionError(f"a {kind} input that was {outcome} changed the knowledge base")
    return outcome
