#!/usr/bin/env bash
# The engineering gates: ruff (lint and format), mypy and the import layers. Sets up what it
# needs first (as scripts/test.sh does); extra arguments are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
run() { echo "lint: $*"; "$@" || status=1; }
run .venv/bin/ruff check .
run .venv/bin/ruff format --check .
run .venv/bin/mypy
run .venv/bin/lint-imports
if [ "$status" != 0 ]; then
  echo "lint: failed (see above)" >&2
fi
exit "$status"
