#!/usr/bin/env bash
# Reliability (issue 8, SECURITY.md): adversarial input, faults and determinism.
#
#   1. Fuzzing: builds the cargo-fuzz targets (fuzz/, nightly), replays the seeds, the committed
#      corpus and the regression inputs of each target, then fuzzes each briefly from them.
#   2. Crash loop: `entitle run` over the SQLite store killed (SIGKILL) at random moments, twenty
#      times; complete outputs or none, a consistent store, a re-run that succeeds
#      (cli/tests/crash_safety.rs).
#   3. Determinism: byte-identical outputs with one or two threads, run after run
#      (cli/tests/determinism.rs), and the same bytes from Rust, Python, Node and WebAssembly on a
#      generated population (tests/reliability/).
#   4. Privacy in the bindings: units seeded with recognisable values; no error shows one
#      (tests/reliability/). The Rust side's privacy tests run in scripts/test-rust.sh.
#
# Reuses what the earlier scripts built (test-all.sh runs them first): the workspace's debug build
# (test-rust.sh), the Python wheel in bindings-python/.venv/test (test-python.sh),
# bindings-node/entitle.node (test-node.sh) and bindings-wasm/pkg (test-wasm.sh). Installs nightly
# and cargo-fuzz when missing.
#
# Time on the project's 2-core machine, shared and loaded: warm 6 minutes (fuzzing 2, two targets
# at a time; the crash loop and determinism 4, the cross-language checks 0.5). Cold, add about 9
# minutes: installing cargo-fuzz takes 2.5, the first build of the fuzz targets (address
# sanitizer, with the parquet crate) 7.
#
# ENTITLE_FUZZ_SECONDS (default 15) sets each target's fuzzing time; 0 only replays.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FUZZ_SECONDS="${ENTITLE_FUZZ_SECONDS:-15}"
TARGETS=(parse_check evaluate registry_files registry_parquet dci)
AS_OF=2026-03-01

step() { printf '\n== %s (%d s)\n' "$*" "$SECONDS"; }
fail() { echo "test-reliability: $*" >&2; exit 1; }

step "tools: nightly Rust and cargo-fuzz"
command -v cargo >/dev/null 2>&1 || fail "cargo not found: install Rust with rustup"
if ! cargo +nightly --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 || fail "no nightly toolchain and no rustup to install one"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  # --locked keeps cargo-fuzz's own tested versions; without it when those no longer build.
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
echo "$(cargo +nightly --version), $(cargo fuzz --version)"

step "bindings built by the earlier scripts"
PYTHON="$ROOT/bindings-python/.venv/test/bin/python"
missing=()
[ -x "$PYTHON" ] && "$PYTHON" -c 'import entitle' 2>/dev/null ||
  missing+=("the Python wheel in bindings-python/.venv/test: run scripts/test-python.sh")
[ -f bindings-node/entitle.node ] || missing+=("bindings-node/entitle.node: run scripts/test-node.sh")
[ -f bindings-wasm/pkg/raw/entitle_wasm_bg.wasm ] && [ -f bindings-wasm/pkg/entitle.js ] ||
  missing+=("bindings-wasm/pkg: run scripts/test-wasm.sh")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}" >&2
  fail "the cross-language checks need the bindings the other test scripts build"
fi
command -v node >/dev/null 2>&1 || fail "node not found: run scripts/test-node.sh first"
echo "python: $("$PYTHON" -c 'import entitle; print(entitle.__version__)'), node $(node --version)"

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

step "fuzz: build the targets (release, debug assertions, address sanitizer)"
(cd fuzz && cargo +nightly fuzz build)

