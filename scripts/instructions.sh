#!/usr/bin/env bash
# Instructions per household of one household's evaluation (the child grant, a household of two),
# counted by valgrind's cachegrind: a figure that other work on this shared machine does not
# change, where criterion's times move by 10 to 30 %. For comparing two versions of the engine
# (run it in each checkout); the times themselves come from scripts/bench.sh.
#
#   scripts/instructions.sh [MODE...]        default: evaluate into bound
#
# One household (evaluate, into, bound): bench/src/bin/one_household.rs runs twice, with 1,000 and
# 11,000 households; the difference over 10,000 is the count per household, without compiling the
# program and starting up. A batch in memory (plan, interpreter, floor): bench/src/bin/in_memory.rs
# runs 100,000 bound households once and three times, on one core; the difference over 200,000 is
# the count per household of the criterion group "child grant, 100,000 households in memory".
# JSON (json, json-values): bench/src/bin/one_household.rs gives 1,000 and 11,000 copies of the
# household's JSON to the JSON façade (the path of Node's evaluateBatch and WebAssembly's), its
# results written as text straight from the decisions (json) or through serde_json values
# (json-values); the count includes copying the input JSON and checking the results. Run with
# RAYON_NUM_THREADS=1 for a steady count.
# Built with the `dist` profile, as the benchmarks are. Installs valgrind (Debian) when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODES=("${@:-evaluate into bound}")
read -r -a MODES <<<"${MODES[*]}"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "installing Debian's valgrind"
  (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
fi
cargo build --quiet --profile dist -p entitle-bench --bin one_household --bin in_memory

count() { # MODE N
  local bin=one_household
  case "$1" in plan | interpreter | floor) bin=in_memory ;; esac
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$ROOT/target/dist/$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*I[[:space:]]*refs:[[:space:]]*//p' | tr -d ,
}

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
for mode in "${MODES[@]}"; do
  case "$mode" in
    plan | interpreter | floor) few=1 many=3 per=200000 ;;
    *) few=1000 many=11000 per=10000 ;;
  esac
  small="$(count "$mode" "$few")"
  large="$(count "$mode" "$many")"
  [ -n "$small" ] && [ -n "$large" ] || { echo "valgrind gave no count for $mode" >&2; exit 1; }
  echo "$mode: $(((large - small) / per)) instructions per household"
done
