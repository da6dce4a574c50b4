"""Honest gaps: sentences naming what a chart or list leaves out because nothing was published or
recorded for it, so that a missing site never reads as a site with nothing."""

from __future__ import annotations

import pandas as pd

from ui import vocabulary


def without_value(frame: pd.DataFrame, category: str, measure: str) -> list[str]:
    """The categories (e.g. sites) that have no value of `measure`, in the order they appear."""
    present = set(frame.loc[frame[measure].notna(), category])
    return [c for c in dict.fromkeys(frame[category]) if c not in present]


def no_value_note(missing: list[str], measure: str) -> str:
    """A chart's note on the categories it cannot show: empty when it shows them all."""
    if not missing:
        return ""
    return f"No published value of {vocabulary.column_title(measure).lower()} for {', '.join(missing)}."


def unlisted_note(listed: int, total: int, what: str, why: str) -> str:
    """A list's note on the items it leaves out: `listed` of `total` are shown and the rest lack `why`."""
    missing = total - listed
    if missing <= 0:
        return ""
    return (
        f"{listed} of the {total} {what} loaded have {why} recorded; the other {missing} have none, "
        "so they are not listed here."
    )
