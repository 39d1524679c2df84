from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from core import outbox, purging
from core.backlog import queue_next_batch
from core.models import IdempotencyKey

RELAY_QUEUED_KEY = "outbox:relay-queued"


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Hand over the tasks whose immediate attempt failed or that were lost after hand-over (see core/outbox.py)."""
    cache.delete(RELAY_QUEUED_KEY)
    handed = outbox.relay()
    if handed == settings.OUTBOX_RELAY_BATCH_SIZE:
        queue_next_batch("core.tasks.relay_outbox", once_key=RELAY_QUEUED_KEY, once_seconds=60)
    return handed


@shared_task(name="core.tasks.expire_idempotency_keys", acks_late=True)
def expire_idempotency_keys() -> int:
    """Forget the answers kept for retries once their day is over (a key that old already counts as new)."""
    deleted, _ = IdempotencyKey.objects.expired(timezone.now()).delete()
    return deleted


# Backing off to ten minutes, twenty tries last about three hours; then the outbox row is marked failed, for an
# operator to hand over again from the admin.
@shared_task(
    name=purging.PURGE_TASK,
    acks_late=True,
    autoretry_for=(RedisError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=20,
)
def purge_pages(tags: list[str]) -> None:
    """A purge that could not reach Redis after a moderator's action (core/purging.py), until it does. Purging twice
    does no harm."""
    purging.purge_now(*tags)
