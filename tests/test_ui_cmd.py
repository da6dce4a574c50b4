"""`kb ui`: what it hands the app (the Config through the environment) and how it starts Streamlit.

The command serving the app for real is exercised by the browser test (tests/browser/).
"""

from __future__ import annotations

from kb.cli.ui_cmd import app_environment, app_path, streamlit_command
from kb.config import load_config
from support.cli import run_kb
from support.paths import REPO


def test_the_app_reads_the_data_directory_the_command_was_given(tmp_path):
    cfg = load_config(data_dir=tmp_path, env={})
    env = app_environment(cfg, {"NEO4J_URI": "neo4j://elsewhere:7687", "PATH": "/bin"})
    assert env["KB_DATA_DIR"] == str(tmp_path)
    assert env["PATH"] == "/bin"
    # A Neo4j URI left in the environment must not pull the app away from the embedded engine.
    assert load_config(env=env).uri is None
    assert load_config(env=env).data_dir == tmp_path.resolve()


def test_the_app_reads_the_neo4j_server_the_command_was_given(tmp_path):
    cfg = load_config(uri="neo4j://graph.example:7687", env={})
    env = app_environment(cfg, {})
    assert load_config(env=env).uri == "neo4j://graph.example:7687"


def test_streamlit_serves_the_entry_script_on_the_chosen_port_without_table_exports():
    command = streamlit_command(app_path(), 8600, "127.0.0.1")
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[4] == str(REPO / "ui" / "server.py")
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.port"] == "8600"
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.headless"] == "true"
    assert options["--client.disableDataExport"] == "true"
    assert options["--server.maxUploadSize"] == "20"
    assert options["--browser.gatherUsageStats"] == "false"
    # Pages never write by bare expression, so a new browser's first run skips rewriting them for it.
    assert options["--runner.magicEnabled"] == "false"
    # A selected option is drawn in this colour on a tint of it; Streamlit's own red gave 4.47:1.
    assert options["--theme.primaryColor"] == "#c0263a"


def test_help_names_port_address_and_the_common_options():
    result = run_kb("ui", "--help")
    assert result.exit_code == 0
    for option in ("--port", "--address", "--data-dir", "--uri", "--debug"):
        assert option in result.stdout


def test_a_port_out_of_range_is_refused_before_anything_starts():
    result = run_kb("ui", "--port", "70000")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--port': 70000 is not in the range 1<=x<=65535." in result.error_lines
