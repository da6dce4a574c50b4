"""Faults of the embedded engine named for what they are: a full disk, a damaged or newer file, a
folder it may not write. Each is made for real (a small tmpfs filled up, the engine's own files
changed while it is stopped, the engine run as a user who may not write) and the one line a user
reads is checked, with the knowledge base unchanged once the cause is gone.

Mounting a tmpfs needs root (or CAP_SYS_ADMIN); where the test cannot mount one it is skipped with
that reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kb import engine, faults
from loaders.wave.api import DEMO_DIR
from support.cli import run_kb

VOCAB, Z13 = DEMO_DIR / "00-vocab-1", DEMO_DIR / "10-z13-2011"
TMPFS_BYTES = 16 * 1024 * 1024


def mount_tmpfs(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here to fill a disk ({(done.stderr or done.stdout).strip()})")


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """Write a file in `folder` until its disk has at most `leave` bytes free."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb") as fh:
        try:
            while True:
                free = shutil.disk_usage(folder).free
                if free <= leave:
                    break
                fh.write(chunk[: max(1, min(len(chunk), free - leave))])
                fh.flush()
        except OSError:
            pass
    return filler


def waves(data_dir: Path) -> list[str]:
    done = run_kb("waves", "--format", "json", data_dir=data_dir)
    assert done.exit_code == 0, str(done)
    return sorted(w["wave"] for w in done.json())


def last_error(done) -> str:
    return done.error_lines[-1] if done.error_lines else ""


@pytest.fixture
def mounted(tmp_path):
    mount = tmp_path / "disk"
    yield mount
    for data_dir in (mount / "kb", tmp_path / "kb"):
        if data_dir.exists():
            engine.stop(data_dir)
    unmount(mount)
    unmount(tmp_path / "kb" / "db")


def test_a_full_disk_is_named_and_nothing_is_changed(mounted):
    """The whole data directory on a small disk: the engine's log cannot be written either, so the
    cause comes from the disk's free space."""
    mount_tmpfs(mounted)
    data_dir = mounted / "kb"
    assert run_kb("load", VOCAB, data_dir=data_dir).exit_code == 0
    filler = fill(mounted)
    done = run_kb("load", Z13, data_dir=data_dir)
    assert done.exit_code == 1
    expected = f"the disk holding {data_dir} is full; free space and run the command again — nothing was changed"
    assert last_error(done) == f"error: {expected}"
    assert "warning: only" in done.stderr  # the pre-flight check warned before the load began
    status = run_kb("engine", "status", data_dir=data_dir)
    assert f"last fault (the disk, now): {expected}" in status.stdout
    filler.unlink()
    assert waves(data_dir) == ["vocab-1"]  # the engine restarts with what it had
    assert run_kb("load", Z13, data_dir=data_dir).exit_code == 0
    assert waves(data_dir) == ["vocab-1", "z13-2011"]


def test_a_short_write_in_the_engine_log_is_named_as_a_full_disk(tmp_path, mounted):
    """Only the engine's files on the small disk: the engine logs its short write, and that line
    names the cause (the data directory's own disk has room)."""
    data_dir = tmp_path / "kb"
    mount_tmpfs(data_dir / "db")
    assert run_kb("load", VOCAB, data_dir=data_dir).exit_code == 0
    filler = fill(data_dir / "db")
    done = run_kb("load", Z13, data_dir=data_dir)
    assert done.exit_code == 1
    expected = f"the disk holding {data_dir} is full; free space and run the command again — nothing was changed"
    assert last_error(done) == f"error: {expected}"
    report = run_kb("engine", "status", "--format", "json", data_dir=data_dir).json()
    assert report["last_fault"]["kind"] == "disk_full"
    assert "Short write while writing to the AOF file" in report["last_fault"]["log_line"]
    assert report["last_fault"]["logged_at"]
    filler.unlink()
    assert waves(data_dir) == ["vocab-1"]


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "kb"
    yield path
    engine.stop(path)


def stopped_with_vocabulary(data_dir: Path) -> Path:
    assert run_kb("load", VOCAB, data_dir=data_dir).exit_code == 0
    engine.stop(data_dir)
    return data_dir / "db" / "appendonlydir"


def test_a_data_directory_of_a_newer_engine_is_named(data_dir):
    files = stopped_with_vocabulary(data_dir)
    base = next(files.glob("*.base.rdb"))
    original = base.read_bytes()
    assert original.startswith(b"REDIS00")
    base.write_bytes(b"REDIS0099" + original[9:])  # the header of an RDB format this engine predates
    done = run_kb("waves", data_dir=data_dir)
    assert done.exit_code == 1
    assert last_error(done) == f"error: {faults.message('newer_engine', data_dir)}"
    assert "Can't handle RDB format version 99" in (faults.last_fault(data_dir).line or "")
    base.write_bytes(original)
    assert waves(data_dir) == ["vocab-1"]


