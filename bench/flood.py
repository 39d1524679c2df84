"""A write flood at a multiple of what the site can commit: shed (429/503 with Retry-After, at once), never failed.

    .venv/bin/python bench/flood.py                      # 60 s at 3× the measured capacity
    FLOOD_SECONDS=20 .venv/bin/python bench/flood.py     # shorter

Starts everything itself: a Redis of its own (FLOOD_REDIS_PORT), a PostgreSQL database of its own (FLOOD_DB at
FLOOD_PG, created and seeded with seed_scale when missing, migrated every run, its comments clustered before
measuring), gunicorn in production mode (FLOOD_WORKERS sync workers on FLOOD_PORT, --no-control-socket) and,
in front of it as in production, nginx from deploy/nginx.conf.in (LocalNginx on FLOOD_NGINX_PORT, its micro-cache
included). No broker: Celery runs eagerly, in-process after the commit, as on the embedded default. The admission
settings are the site's defaults unless ADMISSION_* is set in the environment (docs/reference/settings.md).

Then, with one signed-in citizen's API token, once for each of FLOOD_ROUTES (by default `gunicorn,nginx`: straight
to gunicorn, then through nginx; the flood's POSTs and the page samples both go the same way):
1. capacity: ADMISSION_HOST_SLOTS clients post comments back to back for FLOOD_CAPACITY_SECONDS; commits per second;
2. baseline: anonymous pages sampled at FLOOD_PAGE_RATE a second for FLOOD_BASELINE_SECONDS, nothing else running;
3. flood: new comment submissions arrive at FLOOD_FACTOR × capacity a second for FLOOD_SECONDS, each with its own
   Idempotency-Key; a refused one waits its Retry-After (plus up to half again, as clients spread out) and is sent
   again with the same key, until FLOOD_GRACE_SECONDS past the flood; the pages are sampled as in 2 meanwhile;
4. the database: every submission answered 201 must be one row, and no submission two rows.
It also reports how nginx answered the samples (X-Cache-Status) and this client's own CPU during the flood, as a
share of one core: a load generator near 100 % measures itself, not the site.
Prints the table, and the figures as JSON on its last line (and to FLOOD_JSON if set).
"""

import asyncio
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flood_site import BIN, DB, NGINX_PORT, PG, PORT, ROOT, WORKERS, http, prepare_database, rows, setting, site

SECONDS = float(setting("FLOOD_SECONDS", "60"))
CAPACITY_SECONDS = float(setting("FLOOD_CAPACITY_SECONDS", "15"))
BASELINE_SECONDS = float(setting("FLOOD_BASELINE_SECONDS", "20"))
GRACE_SECONDS = float(setting("FLOOD_GRACE_SECONDS", "240"))
FACTOR = float(setting("FLOOD_FACTOR", "3"))
PAGE_RATE = float(setting("FLOOD_PAGE_RATE", "10"))
ROUTES = {"gunicorn": PORT, "nginx": NGINX_PORT}
CITIZEN, DEMO_PASSWORD = "citizen@demo.whodecides.test", "demo-pass-2026"


@dataclass
class Flood:
    run: str
    comments_path: str
    token: str
    port: int
    sent: int = 0
    submissions: int = 0
    accepted: set[int] = field(default_factory=set)
    replayed: int = 0
    refused: Counter = field(default_factory=Counter)
    refusal_seconds: list[float] = field(default_factory=list)
    refused_without_retry_after: int = 0
    failed: Counter = field(default_factory=Counter)  # 5xx other than a refusal, and no answer at all
    other: Counter = field(default_factory=Counter)
    gave_up: int = 0
    last_accepted_at: float = 0.0

    def body(self, number: int) -> bytes:
        text = f"Flood {self.run} submission {number}: a comment about this clause from the flood bench."
        return json.dumps({"clause": "R-1.1", "body": text}).encode()

    async def submit(self, number: int, retry_until: float) -> None:
        """One submission: sent, and sent again with the same key after each refusal, as a good client does."""
        self.submissions += 1
        headers = {"Content-Type": "application/json", "Authorization": f"Token {self.token}"}
        headers["Idempotency-Key"] = f"{self.run}-{number}"
        while True:
            answer = await http("POST", self.comments_path, headers, self.body(number), port=self.port)
            self.sent += 1
            if answer.status == 201:
                self.accepted.add(number)
                self.last_accepted_at = time.monotonic()
                self.replayed += answer.headers.get("idempotent-replayed") == "true"
                return
            if answer.status in (429, 503) and "retry-after" in answer.headers:
                self.refused[answer.status] += 1
                self.refusal_seconds.append(answer.seconds)
                wait = float(answer.headers["retry-after"]) * (1 + random.random() / 2)  # noqa: S311 (spread, not secret)
            elif answer.status == 0 or answer.status >= 500:
                self.failed[answer.status] += 1
                self.refused_without_retry_after += answer.status in (429, 503)
                wait = 1.0
            else:
                self.other[answer.status] += 1
                return
            await asyncio.sleep(wait)
            if time.monotonic() > retry_until:
                self.gave_up += 1
                return


