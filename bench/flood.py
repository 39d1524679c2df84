"""A write flood at a multiple of what the site can commit: shed (429/503 with Retry-After, at once), never failed.

    .venv/bin/python bench/flood.py                      # 60 s at 3× the measured capacity
    FLOOD_SECONDS=20 .venv/bin/python bench/flood.py     # shorter

Starts everything itself: a Redis of its own (FLOOD_REDIS_PORT), a PostgreSQL database of its own (FLOOD_DB at
FLOOD_PG, created and seeded with seed_scale when missing, migrated every run, its comments clustered before
measuring), and gunicorn in production mode (FLOOD_WORKERS sync workers on FLOOD_PORT, --no-control-socket). No
broker: Celery runs eagerly, in-process after the commit, as on the embedded default. The admission settings are
the site's defaults unless ADMISSION_* is set in the environment (docs/reference/settings.md).

Then, with one signed-in citizen's API token:
1. capacity: ADMISSION_HOST_SLOTS clients post comments back to back for FLOOD_CAPACITY_SECONDS; commits per second;
2. baseline: anonymous pages sampled at FLOOD_PAGE_RATE a second for FLOOD_BASELINE_SECONDS, nothing else running;
3. flood: new comment submissions arrive at FLOOD_FACTOR × capacity a second for FLOOD_SECONDS, each with its own
   Idempotency-Key; a refused one waits its Retry-After (plus up to half again, as clients spread out) and is sent
   again with the same key, until FLOOD_GRACE_SECONDS past the flood; the pages are sampled as in 2 meanwhile;
4. the database: every submission answered 201 must be one row, and no submission two rows.
Prints the table, and the figures as JSON on its last line (and to FLOOD_JSON if set).
"""

import asyncio
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
CITIZEN, DEMO_PASSWORD = "citizen@demo.whodecides.test", "demo-pass-2026"


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


PG = setting("FLOOD_PG", "postgres://postgres@127.0.0.1:5432")
DB = setting("FLOOD_DB", "wd_bench_flood")
PORT = int(setting("FLOOD_PORT", "8151"))
REDIS_PORT = int(setting("FLOOD_REDIS_PORT", "6391"))
WORKERS = int(setting("FLOOD_WORKERS", "4"))
SECONDS = float(setting("FLOOD_SECONDS", "60"))
CAPACITY_SECONDS = float(setting("FLOOD_CAPACITY_SECONDS", "15"))
BASELINE_SECONDS = float(setting("FLOOD_BASELINE_SECONDS", "20"))
GRACE_SECONDS = float(setting("FLOOD_GRACE_SECONDS", "240"))
FACTOR = float(setting("FLOOD_FACTOR", "3"))
PAGE_RATE = float(setting("FLOOD_PAGE_RATE", "10"))
TIMEOUT = 60.0


@dataclass
class Answer:
    status: int  # 0: no answer (refused connection, reset, timeout)
    headers: dict[str, str]
    seconds: float
    body: bytes = b""


