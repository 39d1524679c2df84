"""Fold soon after a change: the first commit that appended to the record after a fold started queues the next one,
as the clustering of comments is queued (the beat task catches anything a lost message missed)."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue
from ledger.signals import entry_appended

QUEUED_KEY = "transparency:fold-queued"


def _queue_fold() -> None:
    # Through the outbox, so a broker that is away costs the request nothing (the relay hands it over later). The
    # marker is cleared by the fold when it starts, so a commit after that queues the next fold.
    if cache.add(QUEUED_KEY, 1, timeout=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS):
        enqueue("transparency.tasks.fold_record")


def fold_started() -> None:
    cache.delete(QUEUED_KEY)


@receiver(entry_appended, dispatch_uid="transparency-fold-on-commit")
def fold_after_commit(sender, entry, **kwargs) -> None:
    transaction.on_commit(_queue_fold)
