"""Backups and restores on the real engine: the demo knowledge base out to an archive and back.

The source is the demo (every package of data/studies) with one reviewer's decision on a pair of
cited works; the target is another, empty knowledge base. What the restore must give back is the
source itself: every node, relationship and property, and every library query's answer.
"""

from __future__ import annotations

import csv
import itertools
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kb import queries, schema, status
from kb.backup import backup, dump, read_archive, restore
from kb.backup.format import MANIFEST, json_line, sha256
from kb.errors import QueryError, UsageError
from kb.store import open_store
from loaders.citations import review, split
from loaders.wave.api import DEMO_DIR, list_waves, load_demo, unload_wave
from loaders.wave.load import load_package

_numbers = itertools.count()


def fresh(config):
    store = open_store(config, graph=f"backup{next(_numbers)}")
    store.drop()
    store.apply_schema()
    return store


@pytest.fixture(scope="module")
def source(kb_config):
    store = fresh(kb_config)
    load_demo(store)
    pair = review(store)[0]
    split(store, pair["a"], pair["b"])
    yield store
    store.drop()
    store.close()


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archives") / "demo.zip"
    backup(source, path)
    return path


@pytest.fixture(scope="module")
def restored(kb_config, archive):
    store = fresh(kb_config)
    restore(store, archive)
    yield store
    store.drop()
    store.close()


@pytest.fixture
def target(kb_config):
    store = fresh(kb_config)
    yield store
    store.drop()
    store.close()


def elements(store) -> dict[str, list[bytes]]:
    """Every record of the knowledge base per archive member, in an order that ignores creation order."""
    with store.snapshot() as reads:
        return {member: sorted(json_line(rec) for rec in recs) for member, recs in dump.read_all(reads).items()}