async def http(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Answer:
    """One request on its own connection, as gunicorn's sync workers serve them (no keep-alive)."""
    start = time.perf_counter()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{PORT}", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), TIMEOUT)
        writer.write("\r\n".join([*lines, "", ""]).encode() + body)
        data = await asyncio.wait_for(reader.read(), TIMEOUT)
        writer.close()
    except (OSError, TimeoutError):
        return Answer(0, {}, time.perf_counter() - start)
    raw_head, _, body = data.partition(b"\r\n\r\n")
    head = raw_head.decode("latin-1").split("\r\n")
    if not head[0].startswith("HTTP/"):
        return Answer(0, {}, time.perf_counter() - start)
    found = dict(line.split(":", 1) for line in head[1:] if ":" in line)
    named = {name.strip().lower(): value.strip() for name, value in found.items()}
    return Answer(int(head[0].split()[1]), named, time.perf_counter() - start, body)


@dataclass
class Flood:
    run: str
    comments_path: str
    token: str
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
            answer = await http("POST", self.comments_path, headers, self.body(number))
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


async def sample_pages(pages: list[str], until: float, into: dict[str, list[float]], failures: Counter) -> None:
    """Anonymous GETs of each page in turn at PAGE_RATE a second, open loop, until `until`."""
    tasks, number, start = [], 0, time.monotonic()

    async def one(path: str) -> None:
        answer = await http("GET", path)
        if answer.status == 200:
            into[path].append(answer.seconds)
        else:
            failures[answer.status] += 1

    while (now := time.monotonic()) < until:
        due = start + number / PAGE_RATE
        if due > now:
            await asyncio.sleep(due - now)
        tasks.append(asyncio.create_task(one(pages[number % len(pages)])))
        number += 1
    await asyncio.gather(*tasks)


async def flood_at(flood: Flood, rate: float, seconds: float, pages: list[str], during: dict, page_failures: Counter):
    start = time.monotonic()
    end, retry_until = start + seconds, start + seconds + GRACE_SECONDS
    sampler = asyncio.create_task(sample_pages(pages, end, during, page_failures))
    tasks, number = [], 0
    while (now := time.monotonic()) < end:
        due = start + number / rate
        if due > now:
            await asyncio.sleep(due - now)
        tasks.append(asyncio.create_task(flood.submit(number, retry_until)))
        number += 1
    await asyncio.gather(sampler, *tasks)
    return number / seconds


def p(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds (nearest rank); nan when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rows(database: str, query: sql.Composable | str, *params: str) -> list[tuple]:
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        found = connection.execute(query, params)  # type: ignore[arg-type]
        return found.fetchall() if found.description else []


def manage(*args: str, **env: str) -> str:
    environment = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "DEBUG": "1", **env}
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout


def prepare_database() -> None:
    if not rows("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", DB):
        rows("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
        manage("migrate", "--noinput", "-v", "0")
        print(f"== seeding {DB}: seed_scale, 200 clauses and 10,000 comments", file=sys.stderr)
        manage("seed_scale", "--clauses", "200", "--comments", "10000", "--appeals", "10", "--assignments", "10")
    manage("migrate", "--noinput", "-v", "0")
    # seed_scale leaves its comments for the sweeper: cluster them now, so no measured POST meets that backlog.
    cluster = "from consultation.services.campaigns import *\nfor v in versions_with_unclustered_comments():\n"
    cluster += "    cluster_pending_comments(version=GuidelineVersion.objects.get(pk=v))"
    manage("shell", "-v", "0", "-c", "from consultation.models import GuidelineVersion\n" + cluster)


@contextmanager
def site(var_dir: Path):
    """Redis and gunicorn of their own, in production mode over plain HTTP on the loopback; stopped afterwards."""
    redis = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "VAR_DIR": str(var_dir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECRET_KEY": "flood-" + secrets.token_hex(24),
        "RECORD_SIGNING_KEY_FILE": str(var_dir / "record-signing.key"),
        "LOG_LEVEL": "WARNING",
        # The flood is one citizen's token: the per-person limits (abuse) are not what this measures.
        "API_USER_RATE": "100000000/minute",
        "API_TOKEN_RATE": "100000000/minute",
        "CONSULTATION_COMMENT_LIMIT": "100000000",
        "CONSULTATION_COMMENT_IP_LIMIT": "100000000",
        "CONSULTATION_COMMENT_DOMAIN_LIMIT": "100000000",
    }
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    command = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS)]
    command += ["--no-control-socket", "--error-logfile", str(var_dir / "gunicorn-flood.log")]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        for _ in range(120):
            if asyncio.run(http("GET", "/healthz")).status == 200:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        yield env
    finally:
        for process in (server, redis):
            process.terminate()
            process.wait(timeout=30)


