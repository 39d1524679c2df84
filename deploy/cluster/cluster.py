"""A whole cluster on one machine: PostgreSQL primary and streaming replica, Redis, two app hosts behind nginx, two
Celery workers and beat, each its own process group on its own port, as separate hosts would be.

    deploy/cluster/up        # starts everything, migrates, seeds the demo, prints the site's address last
    deploy/cluster/status    # one line per process: role, host:port (or -), pid
    deploy/cluster/down      # stops what `up` started (its pids under var/cluster/), idempotent

CLUSTER_REPLICA_DELAY (e.g. `2s`) makes the replica apply changes that much late (recovery_min_apply_delay), so
read-your-writes is put to the test. Ports: CLUSTER_PORT_BASE (7400) and the next few. See docs/how-to/scale-out.md.
"""

import contextlib
import glob
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from deploy.nginx_conf import LocalNginx, wait_for_port  # noqa: E402

VAR = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster"))
PIDS = VAR / "pids"
BASE = int(os.environ.get("CLUSTER_PORT_BASE", "7400"))
HOST = "127.0.0.1"
PORTS = {"primary": BASE, "replica": BASE + 1, "redis": BASE + 2, "app-1": BASE + 10, "app-2": BASE + 11}
PORTS["nginx"] = BASE + 20
DATABASE = "whodecides"
PYTHON = sys.executable


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise SystemExit(f"PostgreSQL's {name} is not installed: apt-get install postgresql")
    return found[-1]


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: its commands run as the postgres user, who owns the data directories."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def site_url() -> str:
    return f"http://{HOST}:{PORTS['nginx']}"


