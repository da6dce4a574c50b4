"""Survey network measures, written with the wave when it has advice ties, in the same atomic unit.

For every site whose participants reported ADVISED_BY ties in the wave (a participant's site is
its AT relationship), the site's survey network of that wave (the ties and the people and
organisations they name) is measured with kb.sna's definitions. kb.network reads the networks of
all the wave's sites in a few queries (or takes the ties from the loader, which has them in
memory) and kb.sna_fast measures them in C, site by site: a national survey of 211 sites and
400,000 ties takes seconds, which the loader spends in a worker process while it writes the
wave's other relationships (start_measures, then write_measures; docs/decisions.md).

Every value is the wave's own and sits on a relationship of that wave, never on a node, so a
later wave adds its measures beside an earlier one's and unloading a wave takes only its own:

- each Participant of the site that is in the network gets, on its
  (Participant)-[:OBSERVED_IN]->(Wave) relationship for the wave, `degree` (distinct contacts),
  `betweenness` and `closeness` (networkx defaults: normalised, on the undirected view) and
  `brokerage` (its Gould-Fernandez brokerage roles, all five summed). The relationship is the one
  participant_observations.csv made for the wave, or is created (with `source` SUMMARY_SOURCE).
- the site's (Site)-[:OBSERVED_IN]->(Wave) relationship for the wave gets `survey_ties` and
  `survey_size` (the network's ties and its people and organisations) and, when the site has
  board members in the wave, `survey_ties_total` (distinct contacts of the board outside it),
  `survey_board_density` (density among the board members, ties in either direction; absent for
  a board of one) and `survey_ties_by_type` (JSON text: participant role or organisation type id
  -> contacts). The relationship is created when site_observations.csv has no row for the site.

Board membership and role are a participant's values in the wave: its participant_observations.csv
row for the wave where that gives them, else what participants.csv defined.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kb.network import GivenTies, WaveNetworks, read_given_ties, read_wave_networks
from kb.schema import label, rel_type
from kb.sna import SiteNetwork, board_summary
from kb.sna_fast import IndexedNetwork, brokerage, centralities, degrees, group_numbers
from kb.store.base import Writer

MEASURE_DOCS = {
    "degree": "int: distinct people and organisations the participant is tied to, in either direction",
    "betweenness": "float: betweenness centrality, normalised (1.0 for the centre of a star)",
    "closeness": "float: closeness centrality, normalised",
    "brokerage": "int: Gould-Fernandez brokerage, all five roles summed (paths a → participant → c with no tie a → c)",
}
SUMMARY_DOCS = {
    "survey_ties": "int: distinct ties (respondent → person or organisation named) of the site's network in the wave",
    "survey_size": "int: people and organisations in the site's network in the wave",
    "survey_ties_total": "int: distinct contacts of the board outside the board",
    "survey_board_density": "float: density of the ties among the board members (absent for a board of one)",
    "survey_ties_by_type": "text: JSON object of contacts outside the board per participant role or organisation "
    'type id, e.g. `{"gp": 2, "vocab:orgtype:pct": 1}`',
}
MEASURE_PROPERTIES = tuple(MEASURE_DOCS)
SUMMARY_PROPERTIES = tuple(SUMMARY_DOCS)
SUMMARY_SOURCE = "advice_ties.csv (network measures)"
SUMMARY_LOCATOR = "computed by the loader from the wave's advice_ties.csv"
Progress = Callable[[int, int, str], None]
BATCH_SIZE = 5000  # rows per UNWIND write
# The relationship types the measures read (a participant's site, its values in the wave, an
# organisation's type): start_measures needs them written, the others may still be on their way.
READ_TYPES = frozenset({"AT", "OBSERVED_IN", "OF_TYPE"})

_P, _SITE, _WAVE, _OBSERVED_IN = label("Participant"), label("Site"), label("Wave"), rel_type("OBSERVED_IN")


def _merge_observation(start: str, properties: Iterable[str]) -> str:
    """MERGE the start node's OBSERVED_IN to the wave `$wave` and set `properties` from the row.

    A row is a list, the start node's id then the properties' values in order, and what every row
    shares (wave, source, locator) is a parameter once: the client sends the rows inside the
    statement's text, and named maps repeating those strings made the text three times longer.
    """
    values = ", ".join(f"o.{name} = row[{i}]" for i, name in enumerate(properties, start=1))
    return (
        f"MATCH (w:{_WAVE} {{id: $wave}}) UNWIND $rows AS row MATCH (n:{start} {{id: row[0]}}) "
        f"MERGE (n)-[o:{_OBSERVED_IN}]->(w) "
        "ON CREATE SET o.wave = $wave, o.source = $source, o.locator = $locator "
        f"SET {values}"
    )


WRITE_MEASURES = _merge_observation(_P, MEASURE_PROPERTIES)
WRITE_SUMMARY = _merge_observation(_SITE, SUMMARY_PROPERTIES)
Row = dict[str, Any]


@dataclass(frozen=True)
class Measured:
    """What writing the measures did, and the values written (for the load's report)."""

    participants: int = 0  # Participants given measures
    sites: int = 0  # Sites given a survey summary
    observations_created: int = 0  # OBSERVED_IN relationships created because the package made none
    # (start label, start id) -> the properties the measures set on its OBSERVED_IN to the wave;
    # empty unless asked for (`keep_values`: an update compares them, a new wave's report does not)
    values: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"participants": self.participants, "sites": self.sites}


