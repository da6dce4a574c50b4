"""The embedded engine's process: a Unix socket only, reuse, durability and crash recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import redis

from kb import engine
from kb.config import load_config
from kb.store import open_store


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    engine.stop(tmp_path)


def test_engine_listens_on_a_socket_in_the_data_dir_and_no_tcp_port(data_dir):
    state = engine.start(data_dir)
    assert state.socket == str(data_dir / "falkordb.sock")
    assert oct(os.stat(state.socket).st_mode & 0o777) == "0o700"
    client = redis.Redis(unix_socket_path=state.socket)
    assert client.config_get("port") == {"port": "0"}
    assert client.config_get("appendonly") == {"appendonly": "yes"}


def test_a_second_process_reuses_the_running_engine(data_dir):
    first = engine.start(data_dir)
    code = f"from kb import engine; import pathlib; print(engine.start(pathlib.Path({str(data_dir)!r})).pid)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out) == first.pid


def test_data_survives_a_clean_stop_and_start(data_dir):
    cfg = load_config(data_dir=data_dir, env={})
    with open_store(cfg) as store:
        store.write("CREATE (:Site {id: 'persist', name: 'Site P'})")
    assert engine.stop(data_dir) is True
    assert engine.status(data_dir).running is False
    with open_store(cfg) as store:
        assert store.read("MATCH (s:Site {id: 'persist'}) RETURN s.name AS n").single_value() == "Site P"


def test_acknowledged_writes_survive_kill_9_of_the_engine(data_dir):
    cfg = load_config(data_dir=data_dir, env={})
    with open_store(cfg) as store:
        store.write_batches(
            "UNWIND $rows AS row CREATE (:Site {id: row.id})", [{"id": f"s{i}"} for i in range(500)], 100
        )
    pid = engine.status(data_dir).pid
    os.kill(pid, signal.SIGKILL)
    with open_store(cfg) as store:  # detects the dead engine and starts a new one
        assert store.read("MATCH (s:Site) RETURN count(s) AS c").single_value() == 500
    assert engine.status(data_dir).pid != pid


def test_stale_pid_and_socket_after_a_crash_are_recovered(data_dir):
    engine.start(data_dir)
    engine.kill(data_dir)
    state_file = json.loads((data_dir / "engine.json").read_text())
    assert not engine.status(data_dir).running  # stale files left behind, nothing answers
    (data_dir / "falkordb.sock").touch(exist_ok=True)
    state = engine.start(data_dir)
    assert state.running and state.pid != state_file["pid"]


def test_stop_when_nothing_runs_says_so(data_dir):
    assert engine.stop(data_dir) is False


def test_long_data_dir_puts_the_socket_in_a_private_temp_folder(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    try:
        state = engine.start(deep)
        assert len(state.socket) <= engine.MAX_SOCKET_PATH + 20
        assert oct(os.stat(os.path.dirname(state.socket)).st_mode & 0o777) == "0o700"
    finally:
        engine.stop(deep)


def test_the_append_only_file_is_compacted_between_units_and_never_on_its_own(data_dir, monkeypatch):
    from kb.store import falkor

    monkeypatch.setattr(falkor, "COMPACT_MIN_BYTES", 1000)
    cfg = load_config(data_dir=data_dir, env={})
    with open_store(cfg) as store:
        # A rewrite forks; so does GRAPH.COPY. Only the store may start one, between units.
        assert store._conn.config_get("auto-aof-rewrite-percentage") == {"auto-aof-rewrite-percentage": "0"}
        for batch in range(3):
            with store.atomic() as unit:
                unit.run_batches(
                    "UNWIND $rows AS row CREATE (:Site {id: row.id})",
                    [{"id": f"{batch}-{i}"} for i in range(1500)],
                    500,
                )
        assert store._conn.info("persistence")["aof_rewrites"] >= 2
    engine.kill(data_dir)
    with open_store(cfg) as store:
        assert store.read("MATCH (s:Site) RETURN count(s) AS c").single_value() == 4500
