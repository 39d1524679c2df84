import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core import outbox
from tests.real_services import require_broker

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """This test's database, for a subprocess; a Unix-socket host (the embedded PostgreSQL) goes in the URL."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def _start_worker(number: int, *, beat_schedule: Path | None = None, **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": test_database_url(), "LOG_LEVEL": "WARNING", **extra_env}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
    command += ["--hostname", f"test-worker-{number}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
    if beat_schedule:
        command += ["--beat", "--schedule", str(beat_schedule)]
    log = open(settings.VAR_DIR / f"test-worker-{number}.log", "w")  # noqa: SIM115 (closed with the process)
    # A session of its own, so that killing its process group takes the embedded beat process along.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@contextlib.contextmanager
def running_workers(count: int):
    """Start `count` worker processes; tasks the test enqueues go to them, not in-process."""
    require_broker()
    celery_app.control.purge()
    workers = [_start_worker(number) for number in range(count)]
    celery_app.conf.task_always_eager = False
    try:
        yield workers
    finally:
        celery_app.conf.task_always_eager = True
        stop_workers(workers)
        connection.close()


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


class Workers:
    """Worker processes, the first running beat too (so the outbox relay), with extra environment on top of the
    test's; started, killed and restarted by the test."""

    def __init__(self, count: int, tmp_path: Path, env: dict[str, str]):
        self.count, self.tmp_path, self.env, self.starts, self.processes = count, tmp_path, env, 0, []

    def start(self) -> None:
        self.starts += 1
        schedule = self.tmp_path / f"beat-{self.starts}"  # a fresh one: a killed beat may leave its file broken
        self.processes = [
            _start_worker(self.starts * 10 + n, beat_schedule=None if n else schedule, **self.env)
            for n in range(self.count)
        ]

    def kill_hard(self) -> None:
        """Freeze them mid-task, then kill them (and beat) with no chance to acknowledge, requeue or clean up."""
        for process in self.processes:
            os.killpg(process.pid, signal.SIGSTOP)
        for process in self.processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def workers_with_beat(tmp_path: Path, count: int = 1, **env: str):
    """Tasks the test queues go to the broker; the workers start when the test says (`.start()`)."""
    require_broker()
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    workers = Workers(count, tmp_path, env)
    try:
        yield workers
    finally:
        celery_app.conf.task_always_eager = True
        stop_workers(workers.processes)
        _forget_unacknowledged()
        connection.close()


def _forget_unacknowledged() -> None:
    # A killed worker's message waits in Redis to be restored after the visibility timeout; not into a later test.
    with celery_app.connection_for_write() as broker:
        broker.default_channel.client.delete("unacked", "unacked_index")


def wait_for(condition, timeout: float = 60, interval: float = 0.2):
    """Poll until condition() is truthy; a worker needs a moment to start and work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout}s waiting for {condition.__doc__ or condition}")


def broker_queue_is_empty() -> bool:
    """No task waiting in the workers' broker. Stopping the workers then lets each finish the one it runs (a warm
    shutdown), so nothing is left that could still run twice. (A killed worker's unacknowledged messages wait out the
    visibility timeout, an hour: the outbox hands those over again.)"""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return client.llen("celery") == 0
    finally:
        client.close()


@contextlib.contextmanager
def broker_unreachable(url: str = "redis://127.0.0.1:6399/12"):
    """This process (the web side) publishes to `url`, by default a port nothing listens on; worker processes keep
    the real broker."""
    celery_app.conf["broker_write_url"] = url
    try:
        yield
    finally:
        celery_app.conf["broker_write_url"] = None
        outbox._broker_away_until = 0.0  # the broker is back: no pause for the tests that follow
