"""`kb backup` and `kb restore` as a steward runs them: two commands, exit codes, one-line refusals."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest

from kb import engine
from kb.backup.rotate import archives_in, backup_into_folder
from kb.config import load_config
from kb.errors import UsageError
from kb.store import open_store
from loaders.wave.api import DEMO_DIR
from support.cli import run_kb


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    source, target = tmp_path_factory.mktemp("bk-source"), tmp_path_factory.mktemp("bk-target")
    done = run_kb("load", DEMO_DIR / "00-vocab-1", data_dir=source)
    assert done.exit_code == 0, str(done)
    yield source, target
    for path in (source, target):
        engine.stop(path)


def counts(data_dir):
    done = run_kb("status", "--format", "json", data_dir=data_dir)
    assert done.exit_code == 0, str(done)
    report = done.json()
    return report["nodes"], report["relationships"]


def test_backup_then_restore_in_two_commands(dirs, tmp_path):
    source, target = dirs
    archive = tmp_path / "kb.zip"
    done = run_kb("backup", "--out", archive, data_dir=source)
    assert done.exit_code == 0, str(done)
    assert done.stdout.startswith(f"wrote {archive}")
    done = run_kb("restore", archive, data_dir=target)
    assert done.exit_code == 0, str(done)
    assert counts(target) == counts(source)
    again = run_kb("restore", archive, data_dir=target)
    assert again.exit_code == 2
    assert again.error_lines[-1].startswith("error: the target knowledge base is not empty")
    replaced = run_kb("restore", archive, "--replace", "--format", "json", data_dir=target)
    assert replaced.exit_code == 0, str(replaced)
    assert replaced.json()["replaced_nodes"] == sum(counts(source)[0].values())
    assert counts(target) == counts(source)


def test_a_publication_archive_names_its_waves(dirs, tmp_path):
    source, _ = dirs
    archive = tmp_path / "paper.zip"
    done = run_kb("backup", "--waves", "vocab-1", "--out", archive, "--format", "json", data_dir=source)
    assert done.exit_code == 0, str(done)
    assert done.json()["waves"] == ["vocab-1"]
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    assert manifest["subset"]["requested"] == ["vocab-1"]
    unknown = run_kb("backup", "--waves", "no-such-wave", "--out", tmp_path / "x.zip", data_dir=source)
    assert unknown.exit_code == 2
    assert "wave 'no-such-wave' is not loaded (loaded waves: vocab-1)" in unknown.stderr
    assert not (tmp_path / "x.zip").exists()


def test_keep_rotates_only_the_archives_it_named(dirs, tmp_path):
    source, _ = dirs
    other = tmp_path / "notes.zip"
    other.write_bytes(b"not an archive of ours")
    for _ in range(3):
        done = run_kb("backup", "--out", tmp_path, "--keep", "2", data_dir=source)
        assert done.exit_code == 0, str(done)
    assert len(archives_in(tmp_path)) == 2
    assert other.exists()
    assert "removed the older archive" in done.stdout


def test_keep_by_time_removes_the_oldest(dirs, tmp_path):
    source, _ = dirs
    store = open_store(load_config(data_dir=source, env={}))
    try:
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        names = []
        for day in range(4):
            report, removed = backup_into_folder(store, tmp_path, keep=3, now=start + dt.timedelta(days=day))
            names.append(report.path.name)
        assert [p.name for p in removed] == [names[0]]
        assert [p.name for p in archives_in(tmp_path)] == names[1:]
        with pytest.raises(UsageError, match="keep at least 1"):
            backup_into_folder(store, tmp_path, keep=0)
    finally:
        store.close()


def test_keep_without_a_folder_is_refused(dirs, tmp_path):
    source, _ = dirs
    done = run_kb("backup", "--out", tmp_path / "a.zip", "--keep", "2", data_dir=source)
    assert done.exit_code == 2
    assert "--keep needs --out to be a folder" in done.stderr
