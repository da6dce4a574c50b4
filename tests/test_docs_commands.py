"""README's list of `kb` commands names exactly the commands `kb --help` lists, with real options.

Both sides are text: the README block as written and the help as the command prints it, so adding,
renaming or removing a command or an option without updating the README fails here.
"""

from __future__ import annotations

import functools

import pytest

from support.cli import run_kb
from support.command_list import Help, entries, parse_help
from support.paths import REPO

README = REPO / "README.md"
ENTRIES = entries(README)


@functools.cache
def help_of(*path: str) -> Help:
    done = run_kb(*path, "--help")
    assert done.exit_code == 0, str(done)
    return parse_help(done.stdout)


def _documented_options():
    for entry in ENTRIES:
        for command in entry.commands:
            for sub in entry.subcommands.get(command, [None]):
                path = (command,) if sub is None else (command, sub)
                for option, values in entry.options.items():
                    yield pytest.param(path, option, values, id=f"kb {' '.join(path)} {option}")


def test_the_list_is_found_and_read():
    assert len(ENTRIES) >= 10
    assert all(entry.commands for entry in ENTRIES), [e.text for e in ENTRIES if not e.commands]


def test_the_list_names_exactly_the_commands_kb_help_lists():
    listed = sorted({command for entry in ENTRIES for command in entry.commands})
    assert listed == sorted(help_of().commands)


def test_each_group_shows_exactly_its_subcommands():
    shown = {group: sorted(subs) for entry in ENTRIES for group, subs in entry.subcommands.items()}
    groups = {command: sorted(help_of(command).commands) for command in help_of().commands if help_of(command).commands}
    assert shown == groups


@pytest.mark.parametrize(("path", "option", "values"), list(_documented_options()))
def test_each_documented_option_exists_with_the_values_shown(path, option, values):
    options = help_of(*path).options
    assert option in options, f"README says `kb {' '.join(path)}` takes {option}; its --help lists {sorted(options)}"
    if options[option]:
        assert set(values) <= set(options[option]), f"{option} takes {options[option]}, README shows {values}"


def test_the_parser_reads_alternatives_groups_and_choices():
    sample = REPO / "README.md"
    by_command = {command: entry for entry in entries(sample) for command in entry.commands}
    assert by_command["init"] is by_command["schema"]
    assert by_command["engine"].subcommands == {"engine": ["start", "stop", "status"]}
    assert by_command["load"].options.keys() >= {"--cited-by", "--study", "--wave"}
    assert parse_help("Usage: x\n\nOptions:\n  --format [a|b]  [default: a]\n  -h, --help  Show.\n").options == {
        "--format": ("a", "b"),
        "--help": (),
    }
