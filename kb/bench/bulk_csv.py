"""Turn wave packages into the CSV files FalkorDB's bulk loader reads, with the same graph the loader builds.

The reference measurement must build the same graph as `kb load`: the same nodes with the same
properties (the package's own values plus the provenance `study`, `waves`, `source`, `locator`),
the same relationships with `wave`, `source`, `locator` and their own properties, the Study
and Wave nodes with their implicit relationships (the Wave with its main fields only: the load
time, counts and hash the loader adds are a handful of properties on one node), and the survey
network measures the loader writes on OBSERVED_IN relationships, with the relationship the
loader creates for every participant and site in a network that the package gave none
(bulk_measures.py). Files are streamed row by row.

Header types follow the bulk loader's --enforce-schema syntax: `id:ID`, `name:STRING`,
`year:INT`, `board_density:DOUBLE`, `board_member:BOOL`, `waves:ARRAY`; relationship files start
with `:START_ID,:END_ID`.
"""

from __future__ import annotations

import csv
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kb.bench.bulk_measures import Measured, package_measures
from kb.bench.package_rows import typed_rows
from kb.synth.sink import SPECS
from loaders.wave.measures import MEASURE_DOCS, SUMMARY_DOCS, SUMMARY_LOCATOR, SUMMARY_SOURCE
from loaders.wave.spec import FILE_ORDER, NodeFile, RelFile

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter  # the type of csv.writer(...), named in the stubs only

BULK_TYPES = {"int": "INT", "float": "DOUBLE", "bool": "BOOL", "list": "ARRAY"}  # everything else: STRING
REL_PROVENANCE = ("wave", "source", "locator")
OBSERVED_IN = "OBSERVED_IN"


def _bulk_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return repr([str(v) for v in value])  # read back with ast.literal_eval by the bulk loader
    return str(value)


class BulkFiles:
    """One node CSV per label and one relationship CSV per type, opened on first use."""

    def __init__(self, folder: Path, stack: ExitStack):
        self.folder, self._stack = folder, stack
        self.nodes: dict[str, tuple[CsvWriter, tuple[str, ...]]] = {}
        self.rels: dict[str, tuple[CsvWriter, tuple[str, ...]]] = {}
        self.counts = {"nodes": 0, "relationships": 0}

    def _open(self, name: str, header: list[str]) -> CsvWriter:
        handle = self._stack.enter_context(open(self.folder / name, "w", encoding="utf-8", newline=""))
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        return writer

    def node(self, label: str, props: dict[str, Any], types: dict[str, str]) -> None:
        if label not in self.nodes:
            names = tuple(types)
            header = ["id:ID" if n == "id" else f"{n}:{types[n]}" for n in names]
            self.nodes[label] = (self._open(f"node-{label}.csv", header), names)
        writer, names = self.nodes[label]
        writer.writerow([_bulk_cell(props.get(n)) for n in names])
        self.counts["nodes"] += 1

    def rel(self, rel_type: str, start: str, end: str, props: dict[str, Any], types: dict[str, str]) -> None:
        if rel_type not in self.rels:
            names = tuple(types)
            header = [":START_ID", ":END_ID", *(f"{n}:{types[n]}" for n in names)]
            self.rels[rel_type] = (self._open(f"rel-{rel_type}.csv", header), names)
        writer, names = self.rels[rel_type]
        writer.writerow([start, end, *(_bulk_cell(props.get(n)) for n in names)])
        self.counts["relationships"] += 1


def _node_types(spec: NodeFile) -> dict[str, str]:
    types = {"id": "ID"}
    for column in spec.columns:
        if column.type not in ("ref", "refs", "id") and column.name != "locator":
            types[column.name] = BULK_TYPES.get(column.type, "STRING")
    return {**types, "study": "STRING", "waves": "ARRAY", "source": "STRING", "locator": "STRING"}


def _rel_types(names: tuple[str, ...] = ()) -> dict[str, str]:
    return {**{name: "STRING" for name in REL_PROVENANCE}, **{name: "STRING" for name in names}}


