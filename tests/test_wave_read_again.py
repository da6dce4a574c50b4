"""Node files are read twice (loaders/wave/node_rows.py): validation keeps what the checks need of each
row, and the write types the rest again from the same bytes. The records must be the row path's,
a file changed between the two readings must be refused with nothing written, and the load must
not import pandas (kb/arrow_plain.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from kb import engine
from kb.errors import ValidationError
from kb.schema import label
from kb.synth import PACKAGES, synthesize
from kb.synth.plan import NATIONAL_WAVE, VOCAB_WAVE
from loaders.wave import validate
from loaders.wave.api import load_package
from loaders.wave.node_rows import ChangedFile, kept_columns
from loaders.wave.package import SPECS


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("again") / "england"
    synthesize(out, 0.02, seed=5)
    return out / PACKAGES[VOCAB_WAVE], out / PACKAGES[NATIONAL_WAVE]


def _copy(package, tmp_path):
    copy = tmp_path / package.name
    shutil.copytree(package, copy)
    return copy


def test_validation_keeps_only_what_the_checks_need_and_the_write_gets_whole_records(synthetic, monkeypatch):
    national = synthetic[1]
    pkg = validate.read_and_validate(national)
    evidence = [record for record in pkg.nodes.light if record.spec.file == "evidence.csv"]
    assert evidence, "the synthetic wave has evidence rows"
    kept = kept_columns(SPECS["evidence.csv"])
    assert "text" not in kept and {"id", "themes", "locator"} <= kept
    columns = {column.name for column in SPECS["evidence.csv"].columns}
    assert all(set(record.typed) == kept & columns for record in evidence)
    monkeypatch.setattr(validate, "COLUMNAR", False)
    by_rows = validate.read_and_validate(national)
    # whole again, element by element the row path's records, in order and by index
    assert list(pkg.nodes) == list(by_rows.nodes)
    assert pkg.nodes[len(pkg.nodes) - 1] == by_rows.nodes[-1]
    assert pkg.nodes[3:9] == list(by_rows.nodes[3:9])
    assert all(dict(record.typed) == dict(row.typed) for record, row in zip(pkg.nodes, by_rows.nodes, strict=True))


def test_a_file_changed_between_validation_and_write_is_refused_with_nothing_written(
    synthetic, tmp_path, embedded_store
):
    vocab, national = synthetic
    load_package(embedded_store, vocab)
    package = _copy(national, tmp_path)
    evidence = package / "evidence.csv"
    changed = []

    def change_evidence(done, total, stage):
        # the first rows are being written: the evidence file has been validated, not read again
        if not changed:
            evidence.write_bytes(evidence.read_bytes() + b"\n")
            changed.append(stage)

    with pytest.raises(ChangedFile) as caught:
        load_package(embedded_store, package, on_progress=change_evidence)
    assert changed == ["nodes"]
    assert isinstance(caught.value, ValidationError)
    assert caught.value.problems[0].file == "evidence.csv"
    assert "changed while the package was being loaded; nothing was written" in str(caught.value)
    wave = embedded_store.read(f"MATCH (w:{label('Wave')} {{id: 'syn-england-1'}}) RETURN count(w) AS c")
    assert wave.single_value() == 0
    evidence_nodes = embedded_store.read(f"MATCH (e:{label('Evidence')}) RETURN count(e) AS c")
    assert evidence_nodes.single_value() == 0
    assert load_package(embedded_store, package).status == "loaded"  # the changed file, read whole, loads


def test_a_load_does_not_import_pandas(synthetic, tmp_path):
    vocab, national = synthetic
    script = (
        "import json, sys\n"
        "from kb.config import load_config\n"
        "from kb.store import open_store\n"
        "from loaders.wave.api import load_package\n"
        f"store = open_store(load_config(data_dir={str(tmp_path / 'kb')!r}, env={{}}), graph='pandas_free')\n"
        f"statuses = [load_package(store, p).status for p in ({str(vocab)!r}, {str(national)!r})]\n"
        "store.drop()\n"
        "store.close()\n"
        "print(json.dumps([statuses, 'pandas' in sys.modules]))\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True)
    finally:
        engine.stop(tmp_path / "kb")  # the process started it; engines outlive their stores
    statuses, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert statuses == ["loaded", "loaded"]
    assert imported is False
