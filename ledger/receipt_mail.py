"""Receipts by email: the person who submitted something gets its receipt once a signed checkpoint covers it.

`request_receipt` runs in the submission's transaction and leaves a `PendingReceipt`; the beat task
`ledger.tasks.send_receipts` mails each one that is due, at most once (core.mail.send_once), and deletes it in the
same transaction, so a crash leaves it pending and a retry never mails twice. A receipt waits for witnesses: it is
due once a checkpoint covering it is cosigned by every active witness, or RECEIPT_COSIGNATURE_WAIT_SECONDS after it
was requested whatever the witnesses did. It goes through core.mail, so an address that unsubscribed from all mail
gets none; it is no follow, so a follow's unsubscribe does not apply.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.backlog import queue_next_batch
from core.mail import send_once
from ledger.models import Checkpoint, Entry, PendingReceipt, Witness
from ledger.receipts import CHECKPOINT_CHOICES, covered_size, receipt_filename, receipt_text

logger = logging.getLogger(__name__)
QUEUED_KEY = "ledger:receipts-queued"


def request_receipt(*, entry: Entry, person: AbstractBaseUser) -> None:
    """Mail `person` the receipt of `entry` once it is ready; call it in the transaction that appends the entry."""
    PendingReceipt.objects.bulk_create([PendingReceipt(seq=entry.seq, person_id=person.pk)], ignore_conflicts=True)


def cosigned_size() -> int:
    """The size of the newest recent checkpoint that every active witness cosigned (with none, of the newest)."""
    witnesses = Witness.objects.filter(active=True).count()
    newest = Checkpoint.objects.order_by("-size")[:CHECKPOINT_CHOICES]
    counted = Checkpoint.objects.filter(pk__in=newest.values("pk")).annotate(cosigned=Count("cosignatures"))
    sizes = counted.filter(cosigned__gte=witnesses).values_list("size", flat=True)
    return max(sizes, default=0)


def due_receipts() -> list[int]:
    """The pending receipts to send now, oldest first, at most RECEIPT_BATCH_SIZE of them."""
    waited = timezone.now() - timedelta(seconds=settings.RECEIPT_COSIGNATURE_WAIT_SECONDS)
    due = Q(seq__lte=cosigned_size()) | Q(seq__lte=covered_size(), requested_at__lte=waited)
    return list(PendingReceipt.objects.filter(due).values_list("pk", flat=True)[: settings.RECEIPT_BATCH_SIZE])


def send_due_receipts() -> int:
    """Send one batch of due receipts, one transaction each, and queue the next batch if this one was full
    (core/backlog.py); the number sent. A failed one stays pending for the next run."""
    cache.delete(QUEUED_KEY)
    due = due_receipts()
    sent = 0
    for pk in due:
        try:
            sent += send_receipt(pk)
        except Exception:  # one bad address or a mail server's hiccup must not hold up the others
            logger.exception("Could not send pending receipt %s; it stays pending", pk)
    if len(due) == settings.RECEIPT_BATCH_SIZE:
        queue_next_batch("ledger.tasks.send_receipts", once_key=QUEUED_KEY)
    return sent


def send_receipt(pk: int) -> int:
    with transaction.atomic():
        # Only the pending row is locked (of=self), not the person's: a concurrent run skips it rather than waiting.
        pending = PendingReceipt.objects.select_for_update(skip_locked=True, of=("self",)).select_related("person")
        receipt = pending.filter(pk=pk).first()
        if receipt is None:  # sent by a concurrent run
            return 0
        entry = Entry.objects.get(seq=receipt.seq)
        text = receipt_text(entry)
        if text is None:
            return 0
        sent = send_once(
            key=f"receipt:{entry.seq}:{receipt.person_id}",
            to=receipt.person.email,
            template="ledger/email/receipt",
            context={"entry": entry, "filename": receipt_filename(entry.seq)},
            attachments=[(receipt_filename(entry.seq), text, "text/plain")],
        )
        receipt.delete()
        return sent
