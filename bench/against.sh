#!/usr/bin/env bash
# bench/run.sh's demo side against an older commit's code: the same data, two gunicorns, one run.
#
#   bench/against.sh [BASE_COMMIT]     # default 1f920a9, the commit before issue 17
#
# Serves the data bench/run.sh's demo side seeds (seed_scale --clauses 200 --comments 10000 --appeals 10
# --assignments 10 --people 200), in production mode as run.sh does, from two gunicorns (4 workers each): "base"
# runs BASE_COMMIT's code, checked out in a temporary worktree (removed at exit) that shares this checkout's
# .venv; "head" runs this checkout's code, uncommitted changes included. Each has its own copy of the data: the
# current code seeds BENCH_DB_SEED once (kept; again when BENCH_RESEED=1 or when missing), and every run copies it
# afresh into BENCH_DB_BASE and BENCH_DB_HEAD (CREATE DATABASE ... TEMPLATE), so both start from the same rows
# whatever earlier runs wrote. The two commits share a schema (the migrations were squashed to the same tables);
# if the base code does not answer on that copy, the base database is seeded again with the base code.
# bench/load.py then measures base and head in interleaved rounds (every target on base, then on head, then the
# next target; medians), and this prints its table followed by head ÷ base per target and a verdict: is every
# target's req/s within 10% (head ÷ base ≥ 0.90)?
#
# load.py's routing rates and ledger verification run the current code's bench scripts against both databases
# (the same schema), so they measure the data, not the base code; the verdict is on the wrk figures alone.
# No Redis: each worker has its own in-memory cache (a shared Redis would mix the two servers' page caches).
# Environment: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (8), BENCH_PG
# (postgres://postgres@127.0.0.1:5432), BENCH_DB_SEED, BENCH_DB_BASE, BENCH_DB_HEAD, BENCH_PORT_BASE (8151),
# BENCH_PORT_HEAD (8152), BENCH_RESEED. Figures go to var/bench-against/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
HEAD_DIR="$PWD"
BIN="$HEAD_DIR/.venv/bin"
BASE_COMMIT="${1:-1f920a9}"

: "${BENCH_SECONDS:=5}" "${BENCH_ROUNDS:=3}" "${BENCH_CONNECTIONS:=8}" "${BENCH_PG:=postgres://postgres@127.0.0.1:5432}"
: "${BENCH_DB_SEED:=wd_bench_against}" "${BENCH_DB_BASE:=wd_bench_base}" "${BENCH_DB_HEAD:=wd_bench_head}"
: "${BENCH_PORT_BASE:=8151}" "${BENCH_PORT_HEAD:=8152}" "${BENCH_RESEED:=0}"
export BENCH_SECONDS BENCH_ROUNDS BENCH_CONNECTIONS
SEED_ARGS=(--clauses 200 --comments 10000 --appeals 10 --assignments 10 --people 200)

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
BASE_SHA="$(git rev-parse --verify "$BASE_COMMIT^{commit}")"
HEAD_SHA="$(git rev-parse HEAD)"
git diff --quiet HEAD || HEAD_SHA="$HEAD_SHA+uncommitted"
for port in "$BENCH_PORT_BASE" "$BENCH_PORT_HEAD"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use" >&2; exit 2; fi
done

# One key for all three databases, kept between runs so checkpoints signed at seeding stay verifiable.
export VAR_DIR="$HEAD_DIR/var/bench-against" LOG_LEVEL=WARNING
mkdir -p "$VAR_DIR"
unset REDIS_URL CELERY_BROKER_URL
# The load test measures the pages, not the limits that keep one person from flooding them.
export API_ANON_RATE=100000000/minute API_USER_RATE=100000000/minute API_TOKEN_RATE=100000000/minute
export LOGIN_FAILED_RATE=100000/m/ip APPEALS_PER_DAY=100000000 CONSULTATION_COMMENT_LIMIT=100000000
export CONSULTATION_COMMENT_IP_LIMIT=100000000 CONSULTATION_COMMENT_DOMAIN_LIMIT=100000000

SERVERS=()
BASE_DIR=""
cleanup() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$BASE_DIR" ]; then git -C "$HEAD_DIR" worktree remove --force "$BASE_DIR" || true; fi
}
trap cleanup EXIT

BASE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/wd-bench-base.XXXXXX")"
git worktree add -q --detach "$BASE_DIR" "$BASE_SHA"
ln -s "$HEAD_DIR/.venv" "$BASE_DIR/.venv"

