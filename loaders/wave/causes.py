"""Root causes first: a mistake that makes many other problems is reported with one line for them.

A file saved with semicolons cannot define its ids, so every reference to them elsewhere fails; a
misspelt `requires` leaves every reference into the required waves unresolved; an id a loaded wave
defines is not found when the package does not require that wave. Listing each of those knock-on
problems buries the one line that says what to fix. Where a problem is found that would only
follow from such a cause, it is counted against the cause (`Tally.count`) instead of listed, and
`root_causes_first` puts each cause first, followed by one line saying how many problems it
explains and what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.errors import Problem, shorten

# Which loaded waves define each of some ids (with the labels they are wanted as): (id, labels)
# pairs in, id -> wave ids out. storecheck.loaded_definers(reader) makes one from the knowledge base.
Definers = Callable[[Sequence[tuple[str, tuple[str, ...]]]], Mapping[str, tuple[str, ...]]]
MAX_ID = 200  # characters of an id quoted, as spec.MAX_ID_LENGTH (the spec is not imported here)


@dataclass
class Tally:
    """A root cause and the knock-on problems counted against it."""

    problem: Problem
    follows: str  # what the knock-on problems are, e.g. "references to ids of sites.csv"; may be empty
    fix: str  # what to do, e.g. "fix the file and validate again"
    file: str | None = None  # the file the summary line names (default: the cause's)
    count: int = 0

    def summary(self) -> Problem:
        many = self.count != 1
        what = f" ({self.follows})" if self.follows else ""
        return Problem(
            self.file or self.problem.file,
            f"{self.count} more problem{'s' if many else ''} follow{'' if many else 's'} from this{what} "
            f"and {'are' if many else 'is'} not listed; {self.fix}",
        )


def root_causes_first(problems: Iterable[Problem], tallies: Iterable[Tally]) -> list[Problem]:
    """Each cause, with its summary line when it explains others, then every other problem in order."""
    causes = list(tallies)
    placed = {id(tally.problem) for tally in causes}
    out: list[Problem] = []
    for tally in causes:
        out.append(tally.problem)
        if tally.count:
            out.append(tally.summary())
    return out + [problem for problem in problems if id(problem) not in placed]


def defined_elsewhere(problem_at: Problem, target: str, waves: tuple[str, ...], manifest: str) -> Tally:
    """The cause `target` is the first reference of: a loaded wave defines it, but the package does
    not require that wave. Further references into the same waves count against it."""
    named = ", ".join(waves)
    cause = Problem(
        problem_at.file,
        f"'{shorten(target, MAX_ID)}' is defined by loaded wave {named}; add it to requires",
        row=problem_at.row,
        column=problem_at.column,
    )
    return Tally(cause, f"references to ids of loaded wave {named}", f"add {named} to requires", file=manifest)
