from celery import shared_task
from django.conf import settings

from core.backlog import queue_next_batch
from transparency import fold, signals


@shared_task(name="transparency.tasks.fold_record")
def fold_record() -> int:
    """One bounded batch of the record's unfolded entries; the next is queued when more remain, never run here (an
    append's commit queues this task, and without a broker it runs at the end of that request)."""
    signals.fold_started()
    folded = fold.fold_next_batch()
    if folded == settings.STATISTICS_FOLD_BATCH:
        queue_next_batch(
            "transparency.tasks.fold_record",
            once_key=signals.QUEUED_KEY,
            once_seconds=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS,
        )
    return folded
