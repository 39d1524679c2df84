"""With Redis (the cache) away, the site degrades instead of breaking: pages, the API and posting keep working, the
outage is logged once rather than per request, and rate limits count in each process's memory (core/cache.py,
docs/explanations/failure-modes.md). Redis is a port nothing listens on, so these run everywhere."""

import logging

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from config.settings import redis_caches
from consultation.models import Comment
from core import cache as cache_backend
from tests.consultation.factories import auth, consultation

COMMENTS = "/api/v1/guidelines/acme/medical/versions/1/comments/"
NOT_ANSWERING = "The cache (Redis) does not answer"


@pytest.fixture
def redis_away(settings, monkeypatch):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout_seconds=1)
    monkeypatch.setattr(cache_backend, "_outages", {})  # each test sees the outage begin
    cache.clear()  # the counts an earlier test left in the fallback


@pytest.fixture
def version(organization):
    return consultation(organization)


def test_pages_and_the_api_answer(redis_away, client, version):
    assert client.get("/api/v1/decisions/").status_code == 200
    assert client.get(version.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


def test_a_comment_is_posted_and_stored(redis_away, client, citizen, version):
    response = client.post(
        COMMENTS, {"clause": "R-1.1", "body": "Still here."}, content_type="application/json", **auth(citizen)
    )
    assert response.status_code == 201
    assert Comment.objects.get().body == "Still here."


def test_a_rate_limit_still_refuses_past_its_limit(redis_away, settings, client, citizen, version):
    settings.CONSULTATION_COMMENT_LIMIT = 2
    statuses = [
        client.post(COMMENTS, {"body": f"Comment {n}"}, content_type="application/json", **auth(citizen)).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Comment.objects.count() == 2


def test_the_apis_throttle_still_refuses_past_its_rate(redis_away, monkeypatch, client, db):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    assert [client.get("/api/v1/decisions/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.fixture
def asking_redis_every_time(monkeypatch):
    monkeypatch.setattr(cache_backend, "RETRY_SECONDS", 0)  # every operation asks Redis again, and fails again


def test_the_outage_is_logged_once_not_per_request(asking_redis_every_time, redis_away, client, version, caplog):
    for _ in range(3):
        assert client.get(version.get_absolute_url()).status_code == 200
    logged = caplog.get_records("setup") + caplog.get_records("call")  # it began with the fixture's first operation
    warnings = [record for record in logged if NOT_ANSWERING in record.getMessage()]
    assert len(warnings) == 1
    assert "Connection refused" in str(warnings[0].exc_info[1])  # with the error that started it


def test_the_log_says_when_redis_answers_again(caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")
    outage = cache_backend.Outage()
    outage.failed(ConnectionError("refused"))
    assert outage.skipping()  # requests use the fallback at once, rather than each waiting for Redis
    outage.answered()
    outage.answered()
    assert [message for message in caplog.messages if "answers again" in message] == [
        "The cache (Redis) answers again, after 0s away"
    ]
