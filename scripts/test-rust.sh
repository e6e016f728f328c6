#!/usr/bin/env bash
# The Rust part of the project's tests: every test of the workspace's default members (the
# pure-Rust crates: dsl, core, the adapters, the CLI, the cross-crate tests), then clippy.
#
# Clippy runs over the same crates; its findings fail this script only in the crates listed in
# CLIPPY_STRICT (the others are reported as a count), so that one crate's lint debt does not hide
# another's regressions. Add a crate's directory there once it is clean.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLIPPY_STRICT=(registry-adapters cli)

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust with rustup (the project builds with the stable toolchain)" >&2
  exit 1
fi
if ! cargo clippy --version >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
  rustup component add clippy || true
fi
echo "$(cargo --version), $(rustc --version)"

step "tools for the payment tests (xmllint, the ISO 20022 pain.001 XSDs shipped by sepaxml 2.7.0)"
# payment-adapters/tests validate the pain.001 files with xmllint against sepaxml's XSDs.
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v xmllint >/dev/null 2>&1; then
  echo "installing Debian's libxml2-utils (xmllint)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libxml2-utils >/dev/null
fi
if ! python3 -c 'import sepaxml' >/dev/null 2>&1; then
  # A private environment, so nothing is installed into the system's Python.
  TOOLS_VENV="$ROOT/target/tools/sepaxml"
  if ! "$TOOLS_VENV/bin/python3" -c 'import sepaxml' >/dev/null 2>&1; then
    echo "installing sepaxml==2.7.0 into $TOOLS_VENV"
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    fi
    rm -rf "$TOOLS_VENV"
    python3 -m venv "$TOOLS_VENV"
    "$TOOLS_VENV/bin/pip" install --quiet --disable-pip-version-check "sepaxml==2.7.0"
  fi
  # The tests ask `python3` where sepaxml's schemas are.
  export PATH="$TOOLS_VENV/bin:$PATH"
fi
echo "$(xmllint --version 2>&1 | head -1); sepaxml in $(python3 -c 'import os, sepaxml; print(os.path.dirname(sepaxml.__file__))')"

step "cargo fmt --check (the whole workspace, rustfmt's defaults)"
if ! cargo fmt --version >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
  rustup component add rustfmt || true
fi
cargo fmt --all --check >/dev/null || { cargo fmt --all --check | head -40; echo "run: cargo fmt --all" >&2; exit 1; }

step "cargo test (default workspace members)"
cargo test

step "cargo clippy"
if cargo clippy --version >/dev/null 2>&1; then
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # --cap-lints warn: a crate's own `deny` lints are reported here instead of stopping the build
  # before the crates that depend on it are linted.
  cargo clippy --all-targets --message-format=short -- --cap-lints warn 2>"$log" || { cat "$log"; exit 1; }
  strict_pattern="^($(IFS='|'; echo "${CLIPPY_STRICT[*]}"))/"
  if grep -E "$strict_pattern" "$log" | grep -E ": (warning|error)" ; then
    echo "clippy: the findings above are in crates that must stay clean (${CLIPPY_STRICT[*]})" >&2
    exit 1
  fi
  other="$(grep -cE '^[^ ]+\.rs:[0-9]+:[0-9]+: (warning|error)' "$log" || true)"
  echo "clippy: clean in ${CLIPPY_STRICT[*]}; ${other} findings elsewhere"
else
  echo "clippy is not installed and could not be installed: skipped"
fi