def app_env() -> dict[str, str]:
    """Production settings, as each separate host would have them (var/cluster/env holds the secrets)."""
    secrets_file = dict(line.split("=", 1) for line in (VAR / "env").read_text().splitlines() if "=" in line)
    redis = f"redis://{HOST}:{PORTS['redis']}"
    return {
        **os.environ,
        **secrets_file,
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": site_url(),
        "DATABASE_URL": f"postgres://postgres@{HOST}:{PORTS['primary']}/{DATABASE}",
        "DATABASE_REPLICA_URL": f"postgres://postgres@{HOST}:{PORTS['replica']}/{DATABASE}",
        "REDIS_URL": f"{redis}/1",
        "CELERY_BROKER_URL": f"{redis}/0",
        "VAR_DIR": str(VAR / "app"),
        "STATIC_ROOT": str(VAR / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(VAR / "mail"),
        # nginx on this machine is the one proxy the hosts believe; plain HTTP on the loopback.
        "TRUSTED_PROXIES": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
    }


def write_env() -> None:
    """The secrets every host shares, made once: the same SECRET_KEY signs sessions and CSRF tokens on both."""
    if (VAR / "env").exists():
        return
    key = subprocess.run(
        [PYTHON, "manage.py", "record_key", "--name", f"{HOST}/record"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "VAR_DIR": str(VAR / "app")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[1]
    (VAR / "env").write_text(f"SECRET_KEY={secrets.token_urlsafe(50)}\nRECORD_SIGNING_KEY={key.strip()}\n")
    (VAR / "env").chmod(0o600)


def manage(*args: str, **env: str) -> None:
    began = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**app_env(), **env}, check=True)
    print(f"{args[0]}: {time.monotonic() - began:.0f} s", file=sys.stderr)


# Each process: its role, where it listens, and how it is started (in a session of its own, pid recorded).
def commands() -> dict[str, tuple[str, str, list[str]]]:
    celery = [PYTHON, "-m", "celery", "-A", "config"]
    apps = {
        name: (
            "app",
            f"{HOST}:{PORTS[name]}",
            [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{PORTS[name]}", "--workers", "2"]
            + ["--threads", "2", "--no-control-socket", "--error-logfile", str(VAR / f"{name}.log")],
        )
        for name in ("app-1", "app-2")
    }
    workers = {
        name: ("worker", "-", [*celery, "worker", "--pool", "solo", "--hostname", f"{name}@%h", "--without-gossip"])
        for name in ("worker-1", "worker-2")
    }
    beat = {"beat": ("beat", "-", [*celery, "beat", "--schedule", str(VAR / "celerybeat-schedule")])}
    return {**apps, **workers, **beat}


def start(name: str) -> int:
    """Start one of the app hosts, workers or beat; returns its pid (also its process group)."""
    role, address, command = commands()[name]
    log = open(VAR / f"{name}.log", "a")  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=app_env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    record(name, role, address, process.pid)
    return process.pid


def record(name: str, role: str, address: str, pid: int) -> None:
    PIDS.mkdir(parents=True, exist_ok=True)
    (PIDS / f"{name}.json").write_text(json.dumps({"role": role, "address": address, "pid": pid}))


def kill(name: str, sig: int = signal.SIGKILL, *, group: bool = True) -> None:
    """Signal a process group `up` started (the test kills an app host or a worker with SIGKILL)."""
    pid = json.loads((PIDS / f"{name}.json").read_text())["pid"]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig) if group else os.kill(pid, sig)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def postgres_up() -> None:
    """The primary, then the replica copied from it by pg_basebackup -R (which writes its primary_conninfo)."""
    primary, replica = VAR / "primary", VAR / "replica"
    if os.geteuid() == 0:
        shutil.chown(VAR, user="postgres")
    if not (primary / "PG_VERSION").exists():
        subprocess.run(as_postgres(pg_bin("initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust"), check=True)
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '{HOST}'\nunix_socket_directories = '{VAR}'\nfsync = off\n")
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby_feedback = on\n")
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write(f"host replication postgres {HOST}/32 trust\n")
    pg_start("primary", primary)
    create = f"CREATE DATABASE {DATABASE}"
    exists = subprocess.run(
        [
            pg_bin("psql"),
            "-h",
            HOST,
            "-p",
            str(PORTS["primary"]),
            "-U",
            "postgres",
            "-Atc",
            "SELECT datname FROM pg_database",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if DATABASE not in exists:
        subprocess.run(
            [pg_bin("psql"), "-h", HOST, "-p", str(PORTS["primary"]), "-U", "postgres", "-qc", create], check=True
        )
    if not (replica / "PG_VERSION").exists():
        copy = [pg_bin("pg_basebackup"), "-h", HOST, "-p", str(PORTS["primary"]), "-U", "postgres"]
        subprocess.run(as_postgres(*copy, "-D", str(replica), "-R", "-X", "stream"), check=True)
    pg_start("replica", replica, f"-c recovery_min_apply_delay={os.environ.get('CLUSTER_REPLICA_DELAY', '0')}")


def pg_start(name: str, data: Path, extra: str = "") -> None:
    port = PORTS[name]
    log = VAR / f"{name}.log"
    if not log.exists():
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, user="postgres")
    options = f"-p {port} -k {VAR} {extra}"
    start = [pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
    if not (data / "postmaster.pid").exists():
        subprocess.run(as_postgres(*start), check=True, stdout=subprocess.DEVNULL)
    pid = int((data / "postmaster.pid").read_text().split()[0])
    record(name, name, f"{HOST}:{port}", pid)


def redis_up() -> None:
    port = PORTS["redis"]
    pidfile = VAR / "redis.pid"
    command = ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    command += ["--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(VAR), "--logfile", str(VAR / "redis.log")]
    subprocess.run(command, check=True)
    wait_for_port(port)
    deadline = time.monotonic() + 10
    while not pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    record("redis", "redis", f"{HOST}:{port}", int(pidfile.read_text()))


def nginx_up() -> None:
    """The one template (deploy/nginx.conf.in) with an upstream of the two app hosts."""
    upstreams = [f"{HOST}:{PORTS['app-1']}", f"{HOST}:{PORTS['app-2']}"]
    nginx = LocalNginx(VAR / "nginx", upstreams=upstreams, static_root=VAR / "static", port=PORTS["nginx"])
    checked = subprocess.run(nginx.command("-t", "-q"), capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"nginx refuses its configuration: {checked.stderr}")
    log = open(VAR / "nginx.log", "a")  # noqa: SIM115 (the child keeps it)
    command = nginx.command("-g", "daemon off;")
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    wait_for_port(PORTS["nginx"])
    record("nginx", "nginx", f"{HOST}:{PORTS['nginx']}", process.pid)


def healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # noqa: S310 (our own address)
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url}/healthz did not answer 200 within {seconds} s")
        time.sleep(0.2)


def up() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "mail").mkdir(exist_ok=True)
    write_env()
    postgres_up()
    redis_up()
    # collectstatic needs no database: it runs beside the migrations.
    static = subprocess.Popen([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=app_env())
    manage("migrate", "--noinput", "-v", "0")
    if static.wait() != 0:
        raise SystemExit("collectstatic failed")
    # The demo's accounts have a published password, which seed_demo refuses to make outside debug mode.
    manage("seed_demo", DEBUG="1")
    for name in commands():
        if not (PIDS / f"{name}.json").exists() or not alive(json.loads((PIDS / f"{name}.json").read_text())["pid"]):
            start(name)
    for name in ("app-1", "app-2"):
        wait_for_port(PORTS[name], seconds=60)
        healthy(f"http://{HOST}:{PORTS[name]}")
    if not (PIDS / "nginx.json").exists():
        nginx_up()
    healthy(site_url())
    print(site_url())


def status() -> None:
    for entry_file in sorted(PIDS.glob("*.json")) if PIDS.exists() else []:
        entry = json.loads(entry_file.read_text())
        state = "" if alive(entry["pid"]) else " (not running)"
        print(f"{entry['role']} {entry['address']} {entry['pid']}{state}")


def down() -> None:
    """nginx and the app side first (they write), then Redis, then the replica and the primary."""
    started = [name for name in ["nginx", *commands()] if (PIDS / f"{name}.json").exists()]
    pids = [json.loads((PIDS / f"{name}.json").read_text())["pid"] for name in started]
    for name in started:
        kill(name, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for name in started:
        kill(name, signal.SIGKILL)  # a task still running is handed to a worker again (acks_late)
        (PIDS / f"{name}.json").unlink()
    if (PIDS / "redis.json").exists():
        kill("redis", signal.SIGTERM, group=False)  # with --save '', Redis exits at once
        (PIDS / "redis.json").unlink()
    for name in ("replica", "primary"):
        if (VAR / name / "postmaster.pid").exists():
            stop = [pg_bin("pg_ctl"), "-D", str(VAR / name), "-m", "fast", "-w", "stop"]
            subprocess.run(as_postgres(*stop), check=False, stdout=subprocess.DEVNULL)
        (PIDS / f"{name}.json").unlink(missing_ok=True)


if __name__ == "__main__":
    # `kill NAME` (SIGKILL to its process group) and `start NAME`: what tests/test_cluster.py does to a host.
    actions = {"up": up, "down": down, "status": status, "kill": kill, "start": start}
    if len(sys.argv) < 2 or sys.argv[1] not in actions:
        raise SystemExit(f"usage: {shlex.join([sys.argv[0]])} up|down|status|kill NAME|start NAME")
    actions[sys.argv[1]](*sys.argv[2:])
