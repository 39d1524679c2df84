#!/usr/bin/env bash
# `make test-all`: `make test` with every group it can bring in. When REDIS_URL and CELERY_BROKER_URL are unset and
# redis-server is installed, a Redis of its own on a spare port, stopped at the end; Chromium and nginx are used
# if installed, and their groups are named as skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${REDIS_URL:-}${CELERY_BROKER_URL:-}" ] && command -v redis-server >/dev/null; then
  port="${TEST_REDIS_PORT:-6391}"
  mkdir -p var
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --pidfile "$PWD/var/test-redis.pid" --logfile "$PWD/var/test-redis.log"
  trap 'kill "$(cat var/test-redis.pid)" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/1" CELERY_BROKER_URL="redis://127.0.0.1:$port/0"
fi
# The whole cluster too (tests/test_cluster.py), where its programs are installed.
export CLUSTER_TESTS="${CLUSTER_TESTS:-1}"
make test
