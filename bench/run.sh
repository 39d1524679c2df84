#!/usr/bin/env bash
# The site under load, side by side with its own baselines, run as production runs it: gunicorn (4 workers,
# production settings) on PostgreSQL, Redis as cache and Celery broker, and a real Celery worker with beat per side
# doing the background work the POSTs queue; measured with wrk in interleaved rounds (median of BENCH_ROUNDS), on
# demo data and on large data. Then bench/background.py: clustering, folding and mail per worker beside the POSTs.
#
#   bench/run.sh                    # small: a few minutes once seeded (50,000 comments, 5,000 decisions, ...)
#   BENCH_SIZE=full bench/run.sh    # the issue's sizes: 1,000,000 comments, 100,000 decisions and assignments,
#                                   # 1,000,000 ledger entries (seeding takes about 10 minutes on two cores)
#
# Needs: PostgreSQL reachable at BENCH_PG (postgres://postgres@127.0.0.1:5432), where it creates and keeps the
# databases BENCH_DB_DEMO and BENCH_DB_LARGE (reseeded when BENCH_RESEED=1 or when missing; migrated every run,
# so a re-run after a merge measures the merged code on the same data); wrk (`apt-get install wrk`); redis-server,
# which it starts on BENCH_REDIS_PORT (one Redis database for each side's cache and one for its broker) and stops;
# nginx for bench/nginx.py (skipped without it). Ports BENCH_PORT_DEMO and BENCH_PORT_LARGE; BENCH_WORKER_SLOTS Celery
# slots per side (1). Any background work a database still has waiting (seeded before seed_scale worked its backlog
# off) is worked off by the workers first.
# Every size and duration is an environment variable below. Prints the table of bench/load.py, then bench/nginx.py's.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ "${BENCH_SIZE:-small}" = full ]; then
  : "${BENCH_COMMENTS:=1000000}" "${BENCH_APPEALS:=100000}" "${BENCH_ASSIGNMENTS:=100000}" "${BENCH_ENTRIES:=1000000}"
  : "${BENCH_SECONDS:=15}"
fi
: "${BENCH_CLAUSES:=200}" "${BENCH_COMMENTS:=50000}" "${BENCH_APPEALS:=5000}" "${BENCH_ASSIGNMENTS:=20000}"
: "${BENCH_ENTRIES:=200000}" "${BENCH_SECONDS:=5}" "${BENCH_ROUNDS:=3}" "${BENCH_CONNECTIONS:=8}"
: "${BENCH_PG:=postgres://postgres@127.0.0.1:5432}" "${BENCH_DB_DEMO:=wd_bench_demo}" "${BENCH_DB_LARGE:=wd_bench_large}"
: "${BENCH_PORT_DEMO:=8141}" "${BENCH_PORT_LARGE:=8142}" "${BENCH_RESEED:=0}"
: "${BENCH_REDIS_PORT:=6411}" "${BENCH_WORKER_SLOTS:=1}"
export BENCH_SECONDS BENCH_ROUNDS BENCH_CONNECTIONS

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install -y redis-server" >&2; exit 2; }

# One key and static tree for both sides, kept between runs so checkpoints signed at seeding stay verifiable.
export VAR_DIR="$PWD/var/bench" LOG_LEVEL=WARNING
mkdir -p "$VAR_DIR"
# The load test measures the pages, not the limits that keep one person from flooding them.
export API_ANON_RATE=100000000/minute API_USER_RATE=100000000/minute API_TOKEN_RATE=100000000/minute
export LOGIN_FAILED_RATE=100000/m/ip APPEALS_PER_DAY=100000000 CONSULTATION_COMMENT_LIMIT=100000000
export CONSULTATION_COMMENT_IP_LIMIT=100000000 CONSULTATION_COMMENT_DOMAIN_LIMIT=100000000

