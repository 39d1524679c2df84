"""Fold soon after a change: each commit that appended to the record queues one fold, at most one every few seconds
(the beat task catches anything a lost message missed)."""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from ledger.signals import entry_appended

QUEUED_KEY = "transparency:fold-queued"


def _queue_fold() -> None:
    from transparency.tasks import fold_record

    if current_app.conf.task_always_eager:
        fold_record.delay()  # in-process: nothing to wait for, and nothing would run a later one
    elif cache.add(QUEUED_KEY, 1, timeout=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS):
        fold_record.apply_async(countdown=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS)


@receiver(entry_appended, dispatch_uid="transparency-fold-on-commit")
def fold_after_commit(sender, entry, **kwargs) -> None:
    transaction.on_commit(_queue_fold)
