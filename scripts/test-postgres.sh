#!/usr/bin/env bash
# Runs the registry adapters' tests against a throwaway PostgreSQL server that this script starts
# and always stops: the SQLite store and DCI tests, the PostgreSQL tests (OpenG2P/OpenSPP schema,
# hostile names and values, write-back, bad input), the equality of PostgreSQL and CSV results over
# a population made by `entitle generate`, rules translated to SQL run in PostgreSQL against
# Entitle's decisions, and the same comparison through the `entitle` command.
#
# Needs PostgreSQL's server binaries (Debian: postgresql-15; found through PG_BIN, pg_config, or
# /usr/lib/postgresql/*/bin) and a Rust toolchain. As root, the server runs as the `postgres` user
# (initdb refuses root). Nothing outside a temporary directory is touched: the server listens on
# 127.0.0.1 on a free private port and on a private socket directory. Exits non-zero on any failure.
#
#   scripts/test-postgres.sh              # everything
#   HOUSEHOLDS=20000 scripts/test-postgres.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOUSEHOLDS="${HOUSEHOLDS:-3000}"
step() { printf '\n== %s\n' "$*"; }

step "PostgreSQL binaries"
if [ -z "${PG_BIN:-}" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    PG_BIN="$(pg_config --bindir)"
  else
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
fi
if [ ! -x "${PG_BIN:-}/initdb" ] && command -v apt-get >/dev/null 2>&1; then
  # Only the server binaries are needed; the package's own cluster is not used (nor started here).
  echo "installing Debian's postgresql (server binaries)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
[ -x "${PG_BIN:-}/initdb" ] || { echo "PostgreSQL server binaries not found: install postgresql (Debian: apt-get install postgresql-15) or set PG_BIN" >&2; exit 1; }
"$PG_BIN/postgres" --version

WORK="$(mktemp -d "${TMPDIR:-/tmp}/entitle-pg.XXXXXX")"
chmod 755 "$WORK"
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$WORK"
  RUN=(runuser -u postgres --)
fi
as_pg() { "${RUN[@]}" "$@"; }
PGDATA="$WORK/data"
SOCK="$WORK/sock"
as_pg mkdir -p "$SOCK"

stop() {
  local code=$?
  if [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap stop EXIT INT TERM

step "initdb and start (private port and socket directory)"
as_pg "$PG_BIN/initdb" -D "$PGDATA" -U entitle --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
PORT=""
for _ in $(seq 1 20); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 30 \
      -o "-p $candidate -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
    PORT=$candidate
    break
  fi
done
[ -n "$PORT" ] || { echo "could not start PostgreSQL:" >&2; cat "$WORK/server.log" >&2; exit 1; }
echo "PostgreSQL on 127.0.0.1:$PORT and $SOCK"
"$PG_BIN/createdb" -h "$SOCK" -p "$PORT" -U entitle entitle_test
export ENTITLE_TEST_PG="postgres://entitle@127.0.0.1:$PORT/entitle_test"

cd "$ROOT"
step "build entitle and generate $HOUSEHOLDS households"
# The same selection and features as scripts/test-rust.sh's `cargo test`, so that after it nothing is
# rebuilt (`-p` would select other features and rebuild the crates); the CLI's binary comes with it.
cargo test --no-run
ENTITLE="$ROOT/target/debug/entitle"
[ -x "$ENTITLE" ] || ENTITLE="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/entitle"
"$ENTITLE" generate --households "$HOUSEHOLDS" --seed 7 --out "$WORK/population"
export ENTITLE_TEST_POPULATION="$WORK/population"

step "registry adapters: the PostgreSQL tests (cargo test --test postgres -- --include-ignored)"
# The other registry tests ran in scripts/test-rust.sh; these need the server started above.
cargo test --test postgres -- --include-ignored

step "rules as SQL in PostgreSQL: generated rule sets select exactly the eligible units"
# tests/tests/sql_generated.rs: the SQLite store of the SQL tests copied into PostgreSQL, and the
# rules translated for PostgreSQL run there (the SQLite test ran in scripts/test-rust.sh).
cargo test --test sql_generated postgres -- --include-ignored
step "entitle run: the CSV files and the PostgreSQL copy give the same decisions"
# The PostgreSQL tests left the population loaded in the OpenG2P shape in the schema `equality`.
URL="$ENTITLE_TEST_PG?options=-csearch_path%3Dequality"
PROGRAM="$ROOT/examples/programs/child_grant.entitle"
"$ENTITLE" run "$PROGRAM" --registry "$WORK/population" --as-of 2026-03-01 --out "$WORK/run-csv" --no-progress >/dev/null
"$ENTITLE" run "$PROGRAM" --registry "$URL" --map id=ref --map region=x_cst_grp_region \
  --as-of 2026-03-01 --out "$WORK/run-pg" --record --no-progress
sort "$WORK/run-csv/decisions.jsonl" >"$WORK/csv.sorted"
sort "$WORK/run-pg/decisions.jsonl" >"$WORK/pg.sorted"
cmp "$WORK/csv.sorted" "$WORK/pg.sorted"
echo "$(wc -l <"$WORK/csv.sorted") decisions, identical"
RECORDED=$("$PG_BIN/psql" -h "$SOCK" -p "$PORT" -U entitle -d entitle_test -At \
  -c "SELECT count(*) FROM equality.entitle_decision")
[ "$RECORDED" -eq "$(wc -l <"$WORK/csv.sorted")" ] || { echo "recorded $RECORDED decisions" >&2; exit 1; }
echo "$RECORDED decisions recorded in equality.entitle_decision"

step "done"