def _provenance(row: Row) -> Row:
    row.update(source=SUMMARY_SOURCE, locator=SUMMARY_LOCATOR)
    return row


def _site_rows(site: str, wave: str, networks: WaveNetworks) -> tuple[list[Row], Row]:
    """The measures of the site's participants in its network, and the site's summary row."""
    ties, groups = networks.ties[site], networks.groups
    respondents, alters = zip(*ties, strict=True)
    nodes = sorted(set(respondents).union(alters))
    position = dict(zip(nodes, range(len(nodes)), strict=True))
    network = IndexedNetwork.from_arrays(
        len(nodes),
        np.fromiter(map(position.__getitem__, respondents), np.int64),
        np.fromiter(map(position.__getitem__, alters), np.int64),
    )
    degree, (betweenness, closeness) = degrees(network).tolist(), (m.tolist() for m in centralities(network))
    brokered = brokerage(network, group_numbers(groups.get(node) for node in nodes)).sum(axis=1).tolist()
    participants = networks.participants.get(site, [])
    measured = sorted(position[p.id] for p in participants if p.id in position)
    people = [
        _provenance(
            {
                "id": nodes[i],
                "wave": wave,
                "degree": degree[i],
                "betweenness": betweenness[i],
                "closeness": closeness[i],
                "brokerage": brokered[i],
            }
        )
        for i in measured
    ]
    summary = board_summary(site, [p.id for p in participants if p.board_member], ties, groups)
    return people, _summary_row(summary, wave, len(network.sources), len(nodes))


def _summary_row(summary: SiteNetwork, wave: str, ties: int, size: int) -> Row:
    board = summary.board_size > 0
    return _provenance(
        {
            "id": summary.site,
            "wave": wave,
            "survey_ties": ties,
            "survey_size": size,
            "survey_ties_total": summary.total_ties if board else None,
            "survey_board_density": summary.board_density,
            "survey_ties_by_type": json.dumps(summary.ties_by_group, sort_keys=True) if board else None,
        }
    )


def measure_networks(networks: WaveNetworks, on_progress: Progress | None = None) -> tuple[list[Row], list[Row]]:
    """The measures of every participant in a site's network and each site's summary, as the rows
    measure_wave writes (`id`, `wave`, provenance and the values); `on_progress(done, total,
    'measures')` after each site. The benchmark's bulk-loader files take the same rows."""
    sites = sorted(networks.ties)
    people: list[Row] = []
    summaries: list[Row] = []
    for done, site in enumerate(sites, start=1):
        site_people, summary = _site_rows(site, networks.wave, networks)
        people += site_people
        summaries.append(summary)
        if on_progress:
            on_progress(done, len(sites), "measures")
    return people, summaries


