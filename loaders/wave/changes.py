"""What a load changed, element by element: created, updated and removed per label and type.

An update writes the new version of a wave by removing the loaded one and writing the package
again, inside one unit; what that changed is found by comparison, not from what was written. The
previous version's elements are read once, before they are removed, as keys (a node's label and
id; a relationship's type and the ids of its ends) each with a fingerprint of the properties
(`read_previous`); the new version's come from the rows the load has just written, in memory
(`planned`). An element whose key is only in the new version was created, only in the previous one
removed, in both with another fingerprint updated; a one-cell correction is one updated element.

Not changes: what a load records about itself on its Wave (status, when, the source hash, counts,
history), which waves co-own an entity (`waves`), an entity the wave shares with another (it was
there before and stays), and a link that passes to the entity's other wave when this one lets go of
it (remove.py). Decimals are compared with a tolerance (a relative 1e-12): a double read back
from the embedded engine may differ from the one written in its last digits.

The citation subgraph (works, authors, CITES, AUTHORED_BY, POSSIBLY_SAME) is resolved again as a
whole by every reference list loaded, so it is compared as a whole, before and after
(`read_citations`): every work, author and authorship a wave's lists bring is counted.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.schema import label, label_names, rel_names, rel_type
from loaders.report import Changes
from loaders.wave import pairs, tallies
from loaders.wave.measures import MEASURE_PROPERTIES, SUMMARY_LOCATOR, SUMMARY_PROPERTIES, SUMMARY_SOURCE, Measured
from loaders.wave.plan import ATTACHED_VALUES, WritePlan
from loaders.wave.spec import NODE_FILES, REL_FILES
from loaders.wave.storecheck import Reader

CITATION_LABELS = ("Work", "Author")
CITATION_TYPES = ("CITES", "AUTHORED_BY", "POSSIBLY_SAME")
# what a load sets on its own Wave
BOOKKEEPING = ("status", "loaded_at", "source_hash", "counts", "history", *tallies.PROPERTIES, *pairs.PROPERTIES)
Key = tuple[str, str, str]  # (label, id, "") of a node; (type, start id, end id) of a relationship
# Relationship types a node file writes to define its entities, per label, with the file's source prefix:
# those pass to the entity's other wave when a wave sharing it lets go (remove._handover_statements).
_DEFINING = {
    spec.label: (
        f"{spec.file} row ",
        {link.rel for link in spec.links} | ({spec.study_rel} if spec.study_rel else set()),
    )
    for spec in NODE_FILES
}


def _written() -> dict[str, tuple[str, ...]]:
    """The properties a load may write on each relationship type besides `wave`: its provenance, a
    relationship file's columns, a link's constant properties, and on OBSERVED_IN what coded
    interviews and the survey measures add; and on each label of a node file, its own columns and
    provenance. Read as columns of their own (not as a map or a list, which the embedded engine's
    client parses far more slowly: 80,000 ties in 1.8 s against 4.5 s), and without `wave`, which
    the query fixes."""
    names: dict[str, set[str]] = {name: {"source", "locator"} for name in rel_names()}
    for rel_file in REL_FILES:
        names[rel_file.rel].update(column.name for column in rel_file.columns)
    for node_file in NODE_FILES:
        for link in node_file.links:
            names[link.rel].update(link.props)
    names["OBSERVED_IN"].update((*ATTACHED_VALUES, *MEASURE_PROPERTIES, *SUMMARY_PROPERTIES))
    for node_file in NODE_FILES:
        own = {column.name for column in node_file.columns if column.type not in ("ref", "refs")}
        names[node_file.label] = own | {"id", "study", "waves", "source", "locator"}
    return {name: tuple(sorted(found)) for name, found in names.items()}


WRITTEN = _written()


Print = tuple[int, tuple[float, ...]]  # a digest of the properties but their decimals, and the decimals
_NO_DECIMALS: tuple[float, ...] = ()


def _hashable(value: Any) -> Any:
    if isinstance(value, float):
        return "<decimal>"  # compared apart, with a tolerance
    return tuple(value) if isinstance(value, list) else value


def fingerprint(props: Mapping[str, Any], leave_out: Iterable[str] = ()) -> Print:
    """A digest of an element's properties (`waves` and `leave_out` left out) with its decimals
    apart: a double read back from an engine may differ from the one written in its last digits,
    so decimals are compared with a tolerance, not digested. The digest is Python's 64-bit hash:
    both sides of a comparison are made in one process, and a national update digests half a
    million elements."""
    skip = {"waves", *leave_out}
    items = sorted((key, value) for key, value in props.items() if key not in skip and value is not None)
    decimals = tuple(value for _, value in items if isinstance(value, float))
    return hash(tuple((key, _hashable(value)) for key, value in items)), decimals or _NO_DECIMALS


def _same(old: Print, new: Print) -> bool:
    return old[0] == new[0] and all(
        math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(old[1], new[1], strict=True)
    )


@dataclass
class Elements:
    """Elements by key, each with the fingerprints of its properties (a relationship key may repeat)."""

    found: dict[Key, list[Print]] = field(default_factory=dict)
    kept: set[Key] = field(default_factory=set)  # elements that stay in the graph when the wave goes

    def add(self, key: Key, props: Mapping[str, Any], kept: bool = False) -> None:
        leave_out = BOOKKEEPING if key[0] == "Wave" and not key[2] else ()
        self.found.setdefault(key, []).append(fingerprint(props, leave_out))
        if kept:
            self.kept.add(key)

    def counts(self) -> dict[str, int]:
        """Elements per label and relationship type."""
        out: Counter[str] = Counter()
        for key, prints in self.found.items():
            out[key[0]] += len(prints)
        return dict(out)


def _unmatched(old: list[Print], new: list[Print]) -> tuple[int, int]:
    """How many of `old` and of `new` have no equal on the other side (each match used once)."""
    left = list(old)
    came = 0
    for print_ in new:
        match = next((i for i, candidate in enumerate(left) if _same(candidate, print_)), None)
        if match is None:
            came += 1
        else:
            left.pop(match)
    return len(left), came


def compare(before: Elements, after: Elements, existed: Iterable[Key] = ()) -> Changes:
    """The changes from `before` to `after`; keys in `existed` were in the graph either way (shared)."""
    created: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    skip = set(existed)
    for key in (before.found.keys() | after.found.keys()) - skip:
        gone, came = _unmatched(before.found.get(key, []), after.found.get(key, []))
        updated[key[0]] += min(gone, came)
        created[key[0]] += max(came - gone, 0)
        if key not in before.kept:
            removed[key[0]] += max(gone - came, 0)
    return Changes(+created, +updated, +removed)


def add_changes(*parts: Changes) -> Changes:
    """The changes of several parts of one load, added up."""
    totals: list[Counter[str]] = [Counter(), Counter(), Counter()]
    for part in parts:
        for total, counts in zip(totals, (part.created, part.updated, part.removed), strict=True):
            total.update(counts)
    return Changes(*(+total for total in totals))


def _kept(name: str, ends: tuple[str, str], props: Mapping[str, Any], co_owned: Mapping[str, str]) -> bool:
    """Whether a relationship of the wave defines an entity another wave also owns (it then stays);
    `co_owned` maps the id of each entity the wave shares to its label."""
    source = str(props.get("source") or "")
    for end in ends:
        prefix, types = _DEFINING.get(co_owned.get(end, ""), ("", set()))
        if name in types and source.startswith(prefix):
            return True
    return False


def read_previous(reader: Reader, wave_id: str) -> Elements:
    """The elements the loaded version of `wave_id` holds, read once, before an update removes it."""
    elements = Elements()
    co_owned: dict[str, str] = {}  # id -> label of the entities the wave shares with another
    for name in label_names():
        if name in CITATION_LABELS:
            continue
        for props in _read_nodes(reader, name, wave_id):
            shared = len(props.get("waves") or []) > 1
            elements.add((name, props["id"], ""), props, kept=shared)
            if shared:
                co_owned[props["id"]] = name
    for name in rel_names():
        if name in CITATION_TYPES:
            continue
        for row in reader.read(_relationships_of(name), {"wave": wave_id}).rows:
            ends = (row.pop("start__"), row.pop("end__"))
            row["wave"] = wave_id
            elements.add((name, *ends), row, kept=_kept(name, ends, row, co_owned))
    return elements


def _columns(variable: str, properties: Iterable[str]) -> str:
    # Quoted: a property may be named as a Cypher keyword (`end`).
    return ", ".join(f"{variable}.`{prop}` AS `{prop}`" for prop in properties)


def _relationships_of(name: str) -> str:
    return (
        f"MATCH (a)-[r:{rel_type(name)}]->(b) WHERE r.wave = $wave "
        f"RETURN a.id AS start__, b.id AS end__, {_columns('r', WRITTEN[name])}"
    )


def _nodes_of(name: str) -> str:
    # The Study and the Wave have the properties the manifest gives them: read as a whole.
    shown = _columns("n", WRITTEN[name]) if name in WRITTEN else "properties(n) AS props"
    return f"MATCH (n:{label(name)}) WHERE $wave IN n.waves RETURN {shown}"


def _read_nodes(reader: Reader, name: str, wave_id: str) -> list[dict[str, Any]]:
    """The properties of the nodes of `name` the wave defines."""
    rows = reader.read(_nodes_of(name), {"wave": wave_id}).rows
    return rows if name in WRITTEN else [dict(row["props"]) for row in rows]


def statements() -> dict[str, str]:
    """Every statement reading a previous version, by name, for linting against Neo4j's grammar."""
    named = {f"NODES_{name}": _nodes_of(name) for name in label_names() if name not in CITATION_LABELS}
    named.update(
        {f"RELATIONSHIPS_{name}": _relationships_of(name) for name in rel_names() if name not in CITATION_TYPES}
    )
    return {**named, "CITED_BY_WAVE": CITED_BY_WAVE}


