"""bench/flood.py's site: its database, a Redis and gunicorn of their own, nginx in front, and the HTTP client.

The settings are FLOOD_* environment variables (bench/flood.py's docstring lists them). gunicorn listens on two
loopback addresses, which nginx lists as two upstream servers: as in production, where each app host is a line of
its own, a host's answers count towards `max_fails` (one lone server is never marked down, whatever it answers).
"""

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
SECOND_HOST = "127.0.0.2"  # the same gunicorn, listed again in nginx's upstream: production's several lines
sys.path.insert(0, str(ROOT))

from deploy.nginx_conf import LocalNginx  # noqa: E402


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


PG = setting("FLOOD_PG", "postgres://postgres@127.0.0.1:5432")
DB = setting("FLOOD_DB", "wd_bench_flood")
PORT = int(setting("FLOOD_PORT", "8151"))
NGINX_PORT = int(setting("FLOOD_NGINX_PORT", "8152"))
REDIS_PORT = int(setting("FLOOD_REDIS_PORT", "6391"))
WORKERS = int(setting("FLOOD_WORKERS", "4"))
TIMEOUT = 60.0


@dataclass
class Answer:
    status: int  # 0: no answer (refused connection, reset, timeout)
    headers: dict[str, str]
    seconds: float
    body: bytes = b""


async def http(
    method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"", *, port: int = PORT
) -> Answer:
    """One request on its own connection, as gunicorn's sync workers serve them (no keep-alive).

    The answer is complete at its Content-Length (or its last chunk), as for a browser, not when the connection
    closes: nginx keeps a connection open while it renews the page it just answered from its cache in the
    background (proxy_cache_background_update), which the reader never waits for."""
    start = time.perf_counter()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), TIMEOUT)
        writer.write("\r\n".join([*lines, "", ""]).encode() + body)
        answer = await asyncio.wait_for(read_answer(reader), TIMEOUT)
        writer.close()
    except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
        return Answer(0, {}, time.perf_counter() - start)
    answer.seconds = time.perf_counter() - start
    return answer


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    if not head[0].startswith("HTTP/"):
        raise ValueError(head[0])
    found = dict(line.split(":", 1) for line in head[1:] if ":" in line)
    named = {name.strip().lower(): value.strip() for name, value in found.items()}
    if "content-length" in named:
        body = await reader.readexactly(int(named["content-length"]))
    elif named.get("transfer-encoding") == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
    else:
        body = await reader.read()
    return Answer(int(head[0].split()[1]), named, 0.0, body)


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


def prepare_database(var_dir: Path) -> None:
    """The seeded database, and in var_dir the key that signed its checkpoints: without that key, seeded again."""
    key = var_dir / "record-signing.key"
    if not key.exists() or not rows("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", DB):
        rows("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB)))
        rows("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
        key.unlink(missing_ok=True)
        manage("migrate", "--noinput", "-v", "0", VAR_DIR=str(var_dir))  # DEBUG: makes the key in var_dir
        print(f"== seeding {DB}: seed_scale, 200 clauses and 10,000 comments", file=sys.stderr)
        seed = ["--clauses", "200", "--comments", "10000", "--appeals", "10", "--assignments", "10"]
        manage("seed_scale", *seed, VAR_DIR=str(var_dir))
    manage("migrate", "--noinput", "-v", "0", VAR_DIR=str(var_dir))
    # seed_scale leaves its comments for the sweeper: cluster them now, so no measured POST meets that backlog.
    cluster = "from consultation.services.campaigns import *\nfor v in versions_with_unclustered_comments():\n"
    cluster += "    cluster_pending_comments(version=GuidelineVersion.objects.get(pk=v))"
    clustering = "from consultation.models import GuidelineVersion\n" + cluster
    manage("shell", "-v", "0", "-c", clustering, VAR_DIR=str(var_dir))


def production_env(var_dir: Path) -> dict[str, str]:
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
        # nginx reaches the app from 127.0.0.1: the app believes its X-Forwarded-For.
        "TRUSTED_PROXIES": HOST,
        # The flood is one citizen's token: the per-person limits (abuse) are not what this measures.
        "API_USER_RATE": "100000000/minute",
        "API_TOKEN_RATE": "100000000/minute",
        "CONSULTATION_COMMENT_LIMIT": "100000000",
        "CONSULTATION_COMMENT_IP_LIMIT": "100000000",
        "CONSULTATION_COMMENT_DOMAIN_LIMIT": "100000000",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


@contextmanager
def site(var_dir: Path) -> Iterator[dict[str, str]]:
    """Redis, gunicorn (production mode, plain HTTP on the loopback) and nginx in front; stopped afterwards."""
    env = production_env(var_dir)
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    redis_server = shutil.which("redis-server") or "/usr/bin/redis-server"
    redis = subprocess.Popen(
        [redis_server, "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    command = [str(BIN / "gunicorn"), "config.wsgi", "--workers", str(WORKERS), "--no-control-socket"]
    command += ["--bind", f"{HOST}:{PORT}", "--bind", f"{SECOND_HOST}:{PORT}"]
    command += ["--error-logfile", str(var_dir / "gunicorn-flood.log")]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    (var_dir / "nginx" / "logs" / "access.log").unlink(missing_ok=True)  # this run's requests only
    nginx = LocalNginx(
        var_dir / "nginx",
        upstreams=[f"{HOST}:{PORT}", f"{SECOND_HOST}:{PORT}"],
        static_root=Path(env.get("STATIC_ROOT", var_dir / "static")),
        port=NGINX_PORT,
        workers=os.cpu_count() or 1,
    )
    try:
        for _ in range(120):
            if asyncio.run(http("GET", "/healthz")).status == 200:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        with nginx:
            yield env
    finally:
        for process in (server, redis):
            process.terminate()
            process.wait(timeout=30)
