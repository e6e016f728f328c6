#!/usr/bin/env bash
# Builds the entitle-wasm package into bindings-wasm/pkg/:
#   1. the crate for wasm32-unknown-unknown in release mode, optimised for size (LTO, opt-level z),
#   2. wasm-opt -Oz when binaryen is installed,
#   3. wasm-bindgen --target web (usable from a plain page and from bundlers) into pkg/raw/,
#   4. the JS wrapper, its .d.ts and package.json (js/) into pkg/.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli matching Cargo.lock, node.
# scripts/test-wasm.sh installs all of these.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

# Size-optimised release settings for this build only (the workspace's release profile is shared).
# opt-level z keeps the download under the 500 KB budget: about 15 % smaller gzipped than `s`, for
# an evaluation about 1.3 to 2 times slower (BENCHMARKS.md); ENTITLE_WASM_OPT_LEVEL=s builds for speed.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${ENTITLE_WASM_OPT_LEVEL:-z}"
export CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_PANIC=abort
cargo build -p entitle-wasm --release --target wasm32-unknown-unknown

target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
input="$target_dir/wasm32-unknown-unknown/release/entitle_wasm.wasm"

pkg="$here/pkg"
rm -rf "$pkg"
mkdir -p "$pkg/raw"
if command -v wasm-opt >/dev/null; then
  # wasm-opt runs before wasm-bindgen: Debian's binaryen (108) cannot write back a module with the
  # externref table that wasm-bindgen adds (its export ends up pointing at the function table).
  # The flags are the features rustc enables by default for wasm32; every current browser has them.
  optimised="$target_dir/wasm32-unknown-unknown/release/entitle_wasm.opt.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$input" -o "$optimised"
  input="$optimised"
else
  echo "build.sh: wasm-opt not found; the .wasm is not size-optimised (apt-get install binaryen)" >&2
fi
# --target web: an ES module usable from a plain page, from bundlers and from Node (initSync).
# --experimental-reset-state-function: the JS wrapper re-instantiates the module after a trap.
wasm-bindgen --target web --experimental-reset-state-function --out-name entitle_wasm --out-dir "$pkg/raw" "$input"
wasm="$pkg/raw/entitle_wasm_bg.wasm"
cp "$here/js/entitle.js" "$here/js/units.js" "$here/js/entitle.d.ts" "$here/js/package.json" "$pkg/"

raw_size=$(wc -c <"$wasm")
gz_size=$(gzip -9c "$wasm" | wc -c)
echo "build.sh: $pkg ready; entitle_wasm_bg.wasm is $raw_size bytes, $gz_size bytes gzipped (gzip -9)"
