"""The synthetic world as pure functions of (seed, index): nothing is stored, so memory stays flat.

Files of a package refer to each other (a participant's organisation, the speaker of a segment,
the role that speaker has). Rather than remembering what was written, every attribute that more
than one file needs is recomputed from a hash of the seed and the entity's index, so each file
can be written row by row, in any order, and always agrees with the others.

Layout: entity i of a per-site kind belongs to site i % sites. The organisations of site s are
therefore s, s + sites, s + 2 x sites, ..., which lets a row pick "an organisation of my site"
without a lookup table.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate

from kb.synth.plan import STUDY_ID, Plan

ROLE_WEIGHTS = {
    "gp": 30,
    "practice_manager": 15,
    "manager": 15,
    "nurse": 10,
    "hospital": 8,
    "pct_employee": 6,
    "patient_representative": 5,
    "local_authority": 5,
    "other": 6,
}
BOARD_ROLE_WEIGHTS = {
    "gp": 55,
    "manager": 15,
    "nurse": 8,
    "hospital": 8,
    "patient_representative": 6,
    "local_authority": 6,
    "other": 2,
}


def unit(seed: int, *parts: object) -> float:
    """A uniform number in [0, 1) fixed by the seed and the parts (the same on every machine)."""
    text = "|".join(str(p) for p in (seed, *parts)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") / 2.0**64


def stream(seed: int, name: str) -> random.Random:
    """A random stream of its own per file, so one file's draws never shift another's."""
    return random.Random(f"{seed}:{name}")


class Weighted:
    """Pick from weighted choices with a number in [0, 1)."""

    def __init__(self, weights: Mapping[str, float]):
        self.choices: Sequence[str] = tuple(weights)
        total = sum(weights.values())
        self.bounds = tuple(x / total for x in accumulate(weights.values()))

    def pick(self, u: float) -> str:
        return self.choices[min(bisect_right(self.bounds, u), len(self.choices) - 1)]


_ROLES = Weighted(ROLE_WEIGHTS)
_BOARD_ROLES = Weighted(BOARD_ROLE_WEIGHTS)


def ident(kind: str, number: int, width: int) -> str:
    """A namespaced id of the synthetic study, e.g. syn:site:0017."""
    return f"{STUDY_ID}:{kind}:{number:0{width}d}"


class World:
    """Derived attributes of the entities of one plan."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.seed = plan.seed

    # -- sites -------------------------------------------------------------------------------
    def site_id(self, s: int) -> str:
        return ident("site", s + 1, 4)

    def site_name(self, s: int) -> str:
        return f"Synthetic CCG {s + 1:03d}"

    def members(self, total: int, s: int) -> int:
        """How many of `total` per-site entities belong to site s (entity i is in site i % sites)."""
        sites = self.plan.sites
        return 0 if s >= total else (total - s + sites - 1) // sites

    def board_size(self, s: int) -> int:
        return min(10 + int(unit(self.seed, "board", s) * 11), self.members(self.plan.participants, s))

    # -- organisations ----------------------------------------------------------------------
    def organisation_id(self, o: int) -> str:
        return ident("org", o + 1, 6)

    def organisation_of_site(self, s: int, u: float) -> int:
        """An organisation of site s chosen by u in [0, 1)."""
        return s + self.plan.sites * int(u * self.members(self.plan.organisations, s))

    # -- participants -----------------------------------------------------------------------
    def participant_id(self, j: int) -> str:
        return ident("person", j + 1, 7)

    def participant_of_site(self, s: int, u: float) -> int:
        return s + self.plan.sites * int(u * self.members(self.plan.participants, s))

    def is_board_member(self, j: int) -> bool:
        return j // self.plan.sites < self.board_size(j % self.plan.sites)

    def role(self, j: int) -> str:
        table = _BOARD_ROLES if self.is_board_member(j) else _ROLES
        return table.pick(unit(self.seed, "role", j))

    def ties_of(self, j: int) -> int:
        """How many advice ties participant j names; the plan's total exactly, spread unevenly.

        Everyone starts from the mean; pairs (2k, 2k+1) then trade a random amount, so some name
        twice the mean and some none (they did not answer the survey), and the sum is unchanged.
        """
        people, total = self.plan.participants, self.plan.advice_ties
        base, extra = divmod(total, people)
        degree = base + (1 if j < extra else 0)
        pair = j // 2
        if 2 * pair + 1 >= people:
            return degree
        swing = int(unit(self.seed, "swing", pair) * (base + 1))
        return degree + swing if j % 2 == 0 else degree - swing

    # -- initiatives and themes -------------------------------------------------------------
    def initiative_id(self, i: int) -> str:
        return ident("initiative", i + 1, 4)

    def initiative_of_site(self, s: int, u: float) -> int | None:
        count = self.members(self.plan.initiatives, s)
        return s + self.plan.sites * int(u * count) if count else None

    def theme_id(self, t: int) -> str:
        return ident("theme", t + 1, 4)

    def top_themes(self) -> int:
        return max(1, self.plan.themes // 20)