# The seeds are made from the examples and the conformance corpus (not committed: the corpus holds
# only what adds coverage to them).
python3 fuzz/seed.py >/dev/null
# One target: its committed inputs replayed, then fuzzed from them; everything into its own log.
fuzz_target() { # TARGET
  local t="$1" dirs replay_start total
  # Paths relative to fuzz/, where cargo fuzz runs.
  dirs=("seeds/$t" "corpus/$t")
  [ -d "fuzz/regressions/$t" ] && dirs+=("regressions/$t")
  step "fuzz $t: replay the $(cd fuzz && find "${dirs[@]}" -type f | wc -l) inputs of ${dirs[*]}"
  # -runs=0: every input is run once and nothing new is tried. No input may ask for more than
  # 256 MB at once (libFuzzer's default is 2 GB): a file of a few kilobytes that makes a reader
  # allocate gigabytes is a finding, and regressions/registry_parquet/huge-page-declared-2gb asks
  # for 2 GB from a `parquet` crate left without the reader's page check.
  replay_start=$SECONDS
  (cd fuzz && cargo +nightly fuzz run "$t" "${dirs[@]}" -- -runs=0 -malloc_limit_mb=256 \
    >"$SCRATCH/replay-$t.log" 2>&1) ||
    { tail -60 "$SCRATCH/replay-$t.log"; echo "test-reliability: fuzz target $t failed on a committed input"; return 1; }
  grep -E 'INITED' "$SCRATCH/replay-$t.log" | tail -1
  if [ "$FUZZ_SECONDS" -gt 0 ]; then
    step "fuzz $t: ${FUZZ_SECONDS} s from the committed corpus"
    # New inputs go to a scratch directory (the first one given), so the run changes nothing in
    # the repository; a crash stops the script with libFuzzer's report and the input's path.
    mkdir -p "$SCRATCH/corpus-$t" "$SCRATCH/artifacts-$t"
    # libFuzzer counts loading the corpus in -max_total_time: the replay's time is added to it.
    total=$((SECONDS - replay_start + FUZZ_SECONDS))
    (cd fuzz && cargo +nightly fuzz run "$t" "$SCRATCH/corpus-$t" "${dirs[@]}" -- \
      -max_total_time="$total" -malloc_limit_mb=256 -artifact_prefix="$SCRATCH/artifacts-$t/" -print_final_stats=1 \
      >"$SCRATCH/fuzz-$t.log" 2>&1) ||
      { tail -60 "$SCRATCH/fuzz-$t.log"; echo "test-reliability: fuzz target $t failed"; return 1; }
    grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units' "$SCRATCH/fuzz-$t.log" | tail -2
  fi
}

# Two targets at a time: each is one libFuzzer process, single-threaded, and the machine has two
# cores (the fuzzing part takes half the wall time it took one target after another). Their logs
# are printed in order once both have ended.
failed=()
for ((i = 0; i < ${#TARGETS[@]}; i += 2)); do
  pair=("${TARGETS[@]:i:2}")
  pids=()
  for t in "${pair[@]}"; do
    fuzz_target "$t" >"$SCRATCH/target-$t.log" 2>&1 &
    pids+=($!)
  done
  for k in "${!pair[@]}"; do
    wait "${pids[$k]}" || failed+=("${pair[$k]}")
    cat "$SCRATCH/target-${pair[$k]}.log"
  done
done
[ ${#failed[@]} -eq 0 ] || fail "fuzz targets failed: ${failed[*]}"

step "crash loop and determinism over threads (the CLI's debug build)"
# The same package selection and features as scripts/test-rust.sh's `cargo test`, so nothing is
# built again: a release build of the CLI and its adapters (SQLite's C code, arrow, PostgreSQL)
# would cost about 6.5 minutes cold, more than the debug build's slower runs (about 4 minutes
# for both tests). The kills' moments scale with the reference run's length, so the loop covers
# the whole run in either build.
cargo test --test crash_safety --test determinism -- --ignored --nocapture --test-threads 1

step "cross-language determinism: a generated population"
cargo build --bin entitle --example facade_results
target/debug/entitle generate --households 3000 --seed 11 --defects --format jsonl --out "$SCRATCH/registry" >/dev/null
python3 tests/reliability/make_units.py "$SCRATCH/registry" "$SCRATCH/units"

compare() { # PROGRAM UNITS NAME [--explain]
  local program="$1" units="$2" name="$3"; shift 3
  target/debug/examples/facade_results "$program" "$AS_OF" "$units" "$@" >"$SCRATCH/$name.rust.jsonl"
  "$PYTHON" tests/reliability/bindings.py results "$program" "$AS_OF" "$units" "$SCRATCH/$name.python.jsonl" "$@" >/dev/null
  node tests/reliability/bindings.mjs node results "$program" "$AS_OF" "$units" "$SCRATCH/$name.node.jsonl" "$@" >/dev/null
  node tests/reliability/bindings.mjs wasm results "$program" "$AS_OF" "$units" "$SCRATCH/$name.wasm.jsonl" "$@" >/dev/null
  for lang in python node wasm; do
    cmp "$SCRATCH/$name.rust.jsonl" "$SCRATCH/$name.$lang.jsonl" || fail "$name: $lang differs from Rust"
  done
  echo "$name: $(wc -l <"$SCRATCH/$name.rust.jsonl") results, identical bytes from Rust, Python, Node and WASM"
}
compare examples/programs/child_grant.entitle "$SCRATCH/units/households.json" child_grant --explain
compare examples/programs/pmt.entitle "$SCRATCH/units/households.json" pmt --explain
compare examples/programs/old_age_pension.entitle "$SCRATCH/units/individuals.json" old_age_pension

step "privacy in the bindings: seeded values never appear in errors"
"$PYTHON" tests/reliability/bindings.py privacy examples/programs/child_grant.entitle "$AS_OF" tests/reliability/privacy_units.json
node tests/reliability/bindings.mjs node privacy examples/programs/child_grant.entitle "$AS_OF" tests/reliability/privacy_units.json
node tests/reliability/bindings.mjs wasm privacy examples/programs/child_grant.entitle "$AS_OF" tests/reliability/privacy_units.json

step "reliability checks passed"
