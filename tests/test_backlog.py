"""A backlog's next batch (core/backlog.py): a message for the workers with a broker, the in-process scheduler's
work without one; never run in the call that asks for it, and asked for once however often."""

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from core import scheduler
from core.backlog import queue_next_batch
from core.models import OutboxTask

TASK = "core.tasks.expire_idempotency_keys"


@pytest.fixture(autouse=True)
def nothing_handed_over():
    scheduler.InProcessBeat({}).run_next_batches()
    cache.delete("test:queued")


@pytest.mark.django_db
def test_without_a_broker_the_next_batch_waits_for_the_scheduler_and_runs_once():
    queue_next_batch(TASK)
    queue_next_batch(TASK)
    beat = scheduler.InProcessBeat({})
    assert beat.seconds_until_next() == 0  # the thread does not nap while a batch waits
    assert beat.run_next_batches() == 1
    assert beat.run_next_batches() == 0
    assert beat.seconds_until_next() == scheduler.LONGEST_NAP_SECONDS


@pytest.mark.django_db
def test_with_a_broker_the_next_batch_is_one_message_while_one_is_queued():
    celery_app.conf.task_always_eager = False  # the eager_celery fixture sets it back
    queue_next_batch(TASK, once_key="test:queued")
    queue_next_batch(TASK, once_key="test:queued")
    assert list(OutboxTask.objects.values_list("task", flat=True)) == [TASK]
    cache.delete("test:queued")  # as the task does when it starts
    queue_next_batch(TASK, once_key="test:queued")
    assert OutboxTask.objects.count() == 2
    assert scheduler.InProcessBeat({}).run_next_batches() == 0  # nothing was left to this process