async def capacity(flood: Flood, clients: int, seconds: float) -> float:
    """Commits per second with `clients` posting back to back: as many as the host admits at once."""
    done = 0
    end = time.monotonic() + seconds

    async def client(start: int) -> None:
        nonlocal done
        number = start
        while time.monotonic() < end:
            before = len(flood.accepted)
            await flood.submit(number, retry_until=end)
            done += len(flood.accepted) - before
            number += clients

    began = time.monotonic()
    await asyncio.gather(*(client(1_000_000_000 + i) for i in range(clients)))
    return done / (time.monotonic() - began)


@dataclass
class Samples:
    """Anonymous page samples through one port: each page's times, the other answers, and how nginx answered."""

    port: int
    pages: list[str]
    seconds: dict[str, list[float]] = field(default_factory=dict)
    failures: Counter = field(default_factory=Counter)
    cache: dict[str, list[float]] = field(default_factory=dict)  # by X-Cache-Status; `-` straight from gunicorn

    async def sample(self, until: float) -> None:
        """GETs of each page in turn at PAGE_RATE a second, open loop, until `until`."""
        tasks, number, start = [], 0, time.monotonic()
        while (now := time.monotonic()) < until:
            due = start + number / PAGE_RATE
            if due > now:
                await asyncio.sleep(due - now)
            tasks.append(asyncio.create_task(self.one(self.pages[number % len(self.pages)])))
            number += 1
        await asyncio.gather(*tasks)

    async def one(self, path: str) -> None:
        answer = await http("GET", path, port=self.port)
        self.cache.setdefault(answer.headers.get("x-cache-status", "-"), []).append(answer.seconds)
        if answer.status == 200:
            self.seconds.setdefault(path, []).append(answer.seconds)
        else:
            self.failures[answer.status] += 1


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


async def flood_at(flood: Flood, rate: float, seconds: float, during: Samples) -> tuple[float, float]:
    """New submissions at `rate` a second for `seconds`, pages sampled meanwhile; the rate offered and this
    client's CPU over the flood as a share of one core."""
    start, cpu = time.monotonic(), cpu_seconds()
    end, retry_until = start + seconds, start + seconds + GRACE_SECONDS
    sampler = asyncio.create_task(during.sample(end))
    tasks, number = [], 0
    while (now := time.monotonic()) < end:
        due = start + number / rate
        if due > now:
            await asyncio.sleep(due - now)
        tasks.append(asyncio.create_task(flood.submit(number, retry_until)))
        number += 1
    await sampler
    client_cpu = (cpu_seconds() - cpu) / (time.monotonic() - start)
    await asyncio.gather(*tasks)
    return number / seconds, client_cpu


