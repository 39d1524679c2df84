"""The transactional outbox between our transactions and the Celery broker.

`core.queue.enqueue` writes an `OutboxTask` row in the caller's transaction, so a task exists exactly when the
change that needs it was committed. After the commit it makes one immediate attempt to hand the row to the broker.
With the embedded default (eager Celery, no broker) there is nothing to wait for: no row is written, and the task
runs in-process after the commit, as it always did.

Nothing after the commit can turn the committed request into an error: the hand-over (or the eager run) is a robust
on_commit callback, so an exception in it is logged at ERROR with its traceback and the request answers as it
would have. The row was committed with the change, so the relay hands over what the attempt could not.

A broker that refuses or does not answer never reaches the user: the attempt gives up after at most
OUTBOX_BROKER_TIMEOUT_SECONDS, the failure is logged and the row waits, and the relay (the beat task
`core.tasks.relay_outbox`, every OUTBOX_RELAY_EVERY_SECONDS) hands it over later, backing off per row (1, 2, 4 …
seconds, at most OUTBOX_RETRY_MAX_SECONDS) until the broker takes it.

A task lost after hand-over (a worker killed mid-task, a message dropped by the broker) is recovered because the
row is only deleted when the task itself succeeds, by the worker, through Celery's `task_success` signal; the
message carries the row's id as its task id, also across the task's own retries. A row handed over but not done
after OUTBOX_REDELIVER_AFTER_SECONDS (longer than the broker's visibility timeout, which is longer than the longest
task) is handed over again. So delivery is at least once, and every task must be safe to run twice: routing
counts the panel it already has, and mail goes through `core.mail.send_once`. A task that raises after its own
retries is marked failed with its error and left for an operator (the admin's "Hand over again" queues it again).

Not django-celery-outbox (evaluated): it replaces the Celery app class, needs its own relay daemon and
SELECT … SKIP LOCKED, pulls in structlog, sentry-sdk and datadog, and forgets a row
once published, so a task lost after hand-over is not recovered; ours is this file.
"""

import logging
import time
from datetime import timedelta
from typing import Any

from celery import current_app
from celery.signals import task_failure, task_success
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu import Producer, pools

from core.models import OutboxTask

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
# Seconds until which this process leaves new rows to the relay, after the broker refused one.
_broker_away_until = 0.0


def add(task_name: str, args: list[Any]) -> None:
    """Store the task in the current transaction and try to hand it over once that commits."""
    task = current_app.tasks[task_name]  # an unknown name is a bug: fail the caller's transaction, not a relay
    if current_app.conf.task_always_eager:
        # The embedded default: no broker to wait for and no relay, so no row; the task runs here after the commit
        # as it always has; an error in it is logged, the change is committed and the request succeeds.
        transaction.on_commit(lambda: task.delay(*args), robust=True)
        return
    grace = timedelta(seconds=settings.OUTBOX_RELAY_EVERY_SECONDS * 2)  # time for the immediate attempt first
    row = OutboxTask.objects.create(task=task_name, args=list(args), next_attempt_at=timezone.now() + grace)
    # Robust: the row is committed whatever happens here (the database may even be gone), and the relay has it.
    transaction.on_commit(lambda: _attempt_now(row), robust=True)


def _attempt_now(row: OutboxTask) -> None:
    # While the broker is away every request would wait for its connection timeout; the relay catches up instead.
    if time.monotonic() >= _broker_away_until:
        with producers().acquire(block=True) as producer:
            hand_over(row, producer)


def producers() -> pools.ProducerPool:
    """A pool of producers whose connections try the broker once and wait for it at most OUTBOX_BROKER_TIMEOUT_SECONDS:
    Kombu's retries would hold a user's request for seconds, and a broker that accepts connections but never answers
    would hold it for ever. The relay is our retry."""
    timeout = settings.OUTBOX_BROKER_TIMEOUT_SECONDS
    options = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    pool: pools.ProducerPool = pools.producers[current_app.connection_for_write(transport_options=options)]
    return pool


def hand_over(row: OutboxTask, producer: Producer) -> bool:
    """Publish the row's task, with the row's id as its task id. Never raises: on a broker error it logs, schedules
    the next try and returns False, so a relay stops asking a broker that is away."""
    global _broker_away_until
    now = timezone.now()
    rows = OutboxTask.objects.filter(pk=row.pk)
    task = current_app.tasks.get(row.task)
    if task is None:  # renamed or removed by a deploy since it was stored: only a person can say what it meant
        logger.error("Outbox: %s names no task this code knows", row)
        rows.update(state=OutboxTask.FAILED, last_error="No such task.")
        return True
    try:
        # No publish retries either: the relay is the retry, and a user's request must not wait on it.
        task.apply_async(row.args, task_id=f"{TASK_ID_PREFIX}{row.pk}", producer=producer, retry=False)
    except Exception as error:  # whatever the broker or the network raised, the row waits
        _broker_away_until = time.monotonic() + settings.OUTBOX_RELAY_EVERY_SECONDS
        wait = min(2**row.attempts, settings.OUTBOX_RETRY_MAX_SECONDS)
        logger.warning(
            "Outbox: could not hand over %s (attempt %d), next try in %ss: %r", row, row.attempts + 1, wait, error
        )
        rows.update(
            attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=wait), last_error=repr(error)[:500]
        )
        return False
    redeliver_at = now + timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER_SECONDS)
    # A fast worker may already have finished (row deleted) or failed it; neither is undone here.
    rows.filter(state__in=(OutboxTask.PENDING, OutboxTask.SENT)).update(
        state=OutboxTask.SENT, attempts=F("attempts") + 1, next_attempt_at=redeliver_at, last_error=""
    )
    return True


def relay(*, batch: int | None = None) -> int:
    """Hand over at most OUTBOX_RELAY_BATCH_SIZE rows that are due, oldest first; stop at the first refusal, since
    the broker is away then. The task queues the next batch after a full one (core/backlog.py), so a backlog left
    by an outage is handed over at the broker's pace, not one batch per OUTBOX_RELAY_EVERY_SECONDS.

    Rows are locked and skipped if locked, so overlapping relays never hand the same row over twice at once.
    """
    batch = batch or settings.OUTBOX_RELAY_BATCH_SIZE
    handed = 0
    with transaction.atomic(), producers().acquire(block=True) as producer:
        due = OutboxTask.objects.due(timezone.now()).order_by("next_attempt_at")
        for row in due.select_for_update(skip_locked=True)[:batch]:
            if row.state == OutboxTask.SENT:
                logger.warning("Outbox: %s was handed over %d times and never finished; again", row, row.attempts)
            if not hand_over(row, producer):
                break
            handed += 1
    return handed


def _row_id(task_id: str | None) -> int | None:
    if task_id and task_id.startswith(TASK_ID_PREFIX):
        return int(task_id.removeprefix(TASK_ID_PREFIX))
    return None


@task_success.connect
def _task_succeeded(sender: Any = None, **kwargs: Any) -> None:
    if pk := _row_id(sender.request.id):
        OutboxTask.objects.filter(pk=pk).delete()


@task_failure.connect
def _task_failed(
    sender: Any = None, task_id: str | None = None, exception: BaseException | None = None, **kwargs: Any
) -> None:
    if pk := _row_id(task_id):
        OutboxTask.objects.filter(pk=pk).update(state=OutboxTask.FAILED, last_error=repr(exception)[:500])