def test_a_damaged_append_only_file_is_named(data_dir):
    files = stopped_with_vocabulary(data_dir)
    incr = next(files.glob("*.incr.aof"))
    original = incr.read_bytes()
    incr.write_bytes(b"this is not a command\r\n" + original)
    done = run_kb("waves", data_dir=data_dir)
    assert done.exit_code == 1
    assert last_error(done) == f"error: {faults.message('damaged_aof', data_dir)}"
    assert "Bad file format reading the append only file" in (faults.last_fault(data_dir).line or "")
    incr.write_bytes(original)
    assert waves(data_dir) == ["vocab-1"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder, so one it may not write cannot be made")
def test_a_data_directory_kb_may_not_write_is_named(data_dir):
    stopped_with_vocabulary(data_dir)
    os.chmod(data_dir / "db", 0o500)
    try:
        done = run_kb("waves", data_dir=data_dir)
        assert done.exit_code == 1
        assert last_error(done) == f"error: {faults.message('permission', data_dir)}"
    finally:
        os.chmod(data_dir / "db", 0o700)
    assert waves(data_dir) == ["vocab-1"]


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="running the engine as another user needs root and setpriv",
)
def test_the_engine_s_own_permission_denied_is_named():
    """The engine run as `nobody` on a data directory whose append-only folder only root may write:
    the engine's own log line names the cause."""
    # pytest's own temporary folders are private to root, so nobody could not even reach the log.
    top = Path(tempfile.mkdtemp(prefix="kb-perm-", dir="/tmp"))
    data_dir = top / "kb"
    (data_dir / "db" / "appendonlydir").mkdir(parents=True)
    os.chmod(top, 0o755)
    for folder in (data_dir, data_dir / "db"):
        os.chmod(folder, 0o777)  # the log may be written, and the engine may enter its folder
    os.chmod(data_dir / "db" / "appendonlydir", 0o700)  # but not write its append-only files
    server, module = engine._binaries()
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", server, "--port", "0",
         "--unixsocket", str(data_dir / "s.sock"), "--dir", str(data_dir / "db"), "--appendonly", "yes",
         "--logfile", str(data_dir / "engine.log"), "--loadmodule", module],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    fault = faults.explain(data_dir)
    assert fault is not None and fault.kind == "permission", (data_dir / "engine.log").read_text()[-2000:]
    assert "Permission denied" in (fault.line or "")
    shutil.rmtree(top)


def test_the_free_space_warning_says_how_much_is_needed(tmp_path):
    assert faults.space_warning(tmp_path, 1) is None
    free = faults.free_bytes(tmp_path)
    assert free is not None
    warning = faults.space_warning(tmp_path, free)  # twice the free space would be needed
    assert warning is not None and warning.startswith("only ") and str(tmp_path) in warning
    assert json.dumps(warning)  # one line of text
    assert "\n" not in warning


def free_space_needed(data_dir: Path, package: Path) -> int:
    """What the pre-flight check asks for: twice the package and the engine's files."""
    return faults.SPACE_FACTOR * (faults.package_bytes(package) + faults.engine_bytes(data_dir))


def test_a_load_with_the_space_the_check_asks_for_succeeds_without_a_warning(mounted):
    """The threshold is enough: a disk left with just what the check asks for takes the load."""
    mount_tmpfs(mounted)
    data_dir = mounted / "kb"
    assert run_kb("load", VOCAB, data_dir=data_dir).exit_code == 0
    filler = fill(mounted, leave=free_space_needed(data_dir, Z13) + 64 * 1024)
    done = run_kb("load", Z13, "--format", "json", data_dir=data_dir)
    assert done.exit_code == 0, str(done)
    assert "warning: only" not in done.stderr
    assert not any("free on the disk" in w["message"] for w in done.json()["warnings"])
    filler.unlink()
    assert waves(data_dir) == ["vocab-1", "z13-2011"]


def test_the_free_space_warning_reaches_the_json_report(mounted):
    """Just below what the check asks for (the load itself fits: the check keeps a margin), the
    warning is on stderr before the load and among the JSON report's warnings after it."""
    mount_tmpfs(mounted)
    data_dir = mounted / "kb"
    assert run_kb("load", VOCAB, data_dir=data_dir).exit_code == 0
    filler = fill(mounted, leave=free_space_needed(data_dir, Z13) - 8 * 1024)
    done = run_kb("load", Z13, "--format", "json", data_dir=data_dir)
    filler.unlink()
    assert done.exit_code == 0, str(done)
    assert "warning: only" in done.stderr
    messages = [w["message"] for w in done.json()["warnings"]]
    assert any(m.startswith("only ") and "free on the disk holding" in m for m in messages), messages