def planned(plan: WritePlan, measured: Measured) -> tuple[Elements, set[Key]]:
    """The elements the load wrote, from its plan and its measures, and the shared entities' keys."""
    elements = Elements()
    if plan.study:
        elements.add(("Study", plan.study_id, ""), plan.study)
    elements.add(("Wave", plan.wave_id, ""), plan.wave)
    for name, nodes in plan.nodes.items():
        for row in nodes:
            elements.add((name, row["id"], ""), row)
    measures = dict(measured.values)
    for (name, start_label, _), relationships in plan.relationships.items():
        for row in relationships:
            values = measures.pop((start_label, row["start"]), {}) if name == "OBSERVED_IN" else {}
            elements.add((name, row["start"], row["end"]), {**row["props"], **values})
    for (_, start), values in measures.items():  # observations the measures created
        made = {"wave": plan.wave_id, "source": SUMMARY_SOURCE, "locator": SUMMARY_LOCATOR, **values}
        elements.add(("OBSERVED_IN", start, plan.wave_id), made)
    shared = {(name, entity, "") for name, ids in plan.shared.items() for entity in ids}
    return elements, shared


def holdings(plan: WritePlan, measured: Measured) -> dict[str, int]:
    """What the wave holds after the load, per label and type: what it defines (shared entities too)
    and the relationships it wrote, the measures' observations among them."""
    counts: Counter[str] = Counter({"Wave": 1})
    counts.update({name: len(rows) for name, rows in plan.nodes.items()})
    counts.update({name: len(ids) for name, ids in plan.shared.items()})
    counts["Study"] += 1 if plan.study else 0
    for (name, _, _), rows in plan.relationships.items():
        counts[name] += len(rows)
    counts["OBSERVED_IN"] += measured.observations_created
    return dict(+counts)


