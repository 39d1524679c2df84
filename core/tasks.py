from celery import shared_task
from django.utils import timezone
from redis.exceptions import RedisError

from core import outbox, purging
from core.models import IdempotencyKey


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Hand over the tasks whose immediate attempt failed or that were lost after hand-over (see core/outbox.py)."""
    return outbox.relay()


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