def measured_values(rows: list[Row], start: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(start label, id) -> the values a row of measure_networks sets, those that are known."""
    properties = MEASURE_PROPERTIES if start == "Participant" else SUMMARY_PROPERTIES
    return _listed_values(_as_lists(rows, properties), start, properties)


def _listed_values(
    rows: list[list[Any]], start: str, properties: tuple[str, ...]
) -> dict[tuple[str, str], dict[str, Any]]:
    """measured_values of rows as `_as_lists` makes them."""
    return {(start, row[0]): {k: v for k, v in zip(properties, row[1:], strict=True) if v is not None} for row in rows}


def _as_lists(rows: list[Row], properties: tuple[str, ...]) -> list[list[Any]]:
    """The rows as WRITE_MEASURES and WRITE_SUMMARY take them: the id, then the values in order."""
    return [[row["id"], *(row[name] for name in properties)] for row in rows]


class PendingMeasures:
    """The measures of a wave's ties, being computed while the caller writes the rest of the wave.

    Where there is a second core, a forked worker process reads what they need (on a connection
    of its own: the wave's nodes and READ_TYPES relationships, every command writing them answered
    before this is made; the writer adds only other types meanwhile), places the ties under their
    sites and does the igraph work, so all of it overlaps the writer packing the wave's other
    relationships, and `rows()` waits for them. Without a
    worker (one core, no fork) what they need is read when this is made (`start_measures`); then,
    or when the worker fails, `rows()` computes them in this process: the same functions on the
    same input, so the values are the same either way.
    """

    def __init__(self, read: Callable[[], GivenTies], in_worker: bool):
        self.read = read
        self.given: GivenTies | None = None
        self.worker: tuple[Any, Any] | None = None
        if in_worker and _can_fork():
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_measure_in_worker, args=(read, send), daemon=True)
            with warnings.catch_warnings():
                # Python 3.12 warns on any fork of a process with threads (pyarrow's pool): a lock
                # another thread holds stays held in the child. The worker takes none of theirs:
                # it computes with numpy and igraph, prints nothing and leaves by its pipe.
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                process.start()
            send.close()
            self.worker = (process, receive)
        else:
            self.given = read()

    def rows(self, on_progress: Progress | None = None) -> tuple[list[list[Any]], list[Row]]:
        """The participants' rows of measure_networks as WRITE_MEASURES takes them (`_as_lists`:
        the id, then MEASURE_PROPERTIES' values; 40,000 dictionaries took 16 MB of the load's peak
        as they came from the worker) and the sites' rows; `on_progress` after each site."""
        result = self._from_worker()
        if result is None:
            given, self.given = self.given or self.read(), None
            return _people_listed(measure_networks(given.networks(), on_progress))
        people, summaries = result
        if on_progress:
            for done in range(1, len(summaries) + 1):
                on_progress(done, len(summaries), "measures")
        return people, summaries

    def cancel(self) -> None:
        """Stop the worker, if it is still running: the load failed before it needed the rows."""
        if self.worker is not None:
            (process, receive), self.worker = self.worker, None
            process.kill()
            process.join()
            receive.close()

    def _from_worker(self) -> tuple[list[list[Any]], list[Row]] | None:
        if self.worker is None:
            return None
        (process, receive), self.worker = self.worker, None
        try:
            result = receive.recv()  # before join: the rows fill the pipe
        except EOFError:  # the worker died without a word (killed, out of memory): compute here
            result = None
        finally:
            receive.close()
            process.join()
        return result if isinstance(result, tuple) else None


def _can_fork() -> bool:
    # fork is Linux's default and safe here (the worker only computes); macOS's frameworks are not
    # fork-safe, and a second process on one core would only take turns with the writer.
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


