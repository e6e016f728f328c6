#!/usr/bin/env bash
# Builds the Python binding (bindings-python/) as an abi3 wheel from scratch in release mode,
# installs it into a fresh virtual environment with no Rust toolchain on its PATH, and runs the
# whole Python suite: the conformance corpus (and byte-for-byte parity with the engine's JSON
# façade), the API, errors and panics, dates and decimals, 100,000 households, threads, payment
# export, the stubs against the compiled module (mypy stubtest), and the OpenG2P addon's mapping
# (examples/odoo/tests).
#
# Needs Python >= 3.10 with venv and pip, and Rust (cargo). Installs maturin into
# bindings-python/.venv/build once; the test environment bindings-python/.venv/test is made anew
# on every run. Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/bindings-python"
BUILD_VENV="$PKG/.venv/build"
TEST_VENV="$PKG/.venv/test"
WHEELS="$ROOT/target/python-wheels"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

step "tools"
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || { echo "python3 not found: Python >= 3.10 is needed" >&2; exit 1; }
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is needed")'
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "python3 has no venv/ensurepip; installing Debian's python3-venv"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: the wheel is built from source with Rust" >&2; exit 1; }
echo "$("$PYTHON" --version), $(cargo --version)"

step "build tools (maturin in $BUILD_VENV)"
if [ ! -x "$BUILD_VENV/bin/maturin" ]; then
  rm -rf "$BUILD_VENV"
  "$PYTHON" -m venv "$BUILD_VENV"
  "$BUILD_VENV/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.9.4,<2"
fi
"$BUILD_VENV/bin/maturin" --version

step "build the abi3 wheel from scratch (maturin build --release)"
rm -rf "$WHEELS"
cargo clean --release -p entitle-python >/dev/null 2>&1 || true
(cd "$PKG" && "$BUILD_VENV/bin/maturin" build --release --quiet -o "$WHEELS")
WHEEL="$(ls "$WHEELS"/entitle-*-abi3-*.whl)"
echo "built $(basename "$WHEEL")"

step "fresh test environment ($TEST_VENV)"
rm -rf "$TEST_VENV"
"$PYTHON" -m venv "$TEST_VENV"
"$TEST_VENV/bin/pip" install --quiet --disable-pip-version-check "$WHEEL" "pytest>=8,<10" "mypy>=1.11,<3"

step "pytest (no Rust toolchain on PATH)"
CLEAN_PATH="$TEST_VENV/bin:/usr/local/bin:/usr/bin:/bin"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
run() { env -i HOME="$SCRATCH" PATH="$CLEAN_PATH" LANG=C.UTF-8 MYPY_CACHE_DIR="$SCRATCH/mypy" RUST_BACKTRACE=0 "$@"; }
if run sh -c 'command -v cargo || command -v rustc' >/dev/null; then
  echo "a Rust toolchain is still on the test PATH" >&2
  exit 1
fi
run "$TEST_VENV/bin/python" -c 'import entitle, sys; p = entitle._native.__file__; print("entitle", entitle.__version__, "from", p); sys.exit(0 if p.startswith(sys.prefix) else "entitle was not imported from the installed wheel")'
run "$TEST_VENV/bin/python" -m pytest -p no:cacheprovider -q "$PKG/tests" "$ROOT/examples/odoo/tests"
