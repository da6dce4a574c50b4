"""The README's list of `kb` commands, and what `kb --help` says, both read as text.

The list is the ```text block under the README heading "The `kb` command". An entry is a line that
starts with `kb` (indented lines continue it): a usage part, then two or more spaces and what the
command does. The usage part names one command or several (`kb init | kb schema`), a group's
subcommands as alternatives (`kb engine start|stop|status`), and options, with the values of a
choice option where it shows them (`--format table|csv|json`). Options named in the description
(`(--cited-by PUBLICATION_ID)`) belong to the entry too.

The help side is parsed from the real `--help` output, so these checks follow the commands as they
are, whatever their code looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_COMMAND = re.compile(r"(?:^|\|\s*)kb ([a-z][a-z-]*)(?: ([a-z][a-z|-]*)(?=\s|$))?")
_OPTION = re.compile(r"(--[a-z][a-z-]*)(?: ([a-z0-9]+(?:\|[a-z0-9]+)*)(?=[\s\]),]|$))?")
_HELP_OPTION = re.compile(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)(?: \[([^\]]+)\])?", re.M)


@dataclass
class Entry:
    """One entry of the README's command list."""

    line: int
    text: str
    commands: list[str] = field(default_factory=list)
    subcommands: dict[str, list[str]] = field(default_factory=dict)  # group -> listed subcommands
    options: dict[str, list[str]] = field(default_factory=dict)  # option -> values shown for it


def command_list_block(readme: Path) -> tuple[int, list[str]]:
    """The 1-based line of the block's first line, and its lines."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    heading = lines.index("## The `kb` command")
    start = next(i for i in range(heading, len(lines)) if lines[i].strip() == "```text") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "```")
    return start + 1, lines[start:end]


def _usage_part(line: str) -> str:
    return re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]


def entries(readme: Path) -> list[Entry]:
    first, lines = command_list_block(readme)
    found: list[Entry] = []
    for offset, line in enumerate(lines):
        if line.startswith("kb "):
            entry = Entry(first + offset, line)
            for match in _COMMAND.finditer(_usage_part(line)):
                entry.commands.append(match.group(1))
                if match.group(2):
                    entry.subcommands[match.group(1)] = match.group(2).split("|")
            found.append(entry)
        elif line.strip() and found:
            found[-1].text += " " + line.strip()
        elif line.strip():
            raise ValueError(f"README.md:{first + offset}: the command list must start with a `kb` line")
    for entry in found:
        for match in _OPTION.finditer(entry.text):
            values = entry.options.setdefault(match.group(1), [])
            values += match.group(2).split("|") if match.group(2) else []
    return found


@dataclass(frozen=True)
class Help:
    """What a command's --help lists: its subcommands (for a group) and options with their choices."""

    commands: tuple[str, ...]
    options: dict[str, tuple[str, ...]]


def parse_help(text: str) -> Help:
    commands: list[str] = []
    if "\nCommands:\n" in text:
        section = text.split("\nCommands:\n", 1)[1]
        commands = [match.group(1) for match in re.finditer(r"^  (\S+)", section, re.M)]
    options_text = text.split("\nOptions:\n", 1)[1].split("\nCommands:\n", 1)[0] if "\nOptions:\n" in text else ""
    options = {
        match.group(1): tuple(match.group(2).split("|")) if match.group(2) and "|" in match.group(2) else ()
        for match in _HELP_OPTION.finditer(options_text)
    }
    return Help(tuple(commands), options)
