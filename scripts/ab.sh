#!/usr/bin/env bash
# Two builds of `entitle` compared on one registry, as the commit messages' A/B figures are:
#
#   scripts/ab.sh OLD_BINARY NEW_BINARY [ROUNDS=6] [REGISTRY=/tmp/entitle-bench/registry-1000000]
#
# Each round runs both on the child grant with its decisions written, the order swapped every
# round; each run writes to the directory of its place in the round, so both builds use both
# (the second run of a pair pays more system time: the kernel is still writing the first one's
# 0.7 GB back). Prints user CPU, system CPU, wall time and peak memory per run, then the medians;
# fails if the two builds' decision and error files differ. The registry comes from
# `entitle generate --households 1000000 --seed 42 --out DIR` (scripts/bench.sh makes it).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-6} reg=${4:-/tmp/entitle-bench/registry-1000000}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
program="$ROOT/examples/programs/child_grant.entitle"
out=$(mktemp -d)
log="$out/times"
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then order="old new"; else order="new old"; fi
  slot=0
  for v in $order; do
    slot=$((slot + 1))
    bin=$old; [ "$v" = new ] && bin=$new
    rm -rf "$out/$slot"
    /usr/bin/time -f "$v %U %S %e %M" "$bin" run "$program" --registry "$reg" --as-of 2026-03-01 \
      --out "$out/$slot" --no-progress >/dev/null 2>>"$log"
    tail -n 1 "$log"
  done
done
for f in decisions.csv decisions.jsonl errors.csv; do
  cmp -s "$out/1/$f" "$out/2/$f" || { echo "$f differs between the builds" >&2; exit 1; }
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for v in old new; do
  printf '%s: user %s s, system %s s, wall %s s, peak %s KiB (medians of %s)\n' "$v" \
    "$(grep "^$v " "$log" | cut -d' ' -f2 | median)" "$(grep "^$v " "$log" | cut -d' ' -f3 | median)" \
    "$(grep "^$v " "$log" | cut -d' ' -f4 | median)" "$(grep "^$v " "$log" | cut -d' ' -f5 | median)" "$rounds"
done
echo "outputs identical"
