"""`kb ui`: serve the Streamlit app (ui/app.py) on the knowledge base the common options name.

The app runs as a child process (`python -m streamlit run ui/server.py`, which serves ui/app.py and
gets it ready before the first browser arrives); the Config reaches it through KB_DATA_DIR and
KB_URI, so the app reads the same knowledge base this command was pointed at.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from kb.cli.common import common_options, config
from kb.config import Config
from kb.errors import UsageError

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
PASSWORD_ENV = "KB_UI_PASSWORD"


def app_path() -> Path:
    """The script Streamlit runs (the app's server, ui/server.py), wherever the `ui` package is installed."""
    spec = importlib.util.find_spec("ui.server")
    if spec is None or not spec.origin:
        raise UsageError("the app (package `ui`) is not installed; reinstall ccg-kb with `pip install -e .`")
    return Path(spec.origin)


def app_environment(cfg: Config, base: dict[str, str]) -> dict[str, str]:
    """The child's environment: `base` with the Config's data directory and engine made explicit."""
    env = dict(base)
    env["KB_DATA_DIR"] = str(cfg.data_dir)
    # "embedded" rather than unset, so a NEO4J_URI in the environment cannot redirect the app.
    env["KB_URI"] = cfg.uri or "embedded"
    return env


MAX_UPLOAD_MB = 20
PRIMARY_COLOUR = "#c0263a"


def streamlit_command(script: Path, port: int, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        # No page writes by bare expression ("magic"). Streamlit forgets a script's compiled code
        # whenever no browser is connected, and rewriting each script for magic before compiling it
        # again cost 0.05-0.5 s of a page's first run in a new browser.
        "--runner.magicEnabled",
        "false",
        # Tables export only through the app's own buttons (kb.export: formula-safe, with provenance),
        # not through the table toolbar's CSV download or copy, which pass formulas through as typed.
        "--client.disableDataExport",
        "true",
        # The app reads only; no page takes an upload. Should one ever be added, files are capped.
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        # Streamlit's default red (#ff4b4b) shows a selected option as #c53948 on a pink tint, 4.47:1,
        # just under WCAG AA; this darker red keeps the look and passes (ui/app.py does captions).
        "--theme.primaryColor",
        PRIMARY_COLOUR,
    ]


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the app until it exits; SIGTERM is passed on, Ctrl-C reaches it through the terminal."""
    child = subprocess.Popen(command, env=env)
    previous_term = signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)


@click.command()
@common_options
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve the app on."
)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 makes the app reachable from other machines (set KB_UI_PASSWORD then).",
)
def ui(port: int, address: str) -> None:
    """Open the app: browse sites, networks, themes and citations, run the query library, export (read-only)."""
    cfg = config()
    if address not in LOCAL_ADDRESSES and not os.environ.get(PASSWORD_ENV):
        click.echo(
            f"warning: the app listens on {address} without a password; set {PASSWORD_ENV} to require one", err=True
        )
    click.echo(f"serving the app on http://{address}:{port} over {cfg.describe()} (Ctrl-C stops it)", err=True)
    code = serve(streamlit_command(app_path(), port, address), app_environment(cfg, dict(os.environ)))
    if code not in (0, -signal.SIGTERM):
        raise click.exceptions.Exit(code)


COMMANDS = [ui]
