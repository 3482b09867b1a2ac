#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: installs only what is missing or at the wrong version.
#   scripts/setup.sh          Rust wasm target, wasm-pack, wasm-bindgen-cli, npm dev dependencies
#   scripts/setup.sh --test   the same plus Debian's chromium + chromium-driver, rustfmt, clippy
# Prebuilt downloads from GitHub do not work here: everything comes from crates.io, npm and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
t() { local s=$SECONDS; "$@"; echo "[setup] $((SECONDS - s))s: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$HOME/.cargo/bin:$PATH"

# Some sandboxes ship /dev/null as a regular file: every `>/dev/null` then writes into it and
# every reader gets old output back — cargo's rustc probe reads its stdin from /dev/null and
# failed on a build script's error text. Put the character device back (atomically, by rename).
if [ ! -c /dev/null ]; then
  if as_root mknod -m 666 /dev/null.deid-kit c 1 3 && as_root mv -f /dev/null.deid-kit /dev/null; then
    echo "[setup] /dev/null was a regular file; replaced by the null device"
  else
    echo "[setup] warning: /dev/null is a regular file and could not be replaced" >&2
  fi
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
    t as_root apt-get update -qq
    t as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
  fi
  for c in rustfmt clippy; do
    rustup component list --installed | grep -q "^$c" || t rustup component add "$c"
  done
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  t as_root apt-get update -qq
  t as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown ||
  t rustup target add wasm32-unknown-unknown

if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  t cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

# The CLI must print exactly the wasm-bindgen version in Cargo.lock. Not --locked: the CLI's own
# lock pins a webpki-roots the registry here does not serve (../shared/toolchain.md, pitfall 2).
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  t cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# npm dev dependencies (playwright-core, binaryen's wasm-opt, axe-core) from the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  t npm ci --no-audit --no-fund --loglevel=error
fi
