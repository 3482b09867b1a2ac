#!/usr/bin/env bash
# Sets up and runs every test: format, lints, native tests, wasm tests in Node and Chromium,
# the npm package build, and the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh
# Where /dev/null could not be made a device (scripts/setup.sh), empty it before each step.
step() {
  local s=$SECONDS
  [ -c /dev/null ] || : >/dev/null
  echo "== $*"; "$@"; echo "[test] $((SECONDS - s))s: $*"
}

step cargo fmt --check
step cargo clippy --all-targets --locked -- -D warnings
step cargo clippy --target wasm32-unknown-unknown --lib --tests --locked -- -D warnings
step cargo test --locked
step wasm-pack --log-level warn test --node --mode no-install
step wasm-pack --log-level warn test --headless --chrome --mode no-install
step build_packages
step cargo build --release --locked --bin deid-kit
step node --test --test-concurrency=1 tests/e2e/
echo "All tests passed."