def what_changed(
    reader: Reader,
    previous: Elements | None,
    cited_before: Elements | None,
    plan: WritePlan,
    measured: Measured,
    created: Mapping[str, int],
) -> Changes:
    """What the load changed: a new wave's elements all created (`created`, as written, and the
    measures' new observations); an update's by comparison with `previous`; and the citation
    subgraph's by comparison with `cited_before`, when the load read or removed reference lists."""
    if previous is None:
        made = Counter(created)
        made["OBSERVED_IN"] += measured.observations_created
        own = Changes(created=+made)
    else:
        after, shared = planned(plan, measured)
        own = compare(previous, after, shared)
    if cited_before is None:
        return own
    return add_changes(own, compare(cited_before, read_citations(reader)))


def read_citations(reader: Reader) -> Elements:
    """The whole citation subgraph: works and authors by id, its relationships by their ends."""
    elements = Elements()
    for name in CITATION_LABELS:
        for props in reader.read(f"MATCH (n:{label(name)}) RETURN properties(n) AS props").values("props"):
            elements.add((name, props["id"], ""), props)
    for name in CITATION_TYPES:
        cypher = f"MATCH (a)-[r:{rel_type(name)}]->(b) RETURN a.id AS start, b.id AS end, properties(r) AS props"
        for row in reader.read(cypher).rows:
            elements.add((name, row["start"], row["end"]), row["props"])
    return elements


CITED_BY_WAVE = (
    f"MATCH (p:{label('Publication')})-[c:{rel_type('CITES')}]->(w:{label('Work')}) WHERE c.wave = $wave "
    f"OPTIONAL MATCH (w)-[a:{rel_type('AUTHORED_BY')}]->(au:{label('Author')}) "
    "RETURN count(DISTINCT c) AS cites, count(DISTINCT w) AS works, count(DISTINCT a) AS authored, "
    "count(DISTINCT au) AS authors"
)


def cited_holdings(reader: Reader, wave_id: str) -> dict[str, int]:
    """What the wave's reference lists hold: its citations, the works they cite, and those works'
    authors and authorships (works and authors other lists cite too are counted as well)."""
    row = reader.read(CITED_BY_WAVE, {"wave": wave_id}).first() or {}
    counts = {"CITES": row.get("cites"), "Work": row.get("works"), "AUTHORED_BY": row.get("authored")}
    counts["Author"] = row.get("authors")
    return {name: count for name, count in counts.items() if count}
