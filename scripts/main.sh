#!/usr/bin/env bash
# Set up, start the embedded engine, load the demo studies and open the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kb engine start
if .venv/bin/kb demo --help >/dev/null 2>&1; then
  .venv/bin/kb demo
fi
.venv/bin/kb status
if .venv/bin/kb ui --help >/dev/null 2>&1 && [ "${KB_NO_UI:-}" != "1" ]; then
  exec .venv/bin/kb ui "$@"
fi
