"""The backlog bench/background.py has one worker work off: seeding it, and timing each kind until none is left.

Seeding is what `manage.py seed_scale` does to a version: comments written in bulk with their record entries, none
clustered or folded; and a receipt waiting for each, as a POST leaves one. Each kind is started by queueing its task
once through the outbox, as a comment POST does; its batches then follow one another through the broker.
"""

import random
import time
from collections.abc import Callable

from django.db import transaction

from config.celery import app
from consultation.models import Comment, GuidelineVersion
from consultation.services import campaigns
from consultation.services.comments import posted_payload
from core.queue import enqueue
from ledger.bulk import append_many
from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Entry, PendingReceipt
from tests.consultation.campaign_text import campaign_comment, distinct_comment
from tests.consultation.factories import CommentPeriodFactory
from tests.factories import UserFactory
from transparency.models import FoldMark

LONGEST_WAIT_SECONDS = 3600


def seed(count: int, rng: random.Random) -> GuidelineVersion:
    """`count` comments, half of them one campaign's near-identical text, with their entries and receipts."""
    version, authors = CommentPeriodFactory().version, UserFactory.create_batch(50)
    bodies = [campaign_comment(rng) if n % 2 else distinct_comment(rng) for n in range(count)]
    with transaction.atomic():
        comments = Comment.objects.bulk_create(
            [
                Comment(version=version, author=authors[n % 50], body=b, text_hash=campaigns.text_hash(b))
                for n, b in enumerate(bodies)
            ],
            batch_size=2000,
        )
        first = Entry.objects.count() + 1
        append_many((EntryKind.COMMENT_POSTED, c.subject, posted_payload(c)) for c in comments)
        PendingReceipt.objects.bulk_create(
            [PendingReceipt(seq=first + n, person_id=c.author_id) for n, c in enumerate(comments)], batch_size=2000
        )
    publish_checkpoint()
    return version


def wait_for_worker() -> None:
    for _ in range(120):
        if app.control.ping(timeout=0.5):
            return
    raise SystemExit("The worker did not answer within a minute: see var/bench-background/worker.log")


def _unclustered() -> bool:
    return Comment.objects.filter(cluster__isnull=True).exists()


def _unfolded() -> bool:
    mark = FoldMark.objects.first()
    return (mark.seq if mark else 0) < Entry.objects.count()


def _unmailed() -> bool:
    return PendingReceipt.objects.exists()


def _clustering() -> tuple[int, Callable[[], bool]]:
    version_id = Comment.objects.values_list("version_id", flat=True).first()
    campaigns.request_clustering(version_id)
    return Comment.objects.count(), _unclustered


def _fold() -> tuple[int, Callable[[], bool]]:
    with transaction.atomic():
        enqueue("transparency.tasks.fold_record")
    return Entry.objects.count(), _unfolded


def _mail() -> tuple[int, Callable[[], bool]]:
    with transaction.atomic():
        enqueue("ledger.tasks.send_receipts")
    return PendingReceipt.objects.count(), _unmailed


KINDS = {"clustering (comments)": _clustering, "statistics fold (entries)": _fold, "mail (receipts)": _mail}


def measure(name: str) -> tuple[int, float]:
    """How many items, and the seconds from queueing the first batch until none is left."""
    started = time.perf_counter()
    items, remaining = KINDS[name]()
    while remaining():
        if time.perf_counter() - started > LONGEST_WAIT_SECONDS:
            raise SystemExit(f"{name}: still not done after {LONGEST_WAIT_SECONDS} s")
        time.sleep(0.1)
    return items, time.perf_counter() - started
