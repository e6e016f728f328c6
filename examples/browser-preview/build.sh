#!/usr/bin/env bash
# Puts what the preview page loads next to it: the entitle-wasm package (built by
# bindings-wasm/build.sh) in pkg/, and the Child Support Grant program. Then serve this folder with
# any static server, e.g. `python3 -m http.server -d examples/browser-preview 8000`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pkg="$root/bindings-wasm/pkg"
if [ ! -f "$pkg/raw/entitle_wasm_bg.wasm" ]; then
  echo "browser-preview/build.sh: $pkg is not built; run bindings-wasm/build.sh first" >&2
  exit 1
fi
rm -rf "$here/pkg"
mkdir -p "$here/pkg"
cp -R "$pkg/." "$here/pkg/"
cp "$root/examples/programs/child_grant.entitle" "$here/child_grant.entitle"
echo "browser-preview/build.sh: $here ready"
