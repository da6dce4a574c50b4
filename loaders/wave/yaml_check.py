"""Reading a parsed YAML document with located problems: line numbers by key path, typed getters.

Generic over documents; the manifest's own rules live in manifest.py.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from kb.errors import Problem
from loaders.wave.values import is_iso_date

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KEY_HINT = "letters, digits, '.', '_' or '-', starting with a letter or digit (no ':' or spaces)"


class YamlLines:
    """Line numbers of the keys and list items of a YAML document, by path, plus duplicate keys."""

    def __init__(self, text: str):
        self.by_path: dict[tuple, int] = {}
        self.duplicates: list[tuple[tuple, int]] = []
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple) -> None:
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

    def line(self, path: tuple) -> int:
        """The line of `path`, or of its nearest ancestor that exists (line 1 for the document)."""
        while path and path not in self.by_path:
            path = path[:-1]
        return self.by_path.get(path, 1)


def path_name(path: tuple) -> str:
    """A key path as written in messages: `wave.started`, `citations[0].file`."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


class YamlChecker:
    """Reads values out of the parsed document, recording a located problem for each bad one."""

    def __init__(self, file: str, data: dict, lines: YamlLines):
        self.file, self.data, self.lines = file, data, lines
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {self.lines.line(path)}: {message}"))

    def get(self, path: tuple) -> Any:
        value: Any = self.data
        for part in path:
            if not isinstance(value, (dict, list)):
                return None
            value = value.get(part) if isinstance(value, dict) else value[part]
        return value

    def text(self, path: tuple, required: bool, hint: str) -> str | None:
        value = self.get(path)
        if value is None or value == "":
            if required:
                self.problem(path, f"'{path_name(path)}' is missing; add {hint}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(path, f"'{path_name(path)}' must be text; write {hint}")
            return None
        return str(value).strip()

    def key(self, path: tuple, required: bool, hint: str) -> str | None:
        value = self.text(path, required, hint)
        if value is not None and not KEY_PATTERN.match(value):
            self.problem(path, f"'{path_name(path)}' is '{value}', which is not a valid key; use {KEY_HINT}")
            return None
        return value

    def date(self, path: tuple) -> str | None:
        value = self.get(path)
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if isinstance(value, bool) or not is_iso_date(text):
            self.problem(path, f"'{path_name(path)}' is '{value}', which is not an ISO date; write YYYY, YYYY-MM or YYYY-MM-DD")
            return None
        return text

    def integer(self, path: tuple) -> int | None:
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"'{path_name(path)}' is '{value}', which is not a whole number; write e.g. 1")
            return None
        return value

    def mapping(self, path: tuple, required: bool) -> bool:
        value = self.get(path)
        if isinstance(value, dict):
            return True
        if value is not None or required:
            shape = "is missing" if value is None else "must be a mapping of keys"
            self.problem(path, f"'{path_name(path)}' {shape}; see docs/wave-format.md for its keys")
        return False

    def items(self, path: tuple) -> list:
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"'{path_name(path)}' must be a list, e.g. [a, b]")
            return []
        return value

    def unknown_keys(self, path: tuple, allowed) -> None:
        value = self.get(path)
        if not isinstance(value, dict):
            return
        for key in value:
            if key not in allowed:
                self.problem(path + (str(key),), f"unknown key '{path_name(path + (str(key),))}'; allowed keys are {', '.join(allowed)}")
