#!/usr/bin/env bash
# Builds the WebAssembly package (bindings-wasm/) from scratch in release mode and runs its whole test
# suite: the binding's Rust unit tests, the .d.ts type check, the API and internal-error tests, the
# conformance corpus (one by one, as a batch, and byte for byte against the native engine), and the
# browser preview (examples/browser-preview/) in headless Chromium.
#
# Installs what it needs, and skips what is already there: the wasm32-unknown-unknown target, the
# wasm-bindgen CLI matching Cargo.lock, Debian's chromium and binaryen (wasm-opt), and the npm
# dev-dependencies (playwright-core, typescript). Node 20 and npm are expected (installed from Debian
# if missing). Exits non-zero on any failure.
#
# Outputs: bindings-wasm/pkg/ (the npm package), target/wasm-native-results.json, and screenshots in
# target/test-output/wasm/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
step() { printf '\n== test-wasm: %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "test-wasm: need root to run: $*" >&2
    return 1
  fi
}

step "tools"
apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v wasm-opt >/dev/null || apt_packages+=(binaryen)
command -v node >/dev/null || apt_packages+=(nodejs)
command -v npm >/dev/null || apt_packages+=(npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "test-wasm: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
# A debug build of the CLI compiles in a third of the time of a release build and writes the same
# output (it takes about two seconds instead of one on this package).
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  cargo install --debug wasm-bindgen-cli --version "$bindgen_version" --locked ||
    cargo install --debug wasm-bindgen-cli --version "$bindgen_version"
fi

cd bindings-wasm
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
cd "$root"

step "build the package (release, wasm32-unknown-unknown, wasm-opt, wasm-bindgen --target web)"
bindings-wasm/build.sh
examples/browser-preview/build.sh

step "native results for the byte-for-byte comparison"
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
native="$target_dir/wasm-native-results.json"
cargo run -q -p entitle-wasm --example native_results -- "$native"

step "the binding's Rust unit tests (host)"
cargo test -q -p entitle-wasm --lib

step "type check of the .d.ts"
(cd bindings-wasm && node_modules/.bin/tsc -p test/tsconfig.json)

step "API, internal errors, conformance corpus, browser preview"
cd bindings-wasm
ENTITLE_NATIVE_RESULTS="$native" ENTITLE_TEST_OUTPUT="$target_dir/test-output/wasm" node --test test/*.test.mjs

step "done"
