"""Background work per worker, beside the comment POSTs it has to keep up with: clustering, the statistics fold and
mail, each measured as items per second through one real Celery worker (solo pool, production settings) on a Redis
broker of its own, working a backlog off in its bounded batches (core/backlog.py), exactly as after a bulk load.

    .venv/bin/python bench/background.py [--items 20000] [--posts-per-second 200 | --results var/bench/results.json]

Needs PostgreSQL at BENCH_PG (postgres://postgres@127.0.0.1:5432), where it creates the database BENCH_DB_BACKGROUND
(wd_bench_background) afresh, and redis-server, which it starts on BENCH_REDIS_PORT (6412) and stops with the worker.
Every comment POST leaves one comment to cluster, one record entry to fold and one receipt to mail, so each kind's
items per second divided by the POSTs per second is how many times over one worker keeps up (below 1: add workers).
The POST rate is bench/load.py's median comment POST (from --results, its JSON) or --posts-per-second.
Receipts are built and handed to Django's in-memory mail backend: what is measured is our side, not an SMTP server.
"""

import argparse
import json
import math
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB_BACKGROUND", "wd_bench_background")
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6412"))
VAR_DIR = ROOT / "var" / "bench-background"
ENV = {
    "DATABASE_URL": f"{PG}/{DB}",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
    "VAR_DIR": str(VAR_DIR),
    "LOG_LEVEL": "WARNING",
}
os.environ.update({**ENV, "DEBUG": "1"})  # this process seeds and watches; the worker runs with DEBUG off
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path[:0] = [str(ROOT)]
COMMENT_POST = "comment POST (API, token)"


def sh(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def fresh_database() -> None:
    sh("psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}", "-c", f"CREATE DATABASE {DB}")
    sh(sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")


def start_redis() -> subprocess.Popen:
    server, client = shutil.which("redis-server"), shutil.which("redis-cli")
    if not server or not client:
        raise SystemExit("redis-server and redis-cli are needed: apt-get install -y redis-server")
    redis = subprocess.Popen(
        [server, "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    for _ in range(50):
        if subprocess.run([client, "-p", str(REDIS_PORT), "ping"], capture_output=True).stdout.strip() == b"PONG":
            return redis
        time.sleep(0.1)
    raise SystemExit(f"redis-server did not start on port {REDIS_PORT}")


def start_worker() -> subprocess.Popen:
    """One worker process with one slot, in production mode (DEBUG off), as `celery -A config worker` runs."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The key this process signed with: bench/run.sh's, or the one generated at seeding.
        "RECORD_SIGNING_KEY_FILE": os.environ.get("RECORD_SIGNING_KEY_FILE", str(VAR_DIR / "record-signing.key")),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--concurrency", "1"]
    command += ["--without-gossip", "--without-mingle", "--hostname", f"bench-background-{os.getpid()}@%h"]
    log = open(VAR_DIR / "worker.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_rate(args: argparse.Namespace) -> tuple[float, str]:
    if args.posts_per_second:
        return args.posts_per_second, "given"
    results = json.loads(Path(args.results).read_text())["targets"][COMMENT_POST]
    rates = [run["rps"] for side in results.values() for run in side if run.get("requests")]
    return statistics.median(rates), f"bench/load.py's median, {args.results}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000, help="Comments posted in bulk: the backlog (20,000).")
    parser.add_argument("--posts-per-second", type=float, default=0.0, help="The comment POST capacity to compare.")
    parser.add_argument("--results", default=str(ROOT / "var" / "bench" / "results.json"), help="bench/load.py JSON.")
    args = parser.parse_args()
    posts, posts_from = post_rate(args)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    fresh_database()

    import django

    django.setup()
    from bench import background_work

    redis = start_redis()
    worker = None
    try:
        background_work.seed(args.items, random.Random(2026))
        worker = start_worker()
        background_work.wait_for_worker()
        rows = [(name, *background_work.measure(name)) for name in background_work.KINDS]
    finally:
        if worker:
            stop(worker)
        stop(redis)
    report(rows, posts, posts_from)


def report(rows: list[tuple[str, int, float]], posts: float, posts_from: str) -> None:
    from django.conf import settings

    print("Background work through one real Celery worker (solo pool, DEBUG off) on a Redis broker, in bounded batches")
    sizes = ("CLUSTERING_BATCH_SIZE", "STATISTICS_FOLD_BATCH", "RECEIPT_BATCH_SIZE")
    print(
        f"({', '.join(f'{name}={getattr(settings, name)}' for name in sizes)}); each comment POST leaves one of each."
    )
    print(f"Comment POSTs to keep up with: {posts:.1f}/s ({posts_from}).\n")
    print("| background work | items | seconds | items/s per worker | ÷ comment POSTs/s | workers to keep up |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    busy = 0.0
    for name, items, seconds in rows:
        rate = items / seconds
        busy += posts / rate
        print(f"| {name} | {items:,} | {seconds:.1f} | {rate:,.0f} | {rate / posts:.2f} | {math.ceil(posts / rate)} |")
    print(
        f"\nAll of it together keeps {busy:.2f} worker slots busy at {posts:.1f} comment POSTs/s: "
        f"{math.ceil(busy)} worker process(es) of one slot keep up (on this machine's cores, shared with the site)."
    )


if __name__ == "__main__":
    main()
