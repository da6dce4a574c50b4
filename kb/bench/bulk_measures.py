"""The survey network measures `kb load` writes with a wave, computed from the package's own files.

The loader measures every site's survey network after writing the wave (loaders.wave.measures)
and puts the values on (Participant)-[:OBSERVED_IN]->(Wave) and (Site)-[:OBSERVED_IN]->(Wave),
creating the relationship when the package made none: at national scale about one relationship
per participant in a network. The bulk loader's graph must hold them too, or the reference
writes fewer elements than the loader. The networks are built here as kb.network builds them in
the knowledge base (a participant's site is its `site` cell, its role and board membership its
participant_observations.csv row where the package has one), and measured by the loader's own
code, so the values are the loader's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.bench.package_rows import typed_rows
from kb.network import WaveNetworks
from kb.sna import NetworkNode
from loaders.wave.measures import measure_networks, measured_values
from loaders.wave.package import SPECS

Measured = dict[tuple[str, str], dict[str, Any]]  # (start label, id) -> the values set on its OBSERVED_IN


def _typed_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The file's typed rows; none when the package has no such file."""
    if path.is_file():
        yield from (values for _, values in typed_rows(path, SPECS[path.name]))


def package_networks(package: Path, wave: str) -> WaveNetworks:
    """The survey networks of the package's sites in `wave`, from its CSV files."""
    in_wave = {row["participant"]: row for row in _typed_rows(package / "participant_observations.csv")}
    participants: dict[str, list[NetworkNode]] = {}
    groups: dict[str, str | None] = {}
    site_of: dict[str, str] = {}
    for row in _typed_rows(package / "participants.csv"):
        seen = in_wave.get(row["id"], {})
        role = seen.get("role") or row.get("role")
        board = seen.get("board_member") if seen.get("board_member") is not None else row.get("board_member")
        groups[row["id"]] = role
        if row.get("site"):
            site_of[row["id"]] = row["site"]
            node = NetworkNode(row["id"], "participant", role, row["site"], bool(board), row.get("name"))
            participants.setdefault(row["site"], []).append(node)
    for row in _typed_rows(package / "organisations.csv"):
        groups[row["id"]] = row.get("type")
    ties: dict[str, list[tuple[str, str]]] = {}
    for row in _typed_rows(package / "advice_ties.csv"):
        site = site_of.get(row["respondent"])
        if site is not None:
            ties.setdefault(site, []).append((row["respondent"], row["alter"]))
    return WaveNetworks(wave, ties, {site: participants[site] for site in ties}, groups)


def package_measures(package: Path, wave: str) -> Measured:
    """What the loader's measures set on each participant's and site's OBSERVED_IN to `wave`."""
    people, summaries = measure_networks(package_networks(package, wave))
    measured = measured_values(people, "Participant")
    measured.update(measured_values(summaries, "Site"))
    return measured
