"""Reading a parsed YAML document with located problems: line numbers by key path, typed getters.

Generic over documents; the manifest's own rules live in manifest.py. Documents are read with
`SafeLoader` made tolerant of values Python cannot hold (an impossible date such as 2013-02-30, a
whole number of thousands of digits): those stay text, so the typed getters report them on their
line instead of the parser failing without one. `nesting_problem` is checked before any document
is composed, since composing recurses once per level of nesting.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from datetime import date
from typing import Any

import yaml

from kb.errors import Problem, shorten
from loaders.wave.causes import Tally
from loaders.wave.spec import MAX_ID_LENGTH
from loaders.wave.values import INT_MAX, INT_MIN, is_iso_date

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KEY_HINT = "letters, digits, '.', '_' or '-', starting with a letter or digit (no ':' or spaces)"
MAX_DEPTH = 20  # levels of nesting a document may have; a manifest needs four
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
KeyPath = tuple[str | int, ...]  # keys and list indexes from the document's root, e.g. ("citations", 0, "file")


class HugeInteger(str):
    """The text of a whole number with more digits than Python converts (over 4,300)."""


class TolerantLoader(yaml.SafeLoader):
    """SafeLoader that keeps impossible dates and unconvertible whole numbers as text."""

    # Both return text where the base class returns a date or an int: that is the point of the class.
    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | str:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2013-02-30, hour 25: the date checks report the text
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | HugeInteger:  # type: ignore[override]
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return HugeInteger(self.construct_scalar(node))


TolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", TolerantLoader.construct_yaml_timestamp)
TolerantLoader.add_constructor("tag:yaml.org,2002:int", TolerantLoader.construct_yaml_int)


def load_yaml(text: str) -> Any:
    """The document in `text`, read with TolerantLoader; raises yaml.YAMLError."""
    return yaml.load(text, Loader=TolerantLoader)  # noqa: S506 - a SafeLoader subclass


def nesting_problem(file: str, text: str) -> Problem | None:
    """A problem when the document nests deeper than MAX_DEPTH, found from the parser's event stream,
    which does not recurse; raises yaml.YAMLError for text that is not YAML."""
    depth = 0
    for event in yaml.parse(text, Loader=TolerantLoader):
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                return Problem(
                    file,
                    f"line {line}: lists and mappings are nested more than "
                    f"{MAX_DEPTH} levels deep; see docs/wave-format.md for the shape of the file",
                )
        elif isinstance(event, _CLOSING):
            depth -= 1
    return None


def out_of_range(value: Any) -> bool:
    """True for a whole number a 64-bit integer cannot hold."""
    if isinstance(value, HugeInteger):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX


def range_hint() -> str:
    return f"write a whole number between {INT_MIN} and {INT_MAX} (64 bits)"


class YamlLines:
    """Line numbers of the keys and list items of a YAML document, by path, plus duplicate keys."""

    def __init__(self, text: str):
        self.by_path: dict[KeyPath, int] = {}
        self.duplicates: list[tuple[KeyPath, int]] = []
        self._seen: set[int] = set()
        root = yaml.compose(text, Loader=TolerantLoader)
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: KeyPath) -> None:
        if id(node) in self._seen:
            return  # an alias of a node already walked: a line per path is enough, and aliases may loop
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = path + (str(key_node.value),)
                if sub in self.by_path:
                    # YAML keeps the last value; forget the lines of the one it dropped.
                    self.duplicates.append((sub, key_node.start_mark.line + 1))
                    self.by_path = {p: n for p, n in self.by_path.items() if p[: len(sub)] != sub}
                self.by_path[sub] = key_node.start_mark.line + 1
                self._walk(value_node, sub)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.by_path[path + (index,)] = item.start_mark.line + 1
                self._walk(item, path + (index,))

    def line(self, path: KeyPath) -> int:
        """The line of `path`, or of its nearest ancestor that exists (line 1 for the document)."""
        while path and path not in self.by_path:
            path = path[:-1]
        return self.by_path.get(path, 1)


def path_name(path: KeyPath) -> str:
    """A key path as written in messages: `wave.started`, `citations[0].file`."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


