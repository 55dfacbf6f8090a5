#!/usr/bin/env bash
# claimdesk against the tools reviewers use instead, on one generated 1,000,000-claim SQLite file
# (and the same claims in PostgreSQL). Prints markdown for BENCHMARKS.md.
#
#   bench/compare.sh [RUNS]          (default 7 runs per case, in alternation, median reported)
#
# Scratch data lives in $CLAIMDESK_BENCH_DIR (default /tmp/claimdesk-bench), never in the repo;
# PostgreSQL at $CLAIMDESK_BENCH_PG (default postgres://postgres@127.0.0.1:5432), database
# cd_bench_1m, dropped at the end unless KEEP_PG=1. Existing scratch files are reused unless
# REGENERATE=1. Needs sqlite3, /usr/bin/time and VisiData (`pip install visidata`).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-7}
WORK=${CLAIMDESK_BENCH_DIR:-/tmp/claimdesk-bench}
PG=${CLAIMDESK_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PGDB=cd_bench_1m
AS_OF=2026-11-16
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/claimdesk
mkdir -p "$WORK"
export XDG_CONFIG_HOME=$WORK/config; unset CLAIMDESK_CONFIG CLAIMDESK_DATABASE_URL NO_COLOR

echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Command: \`bench/compare.sh $RUNS\`"
echo

cargo build -q --release --bin claimdesk --example first_screen --example output_bytes \
  --example store_timings
FIRST_SCREEN=$TARGET/release/examples/first_screen

timed() { # LABEL COMMAND...: runs it, prints a table row with wall, CPU and peak memory
  local label=$1; shift
  /usr/bin/time -o "$WORK/time.txt" -f '%e %U %S %M' "$@" >/dev/null
  read -r wall user sys kb <"$WORK/time.txt"
  echo "| $label | $wall | $user | $sys | $((kb / 1024)) |"
}

echo "### Bulk load (\`generate --claims N --seed 1 --as-of $AS_OF\`)"
echo
echo "| store | wall s | user s | sys s | peak MB |"
echo "| --- | ---: | ---: | ---: | ---: |"
if [[ ${REGENERATE:-0} == 1 ]]; then rm -f "$WORK"/1m.db* "$WORK"/100.db*; fi
if [[ ! -f $WORK/1m.db ]]; then
  timed "SQLite, 1,000,000 claims" "$BIN" --db "sqlite:$WORK/1m.db" generate --claims 1000000 --seed 1 --as-of $AS_OF
fi
if [[ ! -f $WORK/100.db ]]; then
  timed "SQLite, 100 claims" "$BIN" --db "sqlite:$WORK/100.db" generate --claims 100 --seed 1 --as-of $AS_OF
fi
if ! psql -Atq "$PG/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$PGDB'" | grep -q 1; then
  psql -q "$PG/postgres" -c "CREATE DATABASE $PGDB"
  timed "PostgreSQL, 1,000,000 claims" "$BIN" --db "$PG/$PGDB" generate --claims 1000000 --seed 1 --as-of $AS_OF
  # What autovacuum does soon after a bulk insert, done now so the timings below do not
  # depend on when it runs (index-only counts need the visibility map).
  timed "PostgreSQL: VACUUM claims afterwards (autovacuum would)" psql -q "$PG/$PGDB" -c "VACUUM claims"
fi
if [[ ${KEEP_PG:-0} != 1 ]]; then
  trap 'psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"' EXIT
fi
echo "SQLite file: $(du -h "$WORK/1m.db" | cut -f1)"
echo

# The queue's first and last claims (Under review, SLA urgency), as every tool shows them.
Q="FROM claims WHERE queue_state = 'review' ORDER BY submitted_at, claim_id"
FIRST=$(sqlite3 "$WORK/1m.db" "SELECT claim_id $Q LIMIT 1")
LAST=$(sqlite3 "$WORK/1m.db" "SELECT claim_id FROM claims WHERE queue_state = 'review' ORDER BY submitted_at DESC, claim_id DESC LIMIT 1")
FIRST100=$(sqlite3 "$WORK/100.db" "SELECT claim_id $Q LIMIT 1")
TABLE_FIRST=$(sqlite3 "$WORK/1m.db" "SELECT claim_id FROM claims ORDER BY rowid LIMIT 1")
# VisiData is optional: without it its row is left out rather than the whole report lost.
VD=$( (command -v pyenv >/dev/null && pyenv which vd 2>/dev/null) || command -v vd || true)
VD_CASE=()
if [[ -n $VD ]]; then
  VD_CASE=(--case "VisiData $("$VD" --version 2>/dev/null | head -1 | awk '{print $2}'), claims table (unsorted)|$TABLE_FIRST|$VD $WORK/1m.db +:claims::")
fi

echo "### First queue rows on the screen (120x40 pty, process start to the first claim shown)"
echo
"$FIRST_SCREEN" --runs "$RUNS" --size 120x40 \
  --case "claimdesk, SQLite, 1,000,000 claims|$FIRST|$BIN --db sqlite:$WORK/1m.db --reviewer alice" \
  --case "claimdesk, SQLite, 100 claims|$FIRST100|$BIN --db sqlite:$WORK/100.db --reviewer alice" \
  --case "sqlite3 CLI, same query, the 36 rows claimdesk shows|$FIRST|sqlite3 $WORK/1m.db \"SELECT claim_id, partner_name, product, submitted_at $Q LIMIT 36\"" \
  --case "claimdesk, PostgreSQL, 1,000,000 claims|$FIRST|$BIN --db $PG/$PGDB --reviewer alice" \
  "${VD_CASE[@]}" \
  2>"$WORK/first_screen.log"
echo

echo "### Peak memory: first screen, \`G\` to the last claim, \`g\` back, \`q\`"
echo
echo "| store | peak RSS MB |"
echo "| --- | ---: |"
for db in "sqlite:$WORK/1m.db" "$PG/$PGDB"; do
  "$FIRST_SCREEN" --runs 1 --case "mem|$FIRST|/usr/bin/time -o $WORK/mem.txt -v $BIN --db $db --reviewer alice" \
    --then "G|$LAST" --then "g|$FIRST" --quit q >/dev/null 2>>"$WORK/first_screen.log"
  echo "| ${db%%:*} | $(awk '/Maximum resident/ {printf "%.1f", $6 / 1024}' "$WORK/mem.txt") |"
done
echo

echo "### What the TUI waits for from the store (\`store_timings\`, $RUNS runs each)"
echo
echo "SQLite, 1,000,000 claims:"
echo
"$TARGET/release/examples/store_timings" "sqlite:$WORK/1m.db" "$RUNS"
echo
echo "PostgreSQL, 1,000,000 claims:"
echo
"$TARGET/release/examples/store_timings" "$PG/$PGDB" "$RUNS"
echo

echo "### Bytes to the terminal per key (queue, 120x40)"
echo
echo '```'
"$TARGET/release/examples/output_bytes" 120x40
echo '```'
echo
echo "With ratatui's \`scrolling-regions\` (\`--features scrolling-regions\`):"
echo
echo '```'
cargo run -q --release --features scrolling-regions --example output_bytes -- 120x40
echo '```'
echo
echo "### Criterion (\`cargo bench --bench queue --bench sla\`): keystroke to frame, compare view, SLA"
echo
echo '```'
cargo bench -q --bench queue --bench sla 2>/dev/null | grep -E "^[a-zA-Z_0-9/]+ +time:|^ +time:|^[a-zA-Z_0-9/]+$" || true
echo '```'
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