def _node_file(out: BulkFiles, spec: NodeFile, path: Path, study: str, wave: str) -> None:
    types = _node_types(spec)
    for number, values in typed_rows(path, spec):
        source, locator = f"{spec.file} row {number}", values.get("locator")
        out.node(spec.label, {**values, "study": study, "waves": [wave], "source": source}, types)
        provenance = {"wave": wave, "source": source, "locator": locator}
        if spec.study_rel:
            out.rel(spec.study_rel, study, values["id"], provenance, _rel_types())
        for link in spec.links:
            targets = values.get(link.column) or []
            for target in targets if isinstance(targets, list) else [targets]:
                ends = (target, values["id"]) if link.reverse else (values["id"], target)
                out.rel(link.rel, *ends, {**provenance, **link.props}, _rel_types(tuple(link.props)))


def _observed_types() -> dict[str, str]:
    """Every property an OBSERVED_IN may hold, whichever file or measure made it: one file takes them all."""
    types = _rel_types()
    for spec in SPECS.values():
        if isinstance(spec, RelFile) and spec.rel == OBSERVED_IN:
            types.update({c.name: BULK_TYPES.get(c.type, "STRING") for c in spec.columns if c.name != "locator"})
    for name, doc in {**MEASURE_DOCS, **SUMMARY_DOCS}.items():  # each doc starts with its type: "int: ..."
        types[name] = BULK_TYPES.get(doc.split(":", 1)[0], "STRING")
    return types


def _rel_file(out: BulkFiles, spec: RelFile, path: Path, wave: str, measured: Measured) -> None:
    own = tuple(c.name for c in spec.columns if c.name != "locator")
    types = {**_rel_types(), **{c.name: BULK_TYPES.get(c.type, "STRING") for c in spec.columns if c.name != "locator"}}
    to_wave = spec.end.type == "wave"
    if spec.rel == OBSERVED_IN:
        types = _observed_types()
    start_label = spec.start.ref[0] if spec.start.ref else ""
    for number, values in typed_rows(path, spec):
        end = wave if to_wave else values[spec.end.name]
        props = {name: values.get(name) for name in own}
        props.update(wave=wave, source=f"{spec.file} row {number}", locator=values.get("locator"))
        if to_wave:  # the measures go on the package's own observation of the wave, as the loader sets them
            props.update(measured.pop((start_label, values[spec.start.name]), {}))
        out.rel(spec.rel, values[spec.start.name], end, props, types)


def _measured_observations(out: BulkFiles, measured: Measured, wave: str) -> None:
    """The OBSERVED_IN the loader creates for what it measured and the package did not observe."""
    provenance, types = {"wave": wave, "source": SUMMARY_SOURCE, "locator": SUMMARY_LOCATOR}, _observed_types()
    for (_, entity), values in measured.items():
        out.rel(OBSERVED_IN, entity, wave, {**provenance, **values}, types)


def export_package(out: BulkFiles, package: Path, with_study: bool) -> None:
    """Add one package's nodes and relationships (and its Wave, and the Study when asked) to `out`."""
    manifest = yaml.safe_load((package / "wave.yaml").read_text(encoding="utf-8"))
    study, wave = manifest["study"]["id"], manifest["wave"]["id"]
    if with_study:
        out.node(
            "Study",
            {"id": study, "title": manifest["study"]["title"], "study": study, "waves": [wave], "source": "wave.yaml"},
            {"id": "ID", "title": "STRING", "study": "STRING", "waves": "ARRAY", "source": "STRING"},
        )
    out.node(
        "Wave",
        {
            "id": wave,
            "study": study,
            "waves": [wave],
            "source": "wave.yaml",
            "status": "loaded",
            "title": manifest["wave"]["title"],
        },
        {"id": "ID", "study": "STRING", "waves": "ARRAY", "source": "STRING", "status": "STRING", "title": "STRING"},
    )
    out.rel("HAS_WAVE", study, wave, {"wave": wave, "source": "wave.yaml"}, _rel_types())
    for publication in manifest.get("publications") or []:
        out.rel("REPORTED_IN", wave, publication, {"wave": wave, "source": "wave.yaml"}, _rel_types())
    measured = package_measures(package, wave)
    for file in FILE_ORDER:
        path = package / file
        if path.is_file():
            spec = SPECS[file]
            if isinstance(spec, NodeFile):
                _node_file(out, spec, path, study, wave)
            else:
                _rel_file(out, spec, path, wave, measured)
    _measured_observations(out, measured, wave)
