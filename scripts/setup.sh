#!/usr/bin/env bash
# Set up everything on a fresh machine: a virtual environment with the package and its test tools,
# the Cypher linter's Node packages, and (with --browser) Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "error: Python 3.11 or newer is needed (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2; exit 2; }

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test,lint]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ -f tools/cypher-lint/package-lock.json ]; then
  if command -v npm >/dev/null; then
    if [ ! -d tools/cypher-lint/node_modules ] || [ tools/cypher-lint/package-lock.json -nt tools/cypher-lint/node_modules ]; then
      (cd tools/cypher-lint && npm ci --silent --no-audit --no-fund)
    fi
  else
    echo "warning: Node.js/npm not found; the Cypher lint test will fail in CI (install nodejs and npm)" >&2
  fi
fi

# axe-core, the accessibility checker the browser tests run in each page (pinned by its lock file).
if [ "${1:-}" = "--browser" ] && [ -f tools/axe/package-lock.json ] && command -v npm >/dev/null; then
  if [ ! -d tools/axe/node_modules ] || [ tools/axe/package-lock.json -nt tools/axe/node_modules ]; then
    (cd tools/axe && npm ci --silent --no-audit --no-fund)
  fi
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
    || echo "warning: could not install Debian's chromium; browser tests will be skipped" >&2
fi