database_exists() {
  psql "$BENCH_PG/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

prepare() {  # database, then seed_scale's arguments
  local db="$1"; shift
  if [ "$BENCH_RESEED" = 1 ] || ! database_exists "$db"; then
    psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    DEBUG=1 DATABASE_URL="$BENCH_PG/$db" "$BIN/python" manage.py migrate --noinput -v 0
    echo "== seeding $db: seed_scale $*" >&2
    DEBUG=1 DATABASE_URL="$BENCH_PG/$db" "$BIN/python" manage.py seed_scale "$@" >&2
  else
    DEBUG=1 DATABASE_URL="$BENCH_PG/$db" "$BIN/python" manage.py migrate --noinput -v 0
  fi
  DEBUG=1 DATABASE_URL="$BENCH_PG/$db" "$BIN/python" manage.py shell -v 0 \
    -c "from core.bench_views import create_table; create_table()"
}

# Demo data plus one version of 200 clauses and 10,000 comments (the issue's version page), and the same
# reviewers as the large side so routing compares history alone.
prepare "$BENCH_DB_DEMO" --clauses 200 --comments 10000 --appeals 10 --assignments 10 --people 200
prepare "$BENCH_DB_LARGE" --clauses "$BENCH_CLAUSES" --comments "$BENCH_COMMENTS" --appeals "$BENCH_APPEALS" \
  --assignments "$BENCH_ASSIGNMENTS" --entries "$BENCH_ENTRIES"

# Production mode from here on, over plain HTTP on the loopback, as .ci/fuzz runs it.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 BENCH_ENDPOINTS=1
export RECORD_SIGNING_KEY_FILE="$VAR_DIR/record-signing.key"
SECRET_KEY="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SECRET_KEY
DATABASE_URL="$BENCH_PG/$BENCH_DB_DEMO" "$BIN/python" manage.py collectstatic --noinput -v 0

SERVERS=()
cleanup() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}
trap cleanup EXIT
redis-server --port "$BENCH_REDIS_PORT" --save '' --appendonly no >"$VAR_DIR/redis.log" 2>&1 &
SERVERS+=("$!")
for _ in $(seq 50); do redis-cli -p "$BENCH_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
side() {  # database, Redis database of its cache (its broker's is the next): run the rest of the line for that side
  local db="$1" cache="$2"; shift 2
  DATABASE_URL="$BENCH_PG/$db" REDIS_URL="redis://127.0.0.1:$BENCH_REDIS_PORT/$cache" \
    CELERY_BROKER_URL="redis://127.0.0.1:$BENCH_REDIS_PORT/$((cache + 1))" "$@"
}
serve() {  # database, port, Redis database of its cache
  side "$1" "$3" "$BIN/gunicorn" config.wsgi --bind "127.0.0.1:$2" --workers 4 --no-control-socket \
    --error-logfile "$VAR_DIR/gunicorn-$2.log" &
  SERVERS+=("$!")
  side "$1" "$3" "$BIN/celery" -A config worker --beat --schedule "$VAR_DIR/beat-$2" --concurrency "$BENCH_WORKER_SLOTS" \
    --without-gossip --without-mingle --hostname "bench-$2@%h" --loglevel WARNING --logfile "$VAR_DIR/worker-$2.log" &
  SERVERS+=("$!")
}
serve "$BENCH_DB_DEMO" "$BENCH_PORT_DEMO" 0
serve "$BENCH_DB_LARGE" "$BENCH_PORT_LARGE" 2
for port in "$BENCH_PORT_DEMO" "$BENCH_PORT_LARGE"; do
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
done
echo "== as in production: DEBUG off, gunicorn (4 workers) and a Celery worker ($BENCH_WORKER_SLOTS slot(s)) with beat" \
  "per side, on a Redis broker (port $BENCH_REDIS_PORT); no task runs inside a request" >&2
side "$BENCH_DB_DEMO" 0 "$BIN/python" manage.py backlog --wait >&2
side "$BENCH_DB_LARGE" 2 "$BIN/python" manage.py backlog --wait >&2

"$BIN/python" bench/load.py --demo "http://127.0.0.1:$BENCH_PORT_DEMO" --large "http://127.0.0.1:$BENCH_PORT_LARGE" \
  --demo-db "$BENCH_PG/$BENCH_DB_DEMO" --large-db "$BENCH_PG/$BENCH_DB_LARGE" --json "$VAR_DIR/results.json"

# nginx in front (deploy/nginx.conf.in, its micro-cache and /static/): the demo side's version page through it against
# a static file of the same size from the same nginx, interleaved (bench/nginx.py), while the demo side still runs.
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  echo
  "$BIN/python" bench/nginx.py --db "$BENCH_PG/$BENCH_DB_DEMO" --upstream "127.0.0.1:$BENCH_PORT_DEMO"
else
  echo "nginx is not installed (apt-get install -y nginx): the nginx comparison is skipped" >&2
fi
cleanup
echo
"$BIN/python" bench/background.py --results "$VAR_DIR/results.json"
