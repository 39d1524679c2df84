"""The next batch of a backlog: how a task that did one bounded batch asks for the rest.

A task that works a backlog (comments to cluster, record entries to fold, mail to send) does one batch of a size set
in settings per run, so no run is long however large the backlog grew: after a bulk load, an outage or a campaign.
When more remains it calls `queue_next_batch`. With a broker the next batch is a message for the workers, through
the outbox like any task. Without one (the embedded default, eager Celery) the task may be running inside a request,
after its commit; running the rest there would make that person wait for the whole backlog. So the next batch is
handed to the in-process scheduler's thread (core/scheduler.py), which works the backlog off between its jobs.
"""

from typing import Any

from celery import current_app
from django.core.cache import cache

from core import scheduler
from core.queue import enqueue


def queue_next_batch(task_name: str, *args: Any, once_key: str = "", once_seconds: int = 300) -> None:
    """Run `task_name(*args)` again later, never in this call. With `once_key`, a broker gets one such message
    while the key is set (the task deletes the key when it starts), so a backlog has one chain of batches, not one
    per request that asked for it."""
    if current_app.conf.task_always_eager:
        scheduler.run_soon(task_name, *args)
    elif not once_key or cache.add(once_key, 1, timeout=once_seconds):
        enqueue(task_name, *args)
