"""The checks that need the knowledge base: required waves, references into them, shared entities.

They read through anything with `read(cypher, params)`: a Store (for `kb validate`) or the Writer of
the load's own atomic unit, so what is checked is exactly what the load will write against. Labels
in the Cypher come from the spec through kb.schema.label(); ids travel as `UNWIND $ids` batches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, cast

from kb.errors import Problem, ValidationError, shorten
from kb.schema import label, rel_type
from kb.store.base import Result, chunked
from loaders.wave.causes import Definers, Tally, root_causes_first
from loaders.wave.manifest import MANIFEST, Manifest
from loaders.wave.plan import PROVENANCE, StoreFacts, link_targets, node_properties, study_properties
from loaders.wave.records import NodeRecord, RefUse, ValidatedPackage
from loaders.wave.refcheck import FILE_OF_LABEL, a_label, explain_unresolved
from loaders.wave.spec import MAX_ID_LENGTH
from loaders.wave.validate import ATTACHING

BATCH = 2000
SHARED_HINT = (
    "an entity shared by waves must be identical, so use the same value here "
    "(values that differ between waves belong in site_observations.csv)"
)


class Reader(Protocol):
    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result: ...


def _rows(reader: Reader, cypher: str, ids: Iterable[str], **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in chunked(sorted(set(ids)), BATCH):
        rows.extend(reader.read(cypher, {"ids": batch, **params}).rows)
    return rows


def _show(value: Any) -> str:
    if value is None:
        return "no value"
    if isinstance(value, (list, tuple)):
        return "'" + shorten(";".join(str(item) for item in value)) + "'"
    return f"'{shorten(value)}'" if isinstance(value, str) else shorten(value)


def wave_props(reader: Reader, wave_id: str) -> dict[str, Any] | None:
    """The properties of the loaded Wave node `wave_id`, or None."""
    props = reader.read(
        f"MATCH (w:{label('Wave')} {{id: $id}}) RETURN properties(w) AS props", {"id": wave_id}
    ).single_value()
    return cast(dict[str, Any] | None, props)


def wave_conflict(existing: Mapping[str, Any] | None, manifest: Manifest) -> Problem | None:
    """A problem when the wave id is already loaded for another study."""
    if existing and existing.get("study") != manifest.study_id:
        return Problem(
            MANIFEST,
            f"wave '{manifest.wave_id}' is already loaded for study '{existing.get('study')}'; "
            "wave ids are unique across the knowledge base, so choose another wave.id",
        )
    return None


def _wave_problems(reader: Reader, pkg: ValidatedPackage) -> tuple[list[str], list[Problem]]:
    """The required waves that are loaded, and problems with the wave's id and its requirements."""
    manifest = pkg.manifest
    conflict = wave_conflict(wave_props(reader, pkg.wave_id), manifest)
    problems = [conflict] if conflict else []
    cypher = f"UNWIND $ids AS id MATCH (w:{label('Wave')} {{id: id}}) WHERE w.status = 'loaded' RETURN w.id AS id"
    loaded = {row["id"] for row in _rows(reader, cypher, manifest.requires)}
    for wave in manifest.requires:
        if wave not in loaded:
            problems.append(
                Problem(
                    MANIFEST,
                    f"requires wave '{shorten(wave, MAX_ID_LENGTH)}', which is not loaded; load it first "
                    "(references into it are checked then)",
                )
            )
    return [wave for wave in manifest.requires if wave in loaded], problems


def loaded_definers(reader: Reader) -> Definers:
    """Which loaded waves define each of some ids, as the labels they are wanted as (causes.Definers)."""

    def definers(wanted: Sequence[tuple[str, tuple[str, ...]]]) -> Mapping[str, tuple[str, ...]]:
        by_label: dict[str, set[str]] = {}
        for target, labels in wanted:
            for name in labels:
                by_label.setdefault(name, set()).add(target)
        found: dict[str, set[str]] = {}
        for name, ids in sorted(by_label.items()):
            cypher = (
                f"UNWIND $ids AS id MATCH (n:{label(name)} {{id: id}}) MATCH (w:{label('Wave')}) "
                "WHERE w.id IN coalesce(n.waves, []) AND w.status = 'loaded' RETURN n.id AS id, w.id AS wave"
            )
            for row in _rows(reader, cypher, ids):
                found.setdefault(row["id"], set()).add(row["wave"])
        return {target: tuple(sorted(waves)) for target, waves in found.items()}

    return definers