class YamlChecker:
    """Reads values out of the parsed document, recording a located problem for each bad one."""

    def __init__(self, file: str, data: dict[str, Any], lines: YamlLines):
        self.file, self.data, self.lines = file, data, lines
        self.problems: list[Problem] = []
        # the path a misspelt key was surely meant to be -> the problem naming it, with what follows
        self.misspelt: dict[KeyPath, Tally] = {}

    def problem(self, path: KeyPath, message: str) -> Problem:
        found = Problem(self.file, f"line {self.lines.line(path)}: {message}")
        self.problems.append(found)
        return found

    def _missing(self, path: KeyPath, message: str) -> None:
        """A required key is absent: a problem, unless a misspelt key stands for it (counted there)."""
        if path in self.misspelt:
            self.misspelt[path].count += 1
        else:
            self.problem(path, message)

    def get(self, path: KeyPath) -> Any:
        value: Any = self.data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
                value = value[part]
            else:
                return None
        return value

    def text(self, path: KeyPath, required: bool, hint: str) -> str | None:
        value = self.get(path)
        if value is None or value == "":
            if required:
                self._missing(path, f"'{path_name(path)}' is missing; add {hint}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(path, f"'{path_name(path)}' must be text; write {hint}")
            return None
        return str(value).strip()

    def key(self, path: KeyPath, required: bool, hint: str) -> str | None:
        value = self.text(path, required, hint)
        if value is not None and len(value) > MAX_ID_LENGTH:
            self.problem(
                path,
                f"'{path_name(path)}' is {len(value)} characters long; a key may have at most "
                f"{MAX_ID_LENGTH} characters, so shorten it",
            )
            return None
        if value is not None and not KEY_PATTERN.match(value):
            self.problem(path, f"'{path_name(path)}' is '{shorten(value)}', which is not a valid key; use {KEY_HINT}")
            return None
        return value

    def date(self, path: KeyPath) -> str | None:
        value = self.get(path)
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if isinstance(value, bool) or not is_iso_date(text):
            self.problem(
                path,
                f"'{path_name(path)}' is '{shorten(value)}', which is not an ISO date; "
                "write YYYY, YYYY-MM or YYYY-MM-DD",
            )
            return None
        return text

    def integer(self, path: KeyPath) -> int | None:
        value = self.get(path)
        if value is None:
            return None
        if out_of_range(value):
            self.problem(path, f"'{path_name(path)}' is '{shorten(value)}', which is out of range; {range_hint()}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"'{path_name(path)}' is '{shorten(value)}', which is not a whole number; write e.g. 1")
            return None
        return value

    def mapping(self, path: KeyPath, required: bool) -> bool:
        value = self.get(path)
        if isinstance(value, dict):
            return True
        if value is None and required:
            self._missing(path, f"'{path_name(path)}' is missing; see docs/wave-format.md for its keys")
        elif value is not None:
            self.problem(path, f"'{path_name(path)}' must be a mapping of keys; see docs/wave-format.md for its keys")
        return False

    def items(self, path: KeyPath) -> list[Any]:
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"'{path_name(path)}' must be a list, e.g. [a, b]")
            return []
        return value

    def unknown_keys(self, path: KeyPath, allowed: Collection[str]) -> None:
        value = self.get(path)
        if not isinstance(value, dict):
            return
        for key in value:
            if key not in allowed:
                where = path + (str(key),)
                meant = [
                    m for m in difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.75) if m not in value
                ]
                if meant:
                    intended = path + (meant[0],)
                    found = self.problem(
                        where, f"unknown key '{shorten(path_name(where))}'; did you mean {path_name(intended)}?"
                    )
                    fix = f"rename the key to {path_name(intended)} and validate again"
                    self.misspelt[intended] = Tally(found, "", fix)
                else:
                    allowed_keys = ", ".join(allowed)
                    self.problem(where, f"unknown key '{shorten(path_name(where))}'; allowed keys are {allowed_keys}")

    def nul_characters(self) -> None:
        """A problem for every key or text value holding a NUL character, which no engine can store."""
        seen: set[int] = set()
        pending: list[tuple[KeyPath, Any]] = [((), self.data)]
        while pending:
            path, value = pending.pop()
            if isinstance(value, str):
                if "\x00" in value:
                    self.problem(path, f"'{shorten(path_name(path))}' contains a NUL character; remove it")
                continue
            if not isinstance(value, (dict, list)) or id(value) in seen:
                continue  # aliases share their value, and may loop
            seen.add(id(value))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    self.problem(
                        path, f"a key of '{shorten(path_name(path)) or 'the file'}' contains a NUL character; remove it"
                    )
                pending.append((path + (key if isinstance(value, list) else str(key),), item))
