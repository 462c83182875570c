#!/usr/bin/env bash
# Serve the stepguide dashboard with standalone Voila on 127.0.0.1.
#
#   scripts/dashboard.sh [NOTEBOOK]        # default: notebooks/dashboard.ipynb
#   PORT=9000 POOL_SIZE=2 scripts/dashboard.sh
#
# Voila reads voila.json from the current directory, so this script changes to
# the repository root first. voila.json sets up preheated kernels, idle
# culling, the shutdown-on-close fix, the extension allowlist and the kernel
# cap (stepguide.serve.room: past what memory allows, a "room is full" page).
# This serves one machine on loopback; for a room on its network, see
# `make workshop` (stepguide/serve/workshop.py).
# Environment variables:
#   PORT       port to listen on (default 8866). Voila exits if it is taken.
#   POOL_SIZE  preheated kernels kept ready (default: voila.json, which is 1).
#              Each one costs ~100 MiB of RAM.
#   VOILA      voila executable (default: .venv/bin/voila, else voila on PATH)
# Any further arguments are passed to Voila, e.g. --debug.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NOTEBOOK="${1:-notebooks/dashboard.ipynb}"
if [ $# -gt 0 ]; then shift; fi
PORT="${PORT:-8866}"

if [ -z "${VOILA:-}" ]; then
  if [ -x "$ROOT/.venv/bin/voila" ]; then VOILA="$ROOT/.venv/bin/voila"; else VOILA="voila"; fi
fi
if [ ! -f "$NOTEBOOK" ]; then
  echo "dashboard.sh: notebook not found: $NOTEBOOK" >&2
  exit 1
fi

args=("$NOTEBOOK" "--port=$PORT" "--Voila.ip=127.0.0.1" "--no-browser")
if [ -n "${POOL_SIZE:-}" ]; then args+=("--pool_size=$POOL_SIZE"); fi

# voila.json names stepguide.serve.hooks; this makes it importable without installing the package.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# This clone's Voila template (and the plotly.js in its static folder) before any installed copy.
export JUPYTER_PATH="$ROOT/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

echo "stepguide dashboard: http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
exec "$VOILA" "${args[@]}" "$@"