def _resolve(
    reader: Reader, refs: tuple[RefUse, ...], waves: list[str]
) -> tuple[dict[str, str], list[Problem], list[Tally]]:
    """Find referenced ids among the entities of `waves`; for the others, the loaded wave that
    defines them as a root cause (causes.py), or a problem for each one found nowhere."""
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        for name in ref.labels:
            wanted.setdefault(name, set()).add(ref.id)
    found: dict[tuple[str, str], bool] = {}
    for name, ids in wanted.items():
        cypher = (
            f"UNWIND $ids AS id MATCH (n:{label(name)} {{id: id}}) "
            "WHERE size([w IN coalesce(n.waves, []) WHERE w IN $waves]) > 0 RETURN n.id AS id"
        )
        for row in _rows(reader, cypher, ids, waves=waves):
            found[(name, row["id"])] = True
    resolved: dict[str, str] = {}
    unresolved: list[RefUse] = []
    for ref in refs:
        hit = next((name for name in ref.labels if (name, ref.id) in found), None)
        if hit:
            resolved[ref.id] = hit
        else:
            unresolved.append(ref)
    tallies: list[Tally] = []
    problems = [
        Problem(
            ref.file,
            f"'{shorten(ref.id, MAX_ID_LENGTH)}' is not {a_label(ref.labels)} of this package or of the waves "
            f"it requires ({', '.join(waves)}); define it in {' or '.join(FILE_OF_LABEL[n] for n in ref.labels)} "
            "or fix the id",
            row=ref.row,
            column=ref.column,
        )
        for ref in explain_unresolved(unresolved, loaded_definers(reader), tallies)
    ]
    return resolved, problems, tallies


def _same(old: Any, new: Any) -> bool:
    # The embedded engine keeps about 15 significant digits of a double, so compare decimals closely, not exactly.
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=1e-13)
    return bool(old == new)


def _differences(record: NodeRecord, stored: dict[str, Any], links: dict[str, list[str]]) -> list[tuple[str, Any, Any]]:
    """(column, loaded value, package value) for each way the record differs from the loaded entity."""
    mine = node_properties(record)
    theirs = {k: v for k, v in stored.items() if k not in PROVENANCE and k != "id"}
    out = []
    for column in record.spec.columns:
        if column.name in PROVENANCE or column.name == "id":
            continue
        link = next((link for link in record.spec.links if link.column == column.name), None)
        if link is not None:
            old, new = sorted(links.get(column.name, [])) or None, sorted(link_targets(record, link)) or None
        else:
            old, new = theirs.pop(column.name, None), mine.get(column.name)
        if not _same(old, new):
            out.append((column.name, old, new))
    out.extend((name, value, None) for name, value in sorted(theirs.items()))
    return out


def _loaded_links(reader: Reader, records: list[NodeRecord]) -> dict[str, dict[str, list[str]]]:
    """id -> link column -> targets, as the loaded entities' own link relationships record them."""
    out: dict[str, dict[str, list[str]]] = {record.id: {} for record in records}
    spec = records[0].spec
    node = f"(n:{label(spec.label)} {{id: id}})"
    for link in spec.links:
        rel = f"[r:{rel_type(link.rel)}]"
        pattern = f"(m)-{rel}->{node}" if link.reverse else f"{node}-{rel}->(m)"
        cypher = (
            f"UNWIND $ids AS id MATCH {pattern} WHERE r.source STARTS WITH $prefix RETURN n.id AS id, m.id AS target"
        )
        for row in _rows(reader, cypher, out, prefix=f"{spec.file} row "):
            out[row["id"]].setdefault(link.column, []).append(row["target"])
    return out


def _attachment(record: NodeRecord, owners: list[str], requires: tuple[str, ...]) -> Problem | None:
    """None when a converted row may attach to the loaded entity of its id: one of the waves that
    define it is required. Otherwise the problem that says which wave to require."""
    if any(owner in requires for owner in owners):
        return None
    return Problem(
        record.file,
        f"'{shorten(record.id, MAX_ID_LENGTH)}' is defined by loaded wave {', '.join(owners)}; add it to requires",
        row=record.row,
        column="id",
    )


