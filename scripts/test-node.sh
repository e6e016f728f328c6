#!/usr/bin/env bash
# Builds the Node binding (bindings-node/) from scratch in release mode and runs its whole test
# suite: the conformance corpus, byte-for-byte parity with the Rust engine, the API and errors,
# 100,000-household batches (sync and async), the example, and the TypeScript types.
#
# Needs Node >= 18 with npm and a Rust toolchain (>= 1.88 for napi 3). Installs the npm
# dev-dependencies (typescript, @types/node) from package-lock.json when they are missing or stale.
# Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/bindings-node"
cd "$PKG"

step() { printf '\n== %s\n' "$*"; }

step "tools"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node or npm not found; installing Debian's nodejs and npm"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
node -e 'const m = +process.versions.node.split(".")[0]; if (m < 18) { console.error(`Node ${process.version} is too old: 18 or later is needed`); process.exit(1); }'
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: the Node binding is built from source with Rust (>= 1.88)" >&2; exit 1; }
echo "node $(node --version), npm $(npm --version 2>/dev/null), $(cargo --version)"

step "npm dev-dependencies (package-lock.json)"
if [ ! -x node_modules/.bin/tsc ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --prefer-offline
else
  echo "up to date"
fi

step "build the addon from scratch (cargo build --release -p entitle-node)"
rm -rf entitle.node build
# One cargo run builds the addon and the Rust engine's corpus printer (for the parity test, which
# runs the binary directly: a `cargo run` inside a test could wait on another build's lock).
ENTITLE_CORPUS_JSON="$(node scripts/build.js --example corpus_json)"
test -f entitle.node
test -x "$ENTITLE_CORPUS_JSON"
export ENTITLE_CORPUS_JSON

step "type-check the TypeScript test against index.d.ts (tsc --noEmit)"
node_modules/.bin/tsc --noEmit -p test/tsconfig.json
node_modules/.bin/tsc -p test/tsconfig.json --noEmit false --outDir build/test-ts

step "node --test"
# The panic tests print the engine's panic message on stderr; backtraces would only add noise.
RUST_BACKTRACE=0 node --test test/*.test.js build/test-ts/*.test.js