def plain(value: Any) -> Any:
    """A query answer without the engine's internal keys, which differ between two knowledge bases."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in ("key", "start", "end") or not schema_value(value)}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def schema_value(value: dict[str, Any]) -> bool:
    return value.get("element") in ("node", "relationship", "path")


def answers(store, name: str) -> list[str]:
    query = queries.get_query(name)
    rows = store.read(query.cypher, query.bind({})).rows
    return sorted(json.dumps(plain(row), sort_keys=True, default=str) for row in rows)


def test_restore_gives_back_every_node_relationship_and_property(source, restored):
    expected = elements(source)
    assert sum(len(v) for v in expected.values()) > 1000  # the demo, not an empty graph
    assert elements(restored) == expected


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_restore_gives_the_same_answer_to_every_library_query(source, restored, name):
    assert answers(restored, name) == answers(source, name)


def test_manifest_holds_waves_decisions_counts_and_checksums(source, archive):
    manifest, records = read_archive(archive)
    loaded = {w["wave"]: w for w in list_waves(source)}
    assert {w["id"] for w in manifest["waves"]} == set(loaded)
    for wave in manifest["waves"]:
        assert wave["source_hash"] == loaded[wave["id"]]["source_hash"]
        assert len(wave["history"]) == len(loaded[wave["id"]]["history"]) >= 1
    pair = review(source)  # the split pair is no longer offered for review; its decision is kept
    assert len(manifest["review_decisions"]) == 1 and manifest["review_decisions"][0].startswith("split ")
    assert pair == [] or all(manifest["review_decisions"][0] != f"split {p['a']} {p['b']}" for p in pair)
    assert manifest["counts"] == status.counts(source)
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert manifest["engine"]["engine"] == "falkordb"
    with zipfile.ZipFile(archive) as zf:
        for member, entry in manifest["members"].items():
            assert sha256(zf.read(member)) == entry["sha256"]
    assert len(records["nodes/Site.jsonl"]) == manifest["counts"]["nodes"]["Site"]


def test_the_readme_opens_the_archive_with_pandas_alone(archive):
    text = zipfile.ZipFile(archive).read("README.md").decode()
    code = text.split("Without ccg-kb, with pandas alone:", 1)[1].split("Check the files", 1)[0]
    code = "\n".join(line[4:] for line in code.splitlines() if line.startswith("    "))
    code = code.replace('"demo.zip"', repr(str(archive)))
    scope: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), scope)  # the README's own instructions, as a reader runs them
    manifest = json.loads(zipfile.ZipFile(archive).read(MANIFEST))
    assert len(scope["sites"]) == manifest["counts"]["nodes"]["Site"]
    assert {"id", "name", "study", "waves"} <= set(scope["sites"].columns)
    assert len(scope["ties"]) == manifest["counts"]["relationships"]["ADVISED_BY"]


def test_the_ro_crate_lists_every_member_with_its_checksum(archive):
    with zipfile.ZipFile(archive) as zf:
        crate = json.loads(zf.read("ro-crate-metadata.json"))
        manifest = json.loads(zf.read(MANIFEST))
    entities = {entity["@id"]: entity for entity in crate["@graph"]}
    assert entities["ro-crate-metadata.json"]["about"] == {"@id": "./"}
    parts = {part["@id"] for part in entities["./"]["hasPart"]}
    data_members = {m for m in manifest["members"] if m.endswith(".jsonl")}
    assert data_members <= parts
    for member in data_members:
        assert entities[member]["sha256"] == manifest["members"][member]["sha256"]


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of `archive` with `change(name, data) -> bytes | None` applied to each member (None drops it)."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = change(name, src.read(name))
            if data is not None:
                dst.writestr(name, data)
    return out


def assert_refused_and_empty(store, path: Path, *words: str):
    with pytest.raises(UsageError) as refused:
        restore(store, path)
    for word in words:
        assert word in str(refused.value)
    assert "nothing was restored" in str(refused.value) or "not empty" in str(refused.value)
    found = status.counts(store)
    assert sum(found["nodes"].values()) == 0 and sum(found["relationships"].values()) == 0


def test_a_changed_member_is_refused_by_its_checksum_and_nothing_is_written(archive, target, tmp_path):
    def tamper(name: str, data: bytes) -> bytes:
        return data.replace(b"Site A", b"Site Z") if name == "nodes/Site.jsonl" else data

    assert_refused_and_empty(target, rewrite(archive, tmp_path / "t.zip", tamper), "nodes/Site.jsonl", "checksum")


def test_a_missing_or_extra_member_is_refused(archive, target, tmp_path):
    dropped = rewrite(archive, tmp_path / "d.zip", lambda n, d: None if n == "relationships/AT.jsonl" else d)
    assert_refused_and_empty(target, dropped, "lacks relationships/AT.jsonl")

    def add(name: str, data: bytes) -> bytes:
        return data

    extra = rewrite(archive, tmp_path / "e.zip", add)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("nodes/Extra.jsonl", b"{}\n")
    assert_refused_and_empty(target, extra, "nodes/Extra.jsonl", "does not list")


def test_a_damaged_or_truncated_archive_is_refused(archive, target, tmp_path):
    data = archive.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    assert_refused_and_empty(target, cut, "not a readable zip archive")
    flipped = bytearray(data)
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("nodes/Evidence.jsonl")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    flipped[middle] ^= 0xFF
    damaged = tmp_path / "flip.zip"
    damaged.write_bytes(bytes(flipped))
    assert_refused_and_empty(target, damaged, "nodes/Evidence.jsonl")


def test_a_member_naming_a_label_outside_the_model_is_refused_even_with_its_checksum(archive, target, tmp_path):
    line = b'{"id":"x","labels":["Intruder"],"properties":{"id":"x"}}\n'

    def add(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["members"]["nodes/Intruder.jsonl"] = {"sha256": sha256(line), "bytes": len(line)}
        return json.dumps(manifest).encode()

    path = rewrite(archive, tmp_path / "i.zip", add)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("nodes/Intruder.jsonl", line)
    assert_refused_and_empty(target, path, "nodes/Intruder.jsonl", "not a label")


@pytest.mark.parametrize(
    ("version", "words"),
    [(schema.SCHEMA_VERSION + 1, ("newer", "upgrade ccg-kb")), (schema.SCHEMA_VERSION - 1, ("knows no way",))],
)
def test_an_archive_of_another_model_version_is_refused_with_the_reason(archive, target, tmp_path, version, words):
    def other_model(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["schema_version"] = version
        return json.dumps(manifest).encode()

    assert_refused_and_empty(target, rewrite(archive, tmp_path / "v.zip", other_model), f"version {version}", *words)


def test_a_target_that_holds_anything_is_refused_unless_replace(archive, kb_config, source):
    store = fresh(kb_config)
    try:
        load_package(store, DEMO_DIR / "00-vocab-1")
        before = elements(store)
        with pytest.raises(UsageError, match="not empty"):
            restore(store, archive)
        assert elements(store) == before
        held = status.counts(store)
        report = restore(store, archive, replace=True)
        assert (report.replaced_nodes, report.replaced_relationships) == (
            sum(held["nodes"].values()),
            sum(held["relationships"].values()),
        )
        assert elements(store) == elements(source)
    finally:
        store.drop()
        store.close()


def timeless(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[bytes]]:
    """Records without the times of loads (a Wave's loaded_at and history), which differ between two runs."""
    out = {}
    for member, recs in records.items():
        if member == "nodes/Wave.jsonl":
            recs = [
                {**rec, "properties": {k: v for k, v in rec["properties"].items() if k not in ("loaded_at", "history")}}
                for rec in recs
            ]
        out[member] = sorted(json_line(rec) for rec in recs)
    return out


def test_a_backup_during_a_load_holds_the_state_before_or_after_it(kb_config, tmp_path):
    """A thread loads two waves while archives are taken; each archive must equal one of the three
    states between units (computed beforehand on a reference knowledge base), never a mixture."""
    packages = [DEMO_DIR / "20-s17-scoping", DEMO_DIR / "22-s17-cases"]
    reference = fresh(kb_config)
    loader = fresh(kb_config)

    def state(store) -> dict[str, list[bytes]]:
        with store.snapshot() as reads:
            return timeless(dump.read_all(reads))

    try:
        for store in (reference, loader):
            for first in ("00-vocab-1", "10-z13-2011"):
                load_package(store, DEMO_DIR / first)
        states = [state(reference)]
        for package in packages:
            load_package(reference, package)
            states.append(state(reference))

        def load() -> None:
            for package in packages:
                load_package(loader, package)

        worker = threading.Thread(target=load)
        seen = []
        taker = open_store(kb_config, graph=loader.graph_name)
        worker.start()
        for number in itertools.count():
            path = tmp_path / f"during{number}.zip"
            backup(taker, path)
            _, records = read_archive(path)
            seen.append(timeless(records))
            if not worker.is_alive():
                break
        worker.join()
        taker.close()
        assert len(seen) >= 2
        for held in seen:
            assert any(held == expected for expected in states), "an archive held part of a load"
        assert seen[-1] == states[-1]
    finally:
        for store in (reference, loader):
            store.drop()
            store.close()


@pytest.mark.neo4j
def test_an_embedded_archive_restores_into_neo4j_and_back_with_the_same_answers(source, archive, neo4j_store, tmp_path):
    """Moving engines: embedded → archive → Neo4j → archive → embedded gives the source's elements and answers."""
    restore(neo4j_store, archive)
    assert elements(neo4j_store) == elements(source)
    for name in sorted(queries.library()):
        assert answers(neo4j_store, name) == answers(source, name), name
    back = tmp_path / "from-neo4j.zip"
    backup(neo4j_store, back)
    manifest, _ = read_archive(back)
    assert manifest["engine"]["engine"] == "neo4j"
    assert manifest["counts"] == status.counts(source)


def test_a_publication_archive_holds_its_waves_and_what_they_require(source, kb_config, tmp_path):
    path = tmp_path / "z13.zip"
    report = backup(source, path, waves=["z13-2011"])
    assert report.waves == ("vocab-1", "z13-2011")  # z13-2011 requires the shared vocabulary
    manifest, _ = read_archive(path)
    assert manifest["subset"]["requested"] == ["z13-2011"]
    assert manifest["subset"]["added_because_required"] == ["vocab-1"]
    readme = zipfile.ZipFile(path).read("README.md").decode()
    assert "behind the waves z13-2011 (with the waves they require: vocab-1)" in readme
    chosen = {"vocab-1", "z13-2011"}
    store = fresh(kb_config)
    try:
        restore(store, path)
        assert {w["wave"] for w in list_waves(store)} == chosen
        # The paper's six case sites, A to F (BMJ Open 2013 e002112, Methods: Sampling).
        sites = store.read("MATCH (s:Site {study: 'z13'}) RETURN s.name AS name ORDER BY name").values("name")
        assert sites == [f"Site {letter}" for letter in "ABCDEF"]
        kept = {
            m: {rec["id"]: rec for rec in recs} for m, recs in dump.read_all(store).items() if m.startswith("nodes/")
        }
        for member, recs in dump.read_all(source).items():
            if not member.startswith("nodes/"):
                continue
            for rec in recs:
                waves = rec["properties"].get("waves")
                if waves and chosen & set(waves):
                    assert kept[member][rec["id"]]["properties"]["waves"] == [w for w in waves if w in chosen]
                elif rec["id"] in kept[member]:
                    assert not waves or member == "nodes/Wave.jsonl" or not set(waves) - chosen
        # Every published count of a board's ties (Table 4), one row each in the package's ties.csv.
        with open(DEMO_DIR / "10-z13-2011" / "ties.csv", newline="") as fh:
            ties = len(list(csv.DictReader(fh)))
        assert status.counts(store)["relationships"]["HAS_TIES"] == ties
        # Restored waves are waves like any others: the paper's one unloads and leaves the vocabulary.
        unload_wave(store, "z13-2011")
        assert [w["wave"] for w in list_waves(store)] == ["vocab-1"]
        assert store.read("MATCH (s:Site {study: 'z13'}) RETURN count(s) AS n").single_value() == 0
    finally:
        store.drop()
        store.close()


@pytest.mark.parametrize(
    ("cypher", "words"),
    [
        ("CREATE (:Site {name: 'no id'})", "1 Site nodes have no id"),
        ("CREATE (:Site {id: 7})", "1 Site nodes have an id that is empty or not text"),
    ],
)
def test_a_node_an_archive_cannot_name_is_refused_not_left_out(target, tmp_path, cypher, words):
    target.write(cypher)
    with pytest.raises(QueryError, match=words):
        backup(target, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_the_default_snapshot_neo4j_uses_reads_one_state_inside_an_empty_unit(source):
    """Neo4j's snapshot is the Store default (reads inside a unit that writes nothing, holding the
    unit lock); run on the embedded engine it must read exactly what the engine's copy reads."""
    from kb.store.base import Store
    from kb.store.neo4j import Neo4jStore

    assert Neo4jStore.snapshot is Store.snapshot
    before = elements(source)
    with Store.snapshot(source) as reads:
        through_a_unit = {m: sorted(json_line(r) for r in recs) for m, recs in dump.read_all(reads).items()}
    assert through_a_unit == before
    assert elements(source) == before  # the empty unit changed nothing
