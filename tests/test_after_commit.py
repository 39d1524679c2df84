"""Nothing after the commit turns a committed request into an error (docs/explanations/failure-modes.md): a request
answers success exactly when its change was stored, even while the database drops the site's connections."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from config.celery import app as celery_app
from consultation.models import Comment
from core.models import OutboxTask
from tests.consultation.factories import consultation
from tests.workers import broker_unreachable

pytestmark = pytest.mark.django_db(transaction=True)

POSTERS = 4
POSTING_SECONDS = 3
TERMINATE_EVERY_SECONDS = 0.3
URL = "/api/v1/guidelines/acme/medical/versions/1/comments/"


def post(url: str, token: str, body: str) -> int:
    data = json.dumps({"body": body, "clause": "R-1.1"}).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def terminate_the_sites_connections(stop: threading.Event, spared: list[int], terminated: list[int]) -> None:
    """From a connection of its own: every backend of this database but its own and the test's, every 0.3 s."""
    try:
        with connection.cursor() as cursor:
            while not stop.wait(TERMINATE_EVERY_SECONDS):
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND pid <> ALL(%s)",
                    [spared],
                )
                terminated.append(cursor.fetchone()[0])
    finally:
        connection.close()


def test_every_comment_stored_was_answered_201_and_every_failure_stored_nothing(
    live_server, settings, monkeypatch, organization, citizen
):
    settings.CONSULTATION_COMMENT_LIMIT = settings.CONSULTATION_COMMENT_IP_LIMIT = 100_000
    settings.STATISTICS_FOLD_DEBOUNCE_SECONDS = 0  # every comment queues its own fold, so each row can be counted
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "100000/minute")
    consultation(organization)
    token = Token.objects.create(user=citizen).key
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(pid) FROM pg_stat_activity WHERE datname = current_database()")
        spared = cursor.fetchone()[0]  # the test's own connections, which check the outcome
    answers: dict[str, int] = {}
    stop, terminated = threading.Event(), []

    def poster(number: int) -> None:
        deadline, n = time.monotonic() + POSTING_SECONDS, 0
        while time.monotonic() < deadline:
            body = f"Comment {number}-{n}"
            answers[body] = post(live_server.url + URL, token, body)
            n += 1

    celery_app.conf.task_always_eager = False  # the outbox writes its rows, as in production; the fixture resets it
    with broker_unreachable():
        threads = [threading.Thread(target=poster, args=(number,)) for number in range(POSTERS)]
        terminator = threading.Thread(target=terminate_the_sites_connections, args=(stop, spared, terminated))
        for thread in [terminator, *threads]:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        terminator.join()

    succeeded = {body for body, status in answers.items() if status == 201}
    assert sum(terminated) > 0 and succeeded  # connections were dropped while comments were posted and stored
    assert set(answers.values()) <= {201, 500}
    assert set(Comment.objects.values_list("body", flat=True)) == succeeded
    # The fold of each stored comment was queued in its transaction: none dropped after the commit.
    assert OutboxTask.objects.filter(task="transparency.tasks.fold_record").count() == len(succeeded)
