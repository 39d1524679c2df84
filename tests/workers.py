import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tests.services import require_broker, require_postgres

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def _start_worker(number: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": test_database_url(), "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
    command += ["--hostname", f"test-worker-{number}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
    log = open(settings.VAR_DIR / f"test-worker-{number}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running_workers(count: int):
    """Start `count` worker processes; tasks the test enqueues go to them, not in-process."""
    require_postgres()
    require_broker()
    celery_app.control.purge()
    workers = [_start_worker(number) for number in range(count)]
    celery_app.conf.task_always_eager = False
    try:
        yield workers
    finally:
        celery_app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        connection.close()


def wait_for(condition, timeout: float = 60, interval: float = 0.2):
    """Poll until condition() is truthy; a worker needs a moment to start and work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout}s waiting for {condition.__doc__ or condition}")
