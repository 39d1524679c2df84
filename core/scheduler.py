"""Periodic jobs without a broker: the beat schedule (CELERY_BEAT_SCHEDULE) on a timer inside the serving process.

With a broker, `celery beat` hands these jobs to the workers. The embedded default has neither, and without them
the site goes stale: offers nobody answered stay actionable, appeals past their deadline are not flagged, no
checkpoint is signed and /data/ stays empty. So `manage.py runserver` (core/management/commands/runserver.py)
starts one daemon thread in the process that serves, never in the autoreloader's watching parent, that runs every
job once at start and then each whenever its schedule says, eagerly, as every task runs without a broker.

Why not `celery beat` itself: it sends every job through a broker, which is what this set-up does not have. Why a
thread and not a second process: the jobs are the same thin, idempotent beat tasks, so running one again after a
restart or a reload does no harm, and one process is all `make run` has to watch. Gunicorn, the tests and any
process with CELERY_BROKER_URL set never start it: production runs `celery beat`.

The thread also works off backlogs. A task that works a backlog (clustering, the statistics fold, mail sweeps) does
one bounded batch per run and, when more remains, asks for the next through `core.backlog.queue_next_batch`: with
a broker that is a new message for the workers; without one, the task may be running inside a request (an eager
task runs after its request's commit), so the next batch is handed to this thread with `run_soon` and the request
answers. The thread runs the batches it was handed between its scheduled jobs, each once however often it was asked.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from celery import Celery, current_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# The longest the thread sleeps between two looks at the schedule.
LONGEST_NAP_SECONDS = 60.0
THREAD_NAME = "in-process-beat"


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    last_run_at: datetime | None = None

    def seconds_until_due(self) -> float:
        """0 when it should run now: never run yet, or its schedule says its time has come."""
        if self.last_run_at is None:
            return 0.0
        due, next_in = self.schedule.is_due(self.last_run_at)
        return 0.0 if due else float(next_in)


class InProcessBeat:
    """The beat schedule's jobs with the time each last ran, run in the calling thread."""

    def __init__(self, beat_schedule: dict[str, dict[str, Any]], app: Celery | None = None):
        self.app = app or current_app
        self.jobs = [
            Job(
                name=name,
                task=entry["task"],
                schedule=maybe_schedule(entry["schedule"], app=self.app),
                args=tuple(entry.get("args", ())),
                kwargs=dict(entry.get("kwargs", {})),
            )
            for name, entry in beat_schedule.items()
        ]

    def run_due(self) -> list[str]:
        """Run every job whose time has come (all of them the first time); the names of those that ran."""
        ran = []
        for job in self.jobs:
            if job.seconds_until_due() > 0:
                continue
            job.last_run_at = self.app.now()
            self._run(job)
            ran.append(job.name)
        return ran

    def seconds_until_next(self) -> float:
        if _next_batches:
            return 0.0
        return min([LONGEST_NAP_SECONDS, *(job.seconds_until_due() for job in self.jobs)])

    def run_next_batches(self) -> int:
        """Run each batch handed over by `run_soon` once (a batch may hand over its own next one); how many ran."""
        with _handing_over:
            batches = list(_next_batches.values())
            _next_batches.clear()
            _batch_waiting.clear()
        for task, args in batches:
            self._run(Job(name=f"next batch of {task}", task=task, schedule=maybe_schedule(0), args=args, kwargs={}))
        return len(batches)

    def _run(self, job: Job) -> None:
        try:
            self.app.tasks[job.task].apply(args=job.args, kwargs=job.kwargs, throw=True)
        except Exception:
            # One failing job must not stop the others, nor the timer: it is tried again at its next time.
            logger.exception("Periodic job %s (%s) failed.", job.name, job.task)


# Batches handed over by tasks that found more work than one run may do, keyed so that asking twice runs it once.
_next_batches: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
_handing_over = threading.Lock()
_batch_waiting = threading.Event()


def run_soon(task_name: str, *args: Any) -> None:
    """Hand a backlog's next batch to this process's thread (see the module's docstring); never runs it here."""
    with _handing_over:
        _next_batches[(task_name, repr(args))] = (task_name, args)
    _batch_waiting.set()


def _unless_a_routine_success(record: logging.LogRecord) -> bool:
    """Celery logs every task that succeeds; from this thread that would be a line every few seconds (the outbox
    relay), so only its warnings and failures are printed."""
    return record.threadName != THREAD_NAME or record.levelno >= logging.WARNING


class BeatThread(threading.Thread):
    def __init__(self, beat: InProcessBeat):
        super().__init__(name=THREAD_NAME, daemon=True)
        self.beat = beat
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            # As around a request: a connection this thread kept is dropped when broken or past CONN_MAX_AGE.
            close_old_connections()
            self.beat.run_due()
            self.beat.run_next_batches()
            close_old_connections()
            if not self.stopping.is_set():  # stop() sets both, so a stop after this look ends the wait at once
                _batch_waiting.wait(self.beat.seconds_until_next())

    def stop(self) -> None:
        self.stopping.set()
        _batch_waiting.set()
        self.join()


_starting = threading.Lock()
_running: list[BeatThread] = []


def runs_in_process() -> bool:
    """Only without a broker: with one, `celery beat` runs the schedule, and a second copy would run it twice."""
    return not settings.CELERY_BROKER_URL


def start_in_process_beat() -> BeatThread | None:
    """Start the thread unless this process has one running or a broker is set; the running thread, or None."""
    if not runs_in_process():
        return None
    with _starting:
        if _running and _running[-1].is_alive():
            return _running[-1]
        logging.getLogger("celery.app.trace").addFilter(_unless_a_routine_success)
        thread = BeatThread(InProcessBeat(settings.CELERY_BEAT_SCHEDULE))
        _running[:] = [thread]
        thread.start()
        logger.info("Periodic jobs: %d run in this process, without a broker.", len(thread.beat.jobs))
        return thread
