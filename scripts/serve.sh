#!/usr/bin/env bash
# Sets up, builds the WASM package and serves the browser tool on http://127.0.0.1:${PORT:-8080}/
# with a bundled synthetic sample file. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
build_packages
exec node scripts/serve.mjs --port "${PORT:-8080}"
