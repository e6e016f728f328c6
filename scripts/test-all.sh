#!/usr/bin/env bash
# The project's one test command (what CI runs): every scripts/test-*.sh in turn, in a fixed
# order (rust, python, node, wasm, postgres, then any other alphabetically), stopping at the first
# that fails. Each script installs what it needs and is quick when everything is already there.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ordered=()
for name in rust python node wasm postgres; do
  [ -f "scripts/test-$name.sh" ] && ordered+=("scripts/test-$name.sh")
done
for f in scripts/test-*.sh; do
  [ "$f" = "scripts/test-all.sh" ] && continue
  case " ${ordered[*]} " in *" $f "*) continue ;; esac
  ordered+=("$f")
done

passed=0
start=$SECONDS
for script in "${ordered[@]}"; do
  printf '\n######## %s\n' "$script"
  t=$SECONDS
  if bash "$script"; then
    passed=$((passed + 1))
    printf '######## %s passed (%d s)\n' "$script" $((SECONDS - t))
  else
    code=$?
    printf '######## %s FAILED with exit code %d (%d s)\n' "$script" "$code" $((SECONDS - t))
    echo "test-all: $passed passed, 1 failed"
    exit 1
  fi
done
printf '\nall %d test scripts passed in %d s\n' "$passed" $((SECONDS - start))
echo "test-all: $passed passed, 0 failed"