def _measure_in_worker(read: Callable[[], GivenTies], send: Any) -> None:
    """The worker: read, compute and send the rows; any failure sends None (the parent computes them)."""
    # The fork copied the parent's objects, pyarrow's buffers among them; a collection here could
    # free one through Arrow's allocator, whose lock a thread of the parent may have held at the
    # fork. The worker frees only what it makes itself (by reference counts), so it collects nothing.
    gc.disable()
    try:
        result: Any = _people_listed(measure_networks(read().networks()))
    except Exception:  # noqa: BLE001 -- the parent computes the rows again and raises what it finds
        result = None
    try:
        send.send(result)
    except OSError:  # the parent stopped waiting (cancel): nobody needs the rows
        pass
    finally:
        send.close()


def start_measures(
    w: Writer, wave_id: str, ties: Callable[[], Iterable[tuple[str, str]]], in_worker: bool = True
) -> PendingMeasures:
    """Read what the measures of the ties `ties()` gives (every ADVISED_BY tie of `wave_id`, as
    (respondent, alter) ids) need, and start computing them. The graph must already hold the wave's
    nodes and its relationships of READ_TYPES; the ties themselves are never read back."""
    return PendingMeasures(lambda: read_given_ties(w, wave_id, ties()), in_worker)


def write_measures(
    w: Writer,
    wave_id: str,
    pending: PendingMeasures,
    on_progress: Progress | None = None,
    *,
    keep_values: bool = True,
) -> Measured:
    """Write the measures `pending` computes on the wave's OBSERVED_IN relationships;
    `on_progress(done, total, 'measures')` after each site. `keep_values`: whether the result
    holds the values written (`Measured.values`), which only an update's comparison reads."""
    return _write(w, wave_id, *pending.rows(on_progress), keep_values=keep_values)


def _people_listed(rows: tuple[list[Row], list[Row]]) -> tuple[list[list[Any]], list[Row]]:
    people, summaries = rows
    return _as_lists(people, MEASURE_PROPERTIES), summaries


def _write(
    w: Writer, wave_id: str, people: list[list[Any]], summaries: list[Row], *, keep_values: bool = True
) -> Measured:
    """`people` as `_as_lists` makes them, `summaries` as measure_networks does."""
    shared = {"wave": wave_id, "source": SUMMARY_SOURCE, "locator": SUMMARY_LOCATOR}
    summary_lists = _as_lists(summaries, SUMMARY_PROPERTIES)
    created = w.run_batches(WRITE_MEASURES, people, BATCH_SIZE, params=shared)["relationships_created"]
    created += w.run_batches(WRITE_SUMMARY, summary_lists, BATCH_SIZE, params=shared)["relationships_created"]
    values: dict[tuple[str, str], dict[str, Any]] = {}
    if keep_values:
        values = _listed_values(people, "Participant", MEASURE_PROPERTIES)
        values.update(_listed_values(summary_lists, "Site", SUMMARY_PROPERTIES))
    return Measured(len(people), len(summaries), created, values)


def measure_wave(
    w: Writer, wave_id: str, on_progress: Progress | None = None, ties: Iterable[tuple[str, str]] | None = None
) -> Measured:
    """Measure every site whose participants reported ties in `wave_id` (just written in `w`) and
    write the results on the wave's OBSERVED_IN relationships; `on_progress(done, total, 'measures')`
    after each site (a national survey takes a while).

    `ties`: the wave's ADVISED_BY ties as (respondent, alter) ids, all of them, when the caller has
    them in memory; they are then not read back (at national scale, about 1.5 s of 6).
    """
    if ties is not None:
        given = ties  # a name of its own, which the lambda sees as not None
        return write_measures(w, wave_id, start_measures(w, wave_id, lambda: given, in_worker=False), on_progress)
    return _write(w, wave_id, *_people_listed(measure_networks(read_wave_networks(w, wave_id), on_progress)))
