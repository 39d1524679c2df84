"""The record's write ceiling: appends per second through `ledger.services.append` with 1, 4, 16 and 64 concurrent
writers, each a process with its own connection appending in its own transactions (no HTTP), and how long each
transaction holds the record's head row locked (from the moment the lock is granted until the commit returns).

    .venv/bin/python bench/record_writers.py [--writers 1 4 16 64] [--seconds 5] [--rounds 3]

Needs PostgreSQL at BENCH_PG (postgres://postgres@127.0.0.1:5432), where it creates BENCH_DB_RECORD
(wd_bench_record) afresh. Each writer's transaction is what a comment POST's is around its append: a row written
before the append and one after (the receipt it asks for), so what the lock covers is the append, the caller's
statements after it, and the commit. Every append holds the one head row from its lock to its commit, so appends
are serial: the ceiling is about 1 ÷ the hold time, whatever the number of writers. Median of --rounds.
"""

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB_RECORD", "wd_bench_record")
os.environ.update({"DATABASE_URL": f"{PG}/{DB}", "DEBUG": "0", "SECRET_KEY": "bench-record-writers"})
os.environ.update({"LOG_LEVEL": "WARNING", "RECORD_SIGNING_KEY": "", "ALLOWED_HOSTS": "127.0.0.1"})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path[:0] = [str(ROOT)]
GOAL = 2000  # appends per second with 16 writers (issue 22)


def fresh_database() -> None:
    subprocess.run(
        [
            shutil.which("psql") or "psql",
            f"{PG}/postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {DB}",
            "-c",
            f"CREATE DATABASE {DB}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Migrating runs the system checks, which want a signing key with DEBUG off; the writers sign nothing.
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, check=True, env={**os.environ, "DEBUG": "1", "VAR_DIR": str(ROOT / "var")})


def writer(number: int, ready: Any, seconds: float, results: Any) -> None:
    """Once every writer is ready, append for `seconds`; put (appends, hold times in seconds) on `results`."""
    import django

    django.setup()
    from django.db import connection, transaction

    from ledger import services
    from ledger.kinds import EntryKind

    granted: list[float] = []
    take_lock = services.locked_head

    def timed_lock():  # the moment the head row is ours
        head = take_lock()
        granted.append(time.perf_counter())
        return head

    services.locked_head = timed_lock
    holds: list[float] = []
    count = 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE caller_rows (n bigint)")  # the caller's own rows, not the record's
    ready.wait()
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        granted.clear()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO caller_rows VALUES (%s)", [count])
            services.append(kind=EntryKind.SCALE_FILLER, subject=f"writer-{number}", payload={"n": count})
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO caller_rows VALUES (%s)", [-count])
        holds.append(time.perf_counter() - granted[0])
        count += 1
    results.put((count, holds))


def measure(writers: int, seconds: float) -> tuple[float, float, float]:
    """Appends per second, and the median and 95th percentile of the lock's hold time in milliseconds."""
    results, ready = multiprocessing.Queue(), multiprocessing.Barrier(writers)
    processes = [multiprocessing.Process(target=writer, args=(n, ready, seconds, results)) for n in range(writers)]
    for process in processes:
        process.start()
    done = [results.get() for _ in processes]
    for process in processes:
        process.join()
    holds = sorted(hold for _, some in done for hold in some)
    appends = sum(count for count, _ in done)
    p95 = holds[int(len(holds) * 0.95)] if holds else float("nan")
    return appends / seconds, statistics.median(holds) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    fresh_database()
    multiprocessing.set_start_method("spawn")  # each writer its own interpreter and connection
    rows = {writers: [] for writers in args.writers}
    for _ in range(args.rounds):  # interleaved, so a noisy moment of the machine touches every size alike
        for writers in args.writers:
            rows[writers].append(measure(writers, args.seconds))
    check_record()
    print(f"Appends through ledger.services.append, {args.seconds:.0f} s per size, median of {args.rounds} rounds:")
    print("\n| writers | appends/s | lock held p50 ms | lock held p95 ms | ÷ 1 writer | goal at 16 writers |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    first = statistics.median(rate for rate, _, _ in rows[args.writers[0]])
    for writers, measured in rows.items():
        rate = statistics.median(r for r, _, _ in measured)
        p50 = statistics.median(p for _, p, _ in measured)
        p95 = statistics.median(p for _, _, p in measured)
        goal = (f"≥ {GOAL}: {'met' if rate >= GOAL else 'NOT met'}") if writers == 16 else ""
        print(f"| {writers} | {rate:,.0f} | {p50:.2f} | {p95:.2f} | {rate / first:.2f} | {goal} |")


def check_record() -> None:
    import django

    django.setup()
    from ledger.services import check_chain

    report = check_chain()
    print(f"The record verifies after {report.entries_checked:,} appends: {'yes' if report.ok else report.problem}\n")


if __name__ == "__main__":
    main()
