"""/healthz: what a load balancer polls, and the one-query baseline of bench/run.sh."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, reverse

from core.bench_views import create_table

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_one_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert [query["sql"] for query in queries] == ["SELECT 1"]


def test_healthz_is_never_cached(client):
    assert "no-store" in client.get("/healthz")["Cache-Control"]


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/guidelines/").status_code == 301


@pytest.fixture
def bench_urls(settings):
    """The URLconf as it is built with BENCH_ENDPOINTS on; the ordinary one again afterwards."""
    import config.urls

    settings.BENCH_ENDPOINTS = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.BENCH_ENDPOINTS = False
    clear_url_caches()
    importlib.reload(config.urls)


def test_the_one_insert_endpoint_is_absent_by_default(client):
    with pytest.raises(NoReverseMatch):
        reverse("bench-insert")
    assert client.post("/bench/insert/").status_code == 404


def test_the_one_insert_endpoint_inserts_one_row_when_turned_on(client, bench_urls):
    create_table()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("bench-insert"))
    assert response.status_code == 201
    assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_insert")
        assert cursor.fetchone() == (1,)
    assert client.get(reverse("bench-insert")).status_code == 405
