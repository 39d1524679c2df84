"""Fold soon after a change: each commit that appended to the record queues one fold, at most one every few seconds
(the beat task catches anything a lost message missed)."""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue
from ledger.signals import entry_appended

QUEUED_KEY = "transparency:fold-queued"


def _queue_fold() -> None:
    # Through the outbox, so a broker that is away costs the request nothing (the relay hands it over later). Run
    # in-process (the embedded default), every commit folds at once: nothing else would run a later fold.
    eager = current_app.conf.task_always_eager
    if eager or cache.add(QUEUED_KEY, 1, timeout=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS):
        enqueue("transparency.tasks.fold_record")


@receiver(entry_appended, dispatch_uid="transparency-fold-on-commit")
def fold_after_commit(sender, entry, **kwargs) -> None:
    transaction.on_commit(_queue_fold)
