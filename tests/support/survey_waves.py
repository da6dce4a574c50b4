"""Three survey waves of one fictional board (study n03), written as wave packages for the tests.

Site A's board and its stakeholders are defined once, in n03-w1; each later wave requires n03-w1
and brings only its own ties (and, for the panel, each participant's values in that wave):

    n03-w1 (2014)  a star: Leaf 1 and Leaf 2 name Centre, who names Leaf 3 and Leaf 4
    n03-w2 (2016)  a path: Leaf 1 - Leaf 2 - Centre - Leaf 3 - Leaf 4 (each names the next);
                   Leaf 1 and Leaf 3 leave the board, Leaf 2 joins it (participant_observations.csv)
    n03-w3 (2018)  one tie: Centre names Leaf 1

The expected measures are worked out by hand in the tests that use these waves.
"""

from __future__ import annotations

from pathlib import Path

from loaders.wave.build import write_manifest, write_table

STUDY = {"id": "n03", "title": "Network study 03: one board surveyed three times"}
SITE = "n03:site:a"
CENTRE, LEAF1, LEAF2, LEAF3, LEAF4 = (f"n03:person:{key}" for key in ("centre", "leaf1", "leaf2", "leaf3", "leaf4"))
PEOPLE = {
    CENTRE: ("Centre", "gp", True),
    LEAF1: ("Leaf 1", "gp", True),
    LEAF2: ("Leaf 2", "practice_manager", False),
    LEAF3: ("Leaf 3", "nurse", True),
    LEAF4: ("Leaf 4", "gp", False),
}
STAR = [(LEAF1, CENTRE), (LEAF2, CENTRE), (CENTRE, LEAF3), (CENTRE, LEAF4)]
PATH = [(LEAF1, LEAF2), (LEAF2, CENTRE), (CENTRE, LEAF3), (LEAF3, LEAF4)]
PAIR = [(CENTRE, LEAF1)]
# In n03-w2: Leaf 1 and Leaf 3 are no longer board members, Leaf 2 now is.
PANEL = {LEAF1: False, LEAF2: True, LEAF3: False}
WAVES = {
    "n03-w1": {"phase": 1, "started": "2014-01", "ended": "2014-03"},
    "n03-w2": {"phase": 2, "started": "2016-01", "ended": "2016-03"},
    "n03-w3": {"phase": 3, "started": "2018-01", "ended": "2018-02"},
}


def _ties(folder: Path, ties: list[tuple[str, str]], sheet: str) -> None:
    rows = [
        {"respondent": a, "alter": b, "relation": "advice", "locator": f"{sheet}, tie {i}"}
        for i, (a, b) in enumerate(ties, 1)
    ]
    write_table(folder, "advice_ties.csv", rows)


def _manifest(folder: Path, wave: str, title: str, requires: list[str]) -> None:
    manifest = {"format": 1, "study": STUDY, "wave": {"id": wave, "title": title, **WAVES[wave]}}
    write_manifest(folder, {**manifest, **({"requires": requires} if requires else {})})


def first_wave(folder: Path) -> Path:
    """n03-w1: the site, its five participants with their board seats, and the star."""
    _manifest(folder, "n03-w1", "First board survey", [])
    write_table(folder, "sites.csv", [{"id": SITE, "name": "Site A", "kind": "ccg", "locator": "survey sites"}])
    people = [
        {"id": pid, "name": name, "role": role, "site": SITE, "board_member": board, "locator": "respondents"}
        for pid, (name, role, board) in PEOPLE.items()
    ]
    write_table(folder, "participants.csv", people)
    _ties(folder, STAR, "first survey")
    return folder


def second_wave(folder: Path) -> Path:
    """n03-w2: the path, and the board seats that changed."""
    _manifest(folder, "n03-w2", "Second board survey", ["n03-w1"])
    panel = [
        {"participant": pid, "board_member": board, "locator": "second survey, board"} for pid, board in PANEL.items()
    ]
    write_table(folder, "participant_observations.csv", panel)
    _ties(folder, PATH, "second survey")
    return folder


def third_wave(folder: Path) -> Path:
    """n03-w3: Centre names Leaf 1."""
    _manifest(folder, "n03-w3", "Third board survey", ["n03-w1"])
    _ties(folder, PAIR, "third survey")
    return folder


def all_waves(root: Path) -> list[Path]:
    """The three packages under `root`, in load order."""
    return [first_wave(root / "w1"), second_wave(root / "w2"), third_wave(root / "w3")]
