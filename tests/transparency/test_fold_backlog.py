"""An unfolded stretch of the record (after a bulk load or an outage) never lands on a request: without a broker the
fold an append queues does one bounded batch, and the in-process scheduler's thread folds the rest."""

import pytest
from django.core.cache import cache
from django.db import transaction

from consultation.services.comments import post_comment
from core import scheduler
from ledger.models import Entry
from tests.consultation.factories import auth, consultation
from tests.factories import UserFactory
from transparency.models import FoldMark, Tally
from transparency.signals import QUEUED_KEY
from transparency.tasks import fold_record

BATCH = 3


@pytest.fixture(autouse=True)
def small_batches(settings):
    settings.CELERY_BROKER_URL = ""
    settings.STATISTICS_FOLD_BATCH = BATCH
    scheduler.InProcessBeat({}).run_next_batches()  # nothing left over from another test


def unfolded_comments(version, count: int) -> None:
    """Comments and their entries committed while a fold was already queued, so none of them queued one."""
    cache.set(QUEUED_KEY, 1, timeout=None)
    with transaction.atomic():
        for number in range(count):
            post_comment(version=version, body=f"Comment number {number}.", by=UserFactory())
    cache.delete(QUEUED_KEY)


def folded() -> int:
    mark = FoldMark.objects.first()
    return mark.seq if mark else 0


@pytest.mark.django_db(transaction=True)
def test_an_append_in_a_request_folds_one_batch_and_the_scheduler_the_rest(client, organization, citizen):
    version = consultation(organization)
    unfolded_comments(version, 10)

    response = client.post(
        f"/api/v1/guidelines/acme/medical/versions/{version.number}/comments/",
        {"body": "Please narrow this."},
        content_type="application/json",
        **auth(citizen),
    )

    assert response.status_code == 201
    assert folded() == BATCH
    beat = scheduler.InProcessBeat({})
    while beat.run_next_batches():
        pass
    assert folded() == Entry.objects.count() == 11
    assert Tally.objects.get(dimension=Tally.ALL).counts["comments"] == 11


@pytest.mark.django_db(transaction=True)
def test_a_fold_run_is_safe_to_repeat(organization):
    unfolded_comments(consultation(organization), 4)
    assert (fold_record(), fold_record(), fold_record()) == (3, 1, 0)
    assert Tally.objects.get(dimension=Tally.ALL).counts["comments"] == 4
