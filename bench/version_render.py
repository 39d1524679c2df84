"""What a renewed version page costs to render, at 10,000 and at 1,000,000 comments: the render the page cache pays
once per change (bench/run.sh measures the pages as readers get them, mostly from the cache).

    DEBUG=1 .venv/bin/python bench/version_render.py postgres://.../wd_bench_demo postgres://.../wd_bench_large

Each database is one seeded by bench/run.sh (seed_scale's large version). The databases take turns, a round of
renders each, ROUNDS times, so a busy machine slows both alike; it prints the median and p95 of each, the queries
of one render, and the ratio of the second's to the first's.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS, RENDERS = 3, 15


def render_times(renders: int) -> dict:
    """In a process set up for one database: `renders` uncached renders of its large version page, signed out."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultation.models import GuidelineVersion

    version = GuidelineVersion.objects.filter(guideline__slug__startswith="scale-").order_by("-pk").first()
    client, timings = Client(HTTP_HOST="127.0.0.1"), []
    for _ in range(renders + 1):  # the first warms the process
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert client.get(version.get_absolute_url()).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
    return {"comments": version.comments.count(), "timings": timings[1:], "queries": len(queries)}


def main(databases: list[str]) -> None:
    results = {database: {"timings": []} for database in databases}
    for _ in range(ROUNDS):
        for database in databases:
            env = {**os.environ, "DATABASE_URL": database, "DEBUG": "1", "REDIS_URL": ""}
            done = subprocess.run(
                [sys.executable, __file__, "--one"], env=env, capture_output=True, text=True, check=True
            )
            found = json.loads(done.stdout.strip().splitlines()[-1])
            results[database]["timings"] += found.pop("timings")
            results[database].update(found)
    first = None
    for result in results.values():
        median = statistics.median(result["timings"])
        p95 = statistics.quantiles(result["timings"], n=20)[-1]
        first = first or median
        print(
            f"{result['comments']:>9,} comments | median {median:6.1f} ms | p95 {p95:6.1f} ms | "
            f"{result['queries']} queries | median ÷ first {median / first:.2f}"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--one"]:
        print(json.dumps(render_times(RENDERS)))
    else:
        main(sys.argv[1:])
