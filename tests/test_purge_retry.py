"""A purge Redis did not take is not lost: the moderator's action succeeds, and the purge waits in the outbox and is
retried until Redis answers (core/purging.py), so a hidden text is purged once Redis is back."""

import pytest
from django.test import RequestFactory

from config.celery import app as celery_app
from config.settings import redis_caches
from consultation.services.comments import hide_comment, post_comment
from core import purging
from core.caching import keys_for
from core.models import OutboxTask
from core.tasks import purge_pages
from tests.consultation.factories import consultation
from tests.workers import broker_unreachable

pytestmark = pytest.mark.django_db

TAG = "guideline:acme/medical"


@pytest.fixture
def redis_away(settings):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout_seconds=1)


@pytest.fixture
def with_broker():
    """Tasks go to a broker, as in production (this one does not answer, so they wait in the outbox)."""
    celery_app.conf.task_always_eager = False  # the eager_celery fixture sets it back
    with broker_unreachable():
        yield


def test_a_purge_redis_did_not_take_waits_in_the_outbox(redis_away, with_broker, caplog):
    purging.purge(TAG)
    assert "Could not purge the cached pages of guideline:acme/medical" in caplog.text
    assert list(OutboxTask.objects.values_list("task", "args")) == [("core.tasks.purge_pages", [[TAG]])]


def test_hiding_a_comment_while_redis_is_away_succeeds_and_queues_its_purge(
    organization, citizen, moderator, redis_away, with_broker, django_capture_on_commit_callbacks
):
    version = consultation(organization)
    comment = post_comment(version=version, clause=None, body="Buy cheap watches", by=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        hide_comment(comment=comment, reason="spam", by=moderator)
    comment.refresh_from_db()
    assert comment.is_hidden
    [queued] = OutboxTask.objects.filter(task="core.tasks.purge_pages")
    assert set(queued.args[0]) == {TAG, "comments"}


def test_the_retried_purge_retires_the_copy_kept_for_readers_once_redis_is_back(client, organization):
    version = consultation(organization)
    client.get(version.get_absolute_url())
    before = keys_for(RequestFactory().get(version.get_absolute_url()))
    purge_pages([TAG])
    after = keys_for(RequestFactory().get(version.get_absolute_url()))
    assert after.latest != before.latest


def test_without_a_broker_nothing_is_queued_and_the_action_still_succeeds(redis_away, caplog):
    purging.purge(TAG)
    assert "Could not purge" in caplog.text
    assert not OutboxTask.objects.exists()
