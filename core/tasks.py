from celery import shared_task
from django.utils import timezone

from core import outbox
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