database_exists() {
  psql "$BENCH_PG/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}
seed() {  # code directory, database: a new database, migrated and seeded by that code
  psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2"
  echo "== seeding $2 with $(git -C "$1" rev-parse --short HEAD)'s code: seed_scale ${SEED_ARGS[*]}" >&2
  (cd "$1" && DEBUG=1 DATABASE_URL="$BENCH_PG/$2" "$BIN/python" manage.py migrate --noinput -v 0 &&
    DEBUG=1 DATABASE_URL="$BENCH_PG/$2" "$BIN/python" manage.py seed_scale "${SEED_ARGS[@]}" >&2 &&
    DEBUG=1 DATABASE_URL="$BENCH_PG/$2" "$BIN/python" manage.py shell -v 0 \
      -c "from core.bench_views import create_table; create_table()")
}
copy() {  # template, database
  psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE $1"
}

# The key that signed the seeded data's checkpoints lives in VAR_DIR: without it, the data is seeded again.
if [ "$BENCH_RESEED" = 1 ] || ! database_exists "$BENCH_DB_SEED" || [ ! -f "$VAR_DIR/record-signing.key" ]; then
  seed "$HEAD_DIR" "$BENCH_DB_SEED"
else  # a re-run after a merge: the current code's migrations, if any, on the kept data
  DEBUG=1 DATABASE_URL="$BENCH_PG/$BENCH_DB_SEED" "$BIN/python" manage.py migrate --noinput -v 0
fi
copy "$BENCH_DB_SEED" "$BENCH_DB_BASE"
copy "$BENCH_DB_SEED" "$BENCH_DB_HEAD"

# Production mode from here on, over plain HTTP on the loopback, as run.sh runs it; each tree its own static files.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 BENCH_ENDPOINTS=1
export RECORD_SIGNING_KEY_FILE="$VAR_DIR/record-signing.key"
SECRET_KEY="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SECRET_KEY
for side in base head; do
  dir="$HEAD_DIR"
  if [ "$side" = base ]; then dir="$BASE_DIR"; fi
  (cd "$dir" && STATIC_ROOT="$VAR_DIR/static-$side" DATABASE_URL="$BENCH_PG/$BENCH_DB_HEAD" \
    "$BIN/python" manage.py collectstatic --noinput -v 0)
done

serve() {  # side, code directory, database, port; leaves the server's pid in SERVER
  (cd "$2" && STATIC_ROOT="$VAR_DIR/static-$1" DATABASE_URL="$BENCH_PG/$3" exec "$BIN/gunicorn" config.wsgi --chdir "$2" \
    --bind "127.0.0.1:$4" --workers 4 --no-control-socket --error-logfile "$VAR_DIR/gunicorn-$1.log") &
  SERVER="$!"
  SERVERS+=("$SERVER")
}
wait_for() {  # port
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 1; done
  echo "nothing answers on port $1 (see $VAR_DIR/gunicorn-*.log)" >&2
  return 1
}
answers() {  # port: the pages load.py reads before measuring (a failure here would fail it)
  local path
  for path in / /guidelines/ /decisions/ /record/ /statistics/; do
    curl -fs -o /dev/null "http://127.0.0.1:$1$path" || { echo "port $1 answered an error on $path" >&2; return 1; }
  done
  curl -fs -o /dev/null -H "Content-Type: application/json" \
    -d '{"email": "citizen@demo.whodecides.test", "password": "demo-pass-2026"}' "http://127.0.0.1:$1/api/v1/auth/token/"
}
serve base "$BASE_DIR" "$BENCH_DB_BASE" "$BENCH_PORT_BASE"
BASE_SERVER="$SERVER"
serve head "$HEAD_DIR" "$BENCH_DB_HEAD" "$BENCH_PORT_HEAD"
wait_for "$BENCH_PORT_BASE"
wait_for "$BENCH_PORT_HEAD"
answers "$BENCH_PORT_HEAD"
BASE_DATA="a copy of the data the current code seeded"
if ! answers "$BENCH_PORT_BASE"; then
  echo "== the base code does not answer on the current code's data: seeding its copy with the base code" >&2
  kill "$BASE_SERVER" && wait "$BASE_SERVER" || true
  seed "$BASE_DIR" "$BENCH_DB_BASE"
  serve base "$BASE_DIR" "$BENCH_DB_BASE" "$BENCH_PORT_BASE"
  wait_for "$BENCH_PORT_BASE"
  answers "$BENCH_PORT_BASE"
  BASE_DATA="data the base code seeded itself"
fi

echo "base: $BASE_SHA on port $BENCH_PORT_BASE ($BASE_DATA); head: $HEAD_SHA on port $BENCH_PORT_HEAD" >&2
echo "load: $(uptime)" >&2
"$BIN/python" bench/load.py --labels base,head \
  --demo "http://127.0.0.1:$BENCH_PORT_BASE" --large "http://127.0.0.1:$BENCH_PORT_HEAD" \
  --demo-db "$BENCH_PG/$BENCH_DB_BASE" --large-db "$BENCH_PG/$BENCH_DB_HEAD" --json "$VAR_DIR/results.json"
echo "load: $(uptime)" >&2

"$BIN/python" - "$VAR_DIR/results.json" "$BASE_SHA" "$HEAD_SHA" <<'EOF'
import json, statistics, sys

figures = json.load(open(sys.argv[1]))["targets"]
print(f"\nhead ({sys.argv[3][:12]}) ÷ base ({sys.argv[2][:12]}), medians of the rounds; req/s ≥ 0.90 is within 10%:\n")
print("| target | base req/s | head req/s | req/s head ÷ base | p95 head ÷ base | req/s head ÷ base, per round |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
slower = []
for name, sides in figures.items():
    rps = {side: statistics.median(r["rps"] for r in runs) for side, runs in sides.items()}
    p95 = {side: statistics.median(r["p95_ms"] for r in runs) for side, runs in sides.items()}
    rps_ratio = rps["head"] / rps["base"] if rps["base"] else float("nan")
    p95_ratio = p95["head"] / p95["base"] if p95["base"] else float("nan")
    # Each round measures base then head back to back: the median of those paired ratios, for a machine whose
    # load changes between rounds (shown; the verdict is on the ratio of the medians).
    pairs = [h["rps"] / b["rps"] for b, h in zip(sides["base"], sides["head"]) if b["rps"]]
    paired = statistics.median(pairs) if pairs else float("nan")
    if not rps_ratio >= 0.90:  # on the unrounded ratio; nan (base answered nothing in a run) counts as a miss
        slower.append(f"{name} ({rps_ratio:.3f})")
    print(f"| {name} | {rps['base']:.1f} | {rps['head']:.1f} | {rps_ratio:.2f} | {p95_ratio:.2f} | {paired:.2f} |")
if slower:
    print(f"\nNOT within 10%: head ÷ base req/s below 0.90 for {', '.join(slower)}.")
else:
    print(f"\nWithin 10%: head ÷ base req/s ≥ 0.90 for every one of the {len(figures)} targets.")
EOF