def _shared(reader: Reader, pkg: ValidatedPackage) -> tuple[set[tuple[str, str]], set[tuple[str, str]], list[Problem]]:
    """Entities of the package that other loaded waves already define (and the ones that differ),
    and the rows converted from coded data that attach to an entity of a required wave instead."""
    shared: set[tuple[str, str]] = set()
    attached: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    by_label: dict[str, list[NodeRecord]] = {}
    # Ids and links of every record as validation kept them; an entity another wave defines is
    # compared whole, its file read again for it (node_rows.py).
    for record in getattr(pkg.nodes, "light", pkg.nodes):
        by_label.setdefault(record.spec.label, []).append(record)
    complete = getattr(pkg.nodes, "complete", iter)
    for name, records in by_label.items():
        if not reader.read(f"MATCH (n:{label(name)}) RETURN 1 AS found LIMIT 1").rows:
            continue  # no entity of the label is loaded (a fresh knowledge base): none to look up id by id
        cypher = f"UNWIND $ids AS id MATCH (n:{label(name)} {{id: id}}) RETURN n.id AS id, properties(n) AS props"
        stored = {row["id"]: row["props"] for row in _rows(reader, cypher, (r.id for r in records))}
        overlapping = list(complete(r for r in records if r.id in stored))
        links = _loaded_links(reader, overlapping) if overlapping and records[0].spec.links else {}
        for record in overlapping:
            props = stored[record.id]
            owners = [w for w in props.get("waves") or [] if w != pkg.wave_id]
            if not props.get("waves"):
                problems.append(
                    Problem(
                        record.file,
                        f"'{record.id}' already exists in the knowledge base but no wave "
                        "owns it; remove it there or use another id",
                        row=record.row,
                        column="id",
                    )
                )
            elif owners and record.origin is not None and name in ATTACHING:
                problem = _attachment(record, owners, pkg.manifest.requires)
                problems += [problem] if problem else []
                attached.add((name, record.id))
            elif owners:
                shared.add((name, record.id))
                for column, old, new in _differences(record, props, links.get(record.id, {})):
                    problems.append(
                        Problem(
                            record.file,
                            f"'{record.id}' is already loaded by wave {', '.join(owners)} "
                            f"with {column} {_show(old)}, not {_show(new)}; {SHARED_HINT}",
                            row=record.row,
                            column=column,
                        )
                    )
    return shared, attached, problems


def _study(reader: Reader, pkg: ValidatedPackage) -> tuple[bool, list[Problem]]:
    stored = reader.read(
        f"MATCH (s:{label('Study')} {{id: $id}}) RETURN properties(s) AS props", {"id": pkg.study_id}
    ).single_value()
    owners = [w for w in (stored or {}).get("waves") or [] if w != pkg.wave_id]
    if not owners:
        return False, []
    problems = []
    mine = study_properties(pkg.manifest)
    for key in ("title", "description"):
        if stored.get(key) != mine.get(key):
            problems.append(
                Problem(
                    MANIFEST,
                    f"study '{pkg.study_id}' is already loaded by wave {', '.join(owners)} with "
                    f"{key} {_show(stored.get(key))}, not {_show(mine.get(key))}; every wave of "
                    "a study must give the same study title and description",
                )
            )
    return True, problems


def check_against_store(reader: Reader, pkg: ValidatedPackage) -> StoreFacts:
    """What the knowledge base adds to `pkg`; ValidationError with every problem found."""
    loaded, problems = _wave_problems(reader, pkg)
    resolved: dict[str, str] = {}
    tallies: list[Tally] = []
    if len(loaded) == len(pkg.manifest.requires):
        resolved, found, tallies = _resolve(reader, pkg.external_refs, loaded)
        problems += found
    shared, attached, found = _shared(reader, pkg)
    problems += found
    study_exists, found = _study(reader, pkg)
    problems += found
    if problems or tallies:
        raise ValidationError(root_causes_first(problems, tallies))
    return StoreFacts(resolved, frozenset(shared), study_exists, frozenset(attached))
