from celery import shared_task

from core import outbox


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Hand over the tasks whose immediate attempt failed or that were lost after hand-over (see core/outbox.py)."""
    return outbox.relay()