def p(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds (nearest rank); nan when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(token: str, paths: dict, pages: list[str], slots: int, port: int) -> dict:
    for path in pages:  # each page rendered once, as a crowd finds it
        await http("GET", path, port=port)
    run = secrets.token_hex(4)
    flood = Flood(run=f"{run}-capacity", comments_path=f"{paths['version_api']}comments/", token=token, port=port)
    commits = await capacity(flood, slots, CAPACITY_SECONDS)
    quiet, during = Samples(port, pages), Samples(port, pages)
    await quiet.sample(time.monotonic() + BASELINE_SECONDS)
    flood = Flood(run=run, comments_path=flood.comments_path, token=token, port=port)
    began = time.monotonic()
    offered, client_cpu = await flood_at(flood, FACTOR * commits, SECONDS, during)
    bodies = [
        body for (body,) in rows(DB, "SELECT body FROM consultation_comment WHERE body LIKE %s", f"Flood {run} %")
    ]
    numbers = Counter(int(body.split()[3].rstrip(":")) for body in bodies)
    return {
        "capacity_commits_per_second": commits,
        "offered_submissions_per_second": offered,
        "submissions": flood.submissions,
        "requests_sent": flood.sent,
        "accepted": len(flood.accepted),
        "replayed": flood.replayed,
        "refused": dict(flood.refused),
        "gave_up": flood.gave_up,
        "last_accepted_after_flood_seconds": flood.last_accepted_at - began - SECONDS,
        "failed_5xx_or_no_answer": dict(flood.failed),
        "refused_without_retry_after": flood.refused_without_retry_after,
        "other_answers": dict(flood.other),
        "rows": len(bodies),
        "lost": len(flood.accepted - set(numbers)),
        "duplicated": sum(count - 1 for count in numbers.values()),
        "rows_not_acknowledged": len(set(numbers) - flood.accepted),
        "refusal_ms": {q: p(flood.refusal_seconds, v) for q, v in (("p50", 0.5), ("p95", 0.95), ("max", 1.0))},
        "pages": {
            path: {"p95_ms_quiet": p(quiet.seconds.get(path, []), 0.95), "p95_ms_flood": p(during.seconds[path], 0.95)}
            for path in pages
        },
        "page_failures": dict(quiet.failures + during.failures),
        "page_cache_statuses_during_flood": {
            status: {"samples": len(seconds), "p95_ms": p(seconds, 0.95)} for status, seconds in during.cache.items()
        },
        "client_cpu_share_of_a_core": client_cpu,
    }


def render(result: dict) -> str:
    routes = result["routes"]
    lines = [
        f"Write flood: {result['workers']} gunicorn workers, {result['host_slots']} admission slots, Celery eager, "
        f"{result['seconds']:.0f} s at {result['factor']:g}× capacity; load average {result['load_average']}.",
        "",
        "| measure | " + " | ".join(f"via {route}" for route in routes) + " |",
        "| --- |" + " ---: |" * len(routes),
    ]

    def row(name: str, show) -> None:  # type: ignore[no-untyped-def]
        lines.append(f"| {name} | " + " | ".join(show(r) for r in routes.values()) + " |")

    row("capacity (comment POSTs committed per second)", lambda r: f"{r['capacity_commits_per_second']:.1f}")
    row("offered (new submissions per second)", lambda r: f"{r['offered_submissions_per_second']:.1f}")
    row("submissions / requests sent (with retries)", lambda r: f"{r['submissions']:,} / {r['requests_sent']:,}")
    row("accepted (201)", lambda r: f"{r['accepted']:,}")
    row("refused (429/503 with Retry-After)", lambda r: f"{sum(r['refused'].values()):,} {r['refused']}")
    row("given up after the grace period (never saved, client told)", lambda r: f"{r['gave_up']:,}")
    row("last accepted, seconds after the flood", lambda r: f"{r['last_accepted_after_flood_seconds']:.0f}")
    row("5xx or no answer", lambda r: f"{sum(r['failed_5xx_or_no_answer'].values())} {r['failed_5xx_or_no_answer']}")
    row(
        "lost / duplicated / rows without a 201",
        lambda r: f"{r['lost']} / {r['duplicated']} / {r['rows_not_acknowledged']}",
    )
    row(
        "refusal latency p50 / p95 / max, ms",
        lambda r: " / ".join(f"{r['refusal_ms'][q]:.1f}" for q in ("p50", "p95", "max")),
    )
    for path in next(iter(routes.values()))["pages"]:
        row(
            f"anonymous {path} p95 ms: quiet → flood (ratio)",
            lambda r, path=path: (
                "{p95_ms_quiet:.1f} → {p95_ms_flood:.1f}".format(**r["pages"][path])
                + f" ({r['pages'][path]['p95_ms_flood'] / r['pages'][path]['p95_ms_quiet']:.2f}×)"
            ),
        )
    row("anonymous page answers other than 200", lambda r: str(r["page_failures"] or 0))
    row(
        "samples during the flood by X-Cache-Status: count (p95 ms)",
        lambda r: ", ".join(
            f"{status} {seen['samples']} ({seen['p95_ms']:.0f})"
            for status, seen in r["page_cache_statuses_during_flood"].items()
        ),
    )
    row("this client's CPU during the flood, share of one core", lambda r: f"{r['client_cpu_share_of_a_core']:.0%}")
    return "\n".join(lines)


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one connection per request in flight
    var_dir = ROOT / "var" / "bench-flood"
    var_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(var_dir)
    found = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "paths.py")],
        env={**os.environ, "DATABASE_URL": f"{PG}/{DB}", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    paths = json.loads(found.stdout.strip().splitlines()[-1])
    pages = [paths["version"], "/", "/decisions/"]
    with site(var_dir) as env:
        login = json.dumps({"email": CITIZEN, "password": DEMO_PASSWORD}).encode()
        answer = asyncio.run(http("POST", "/api/v1/auth/token/", {"Content-Type": "application/json"}, login))
        if answer.status != 200:
            raise SystemExit(f"no API token: the sign-in answered {answer.status}")
        token = json.loads(answer.body)["token"]
        slots = int(env.get("ADMISSION_HOST_SLOTS", max(1, (os.cpu_count() or 2) // 2)))
        routes = {}
        for route in setting("FLOOD_ROUTES", "gunicorn,nginx").split(","):
            print(f"== flood via {route}", file=sys.stderr)
            routes[route] = asyncio.run(measure(token, paths, pages, slots, ROUTES[route]))
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    result = {"workers": WORKERS, "host_slots": slots, "factor": FACTOR, "seconds": SECONDS}
    result |= {"load_average": load, "routes": routes}
    print(render(result))
    print(json.dumps(result))
    if out := os.environ.get("FLOOD_JSON"):
        Path(out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
