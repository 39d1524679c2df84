"""Fold soon after a change: the first transaction that appends to the record after a fold started queues the next
one, in that transaction, so the fold's outbox row is committed with the entries it will count and nothing after the
commit can drop it (the beat task `transparency.tasks.fold_record` catches whatever a rolled-back transaction left
marked as queued).

Why no entry is missed: an appending transaction checks the marker while it holds the record's head (ledger.services
locks it), and the fold, having cleared the marker, waits for that lock before it reads. So a transaction that saw
the marker of a fold not yet started is either read by that fold or commits after it cleared the marker, which it
cannot: it saw the marker, so the clearing came after its check, while it held the lock the fold waits for.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue
from ledger.models import Head
from ledger.signals import entry_appended

QUEUED_KEY = "transparency:fold-queued"


@receiver(entry_appended, dispatch_uid="transparency-fold-in-transaction")
def queue_fold(sender, entry, **kwargs) -> None:
    # Through the outbox, so a broker that is away costs the request nothing (the relay hands it over later). The
    # cache fails open (core/cache.py): while Redis is away the marker is this process's own.
    if cache.add(QUEUED_KEY, 1, timeout=settings.STATISTICS_FOLD_DEBOUNCE_SECONDS):
        enqueue("transparency.tasks.fold_record")


def fold_started() -> None:
    """Clear the marker, so the next append queues another fold, then wait for the appends in flight (see above)."""
    cache.delete(QUEUED_KEY)
    with transaction.atomic():
        list(Head.objects.select_for_update().filter(pk=Head.ONLY).values_list("pk", flat=True))