async def measure(token: str, paths: dict, pages: list[str], slots: int) -> dict:
    for path in pages:  # each page rendered once, as a crowd finds it
        await http("GET", path)
    run = secrets.token_hex(4)
    flood = Flood(run=f"{run}-capacity", comments_path=f"{paths['version_api']}comments/", token=token)
    commits = await capacity(flood, slots, CAPACITY_SECONDS)
    quiet: dict[str, list[float]] = {path: [] for path in pages}
    during: dict[str, list[float]] = {path: [] for path in pages}
    page_failures: Counter = Counter()
    await sample_pages(pages, time.monotonic() + BASELINE_SECONDS, quiet, page_failures)
    flood = Flood(run=run, comments_path=flood.comments_path, token=token)
    began = time.monotonic()
    offered = await flood_at(flood, FACTOR * commits, SECONDS, pages, during, page_failures)
    bodies = [
        body for (body,) in rows(DB, "SELECT body FROM consultation_comment WHERE body LIKE %s", f"Flood {run} %")
    ]
    numbers = Counter(int(body.split()[3].rstrip(":")) for body in bodies)
    return {
        "workers": WORKERS,
        "host_slots": slots,
        "capacity_commits_per_second": commits,
        "factor": FACTOR,
        "seconds": SECONDS,
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
            path: {"p95_ms_quiet": p(quiet[path], 0.95), "p95_ms_flood": p(during[path], 0.95)} for path in pages
        },
        "page_failures": dict(page_failures),
    }


def render(r: dict) -> str:
    refused = sum(r["refused"].values())
    refusal = r["refusal_ms"]
    lines = [
        f"Write flood: {r['workers']} gunicorn workers, {r['host_slots']} admission slots, Celery eager, "
        f"{r['seconds']:.0f} s at {r['factor']:g}× capacity.",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| capacity (comment POSTs committed per second) | {r['capacity_commits_per_second']:.1f} |",
        f"| offered (new submissions per second) | {r['offered_submissions_per_second']:.1f} |",
        f"| submissions / requests sent (with retries) | {r['submissions']:,} / {r['requests_sent']:,} |",
        f"| accepted (201) | {r['accepted']:,} |",
        f"| refused (429/503 with Retry-After) | {refused:,} {r['refused']} |",
        f"| given up after the grace period (never saved, client told) | {r['gave_up']:,} |",
        f"| last submission accepted, seconds after the flood ended | {r['last_accepted_after_flood_seconds']:.0f} |",
        f"| 5xx or no answer | {sum(r['failed_5xx_or_no_answer'].values())} {r['failed_5xx_or_no_answer']} |",
        f"| lost (accepted, no row) | {r['lost']} |",
        f"| duplicated (rows beyond one per submission) | {r['duplicated']} |",
        f"| rows without a 201 | {r['rows_not_acknowledged']} |",
        f"| refusal latency p50 / p95 / max, ms | {refusal['p50']:.1f} / {refusal['p95']:.1f} / {refusal['max']:.1f} |",
    ]
    for path, page in r["pages"].items():
        quiet, flood = page["p95_ms_quiet"], page["p95_ms_flood"]
        lines.append(
            f"| anonymous {path} p95 ms: quiet / flood (ratio) | {quiet:.1f} / {flood:.1f} ({flood / quiet:.2f}) |"
        )
    if r["page_failures"]:
        lines.append(f"| anonymous page answers other than 200 | {r['page_failures']} |")
    return "\n".join(lines)


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one connection per request in flight
    var_dir = ROOT / "var" / "bench-flood"
    var_dir.mkdir(parents=True, exist_ok=True)
    prepare_database()
    found = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "paths.py")],
        env={**os.environ, "DATABASE_URL": f"{PG}/{DB}", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    paths = json.loads(found.stdout.strip().splitlines()[-1])
    with site(var_dir) as env:
        login = json.dumps({"email": CITIZEN, "password": DEMO_PASSWORD}).encode()
        answer = asyncio.run(http("POST", "/api/v1/auth/token/", {"Content-Type": "application/json"}, login))
        if answer.status != 200:
            raise SystemExit(f"no API token: the sign-in answered {answer.status}")
        slots = int(env.get("ADMISSION_HOST_SLOTS", max(1, (os.cpu_count() or 2) // 2)))
        result = asyncio.run(
            measure(json.loads(answer.body)["token"], paths, [paths["version"], "/", "/decisions/"], slots)
        )
    print(render(result))
    print(json.dumps(result))
    if out := os.environ.get("FLOOD_JSON"):
        Path(out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
