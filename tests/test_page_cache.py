"""Anonymous pages come from the cache until something they show changes; signed-in readers always get fresh ones."""

import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils.http import http_date

from appeals.models import Decision
from config.settings import redis_caches
from consultation.models import Guideline
from consultation.services.comments import hide_comment, post_comment
from core.caching import keys_for, page_address, rendering_lock_key
from ledger.kinds import EntryKind
from ledger.services import append
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import consultation
from tests.factories import OrganizationFactory
from tests.real_services import require_redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(organization):
    return consultation(organization)


def comment(version, citizen, body="Please keep the dosage clause."):
    return post_comment(version=version, clause=version.clauses.first(), body=body, by=citizen)


def test_a_second_anonymous_request_is_served_from_the_cache_without_a_query(
    client, version, django_assert_num_queries
):
    first = client.get(version.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(version.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=1"
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize("name", ["/", "/guidelines/", "/decisions/", "/record/"])
def test_the_lists_are_cached_too(client, version, name, django_assert_num_queries):
    client.get(name)
    with django_assert_num_queries(0):
        assert client.get(name).status_code == 200


def test_a_comment_renews_its_version_page_once_committed(client, version, citizen, django_capture_on_commit_callbacks):
    client.get(version.get_absolute_url())
    assert not rendered(client, version.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        comment(version, citizen)
    assert "Please keep the dosage clause." in client.get(version.get_absolute_url()).text


def test_while_one_request_renders_a_renewed_page_the_others_get_the_copy_it_replaces(
    client, version, citizen, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = version.get_absolute_url()
    before = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        comment(version, citizen)
    lock = rendering_lock_key(page_address(RequestFactory().get(url)))
    cache.add(lock, 1)  # another request is rendering the renewed page
    with django_assert_num_queries(0):
        during = client.get(url)
    cache.delete(lock)
    assert during.content == before.content
    assert "Please keep the dosage clause." in client.get(url).text


def test_a_page_that_expired_is_rendered_by_one_reader_while_the_others_get_the_old_copy(
    client, version, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 1
    url = version.get_absolute_url()
    before = client.get(url)
    time.sleep(1.2)  # the page itself has expired; the copy readers get during its next render has not
    lock = rendering_lock_key(page_address(RequestFactory().get(url)))
    cache.add(lock, 1)
    with django_assert_num_queries(0):
        during = client.get(url)
    cache.delete(lock)
    assert during.content == before.content


def test_on_an_empty_cache_readers_wait_for_the_one_render_instead_of_each_rendering(
    client, version, django_assert_num_queries
):
    url = version.get_absolute_url()
    address = page_address(RequestFactory().get(url))
    cache.add(rendering_lock_key(address), 1)  # another request is rendering the page for the first time
    headers = [("Content-Type", "text/html"), ("ETag", '"other"'), ("Last-Modified", http_date())]
    rendered_elsewhere = (b"<p>The page as the other request rendered it</p>", headers)
    latest = keys_for(RequestFactory().get(url)).latest
    threading.Timer(0.3, cache.set, [latest, rendered_elsewhere]).start()
    with django_assert_num_queries(0):
        waited = client.get(url)
    assert waited.content == rendered_elsewhere[0]


def test_a_reader_renders_the_page_itself_when_the_other_render_never_comes(client, version, settings):
    settings.PAGE_RENDER_WAIT_SECONDS = 0
    url = version.get_absolute_url()
    cache.add(rendering_lock_key(page_address(RequestFactory().get(url))), 1)  # a process that died rendering
    assert version.guideline.title in client.get(url).text


def test_a_change_not_yet_committed_leaves_the_page_as_it_was(client, version, citizen):
    # Renewing before the commit would let a reader in between cache the old page as the new one.
    client.get(version.get_absolute_url())
    comment(version, citizen)
    assert "Please keep the dosage clause." not in client.get(version.get_absolute_url()).text


def test_hiding_a_comment_removes_it_from_the_cached_clause_page(
    client, version, citizen, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posted = comment(version, citizen, body="Buy cheap watches at spam.example")
    url = f"{version.get_absolute_url()}clauses/{posted.clause.key}/"
    assert "Buy cheap watches" in client.get(url).text
    assert not rendered(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        hide_comment(comment=posted, reason="spam", by=moderator)
    assert "Buy cheap watches" not in client.get(url).text


def test_a_change_to_another_guideline_leaves_the_page_cached(
    client, version, citizen, other_organization, django_assert_num_queries, django_capture_on_commit_callbacks
):
    other = consultation(other_organization)
    client.get(version.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        comment(other, citizen)
    with django_assert_num_queries(0):
        client.get(version.get_absolute_url())


def test_a_new_version_renews_the_guideline_list(client, organization, django_capture_on_commit_callbacks):
    client.get("/guidelines/")
    assert not rendered(client, "/guidelines/")
    with django_capture_on_commit_callbacks(execute=True):
        consultation(OrganizationFactory(slug="initech", name="Initech"))
        guideline = Guideline.objects.get(organization__slug="initech")
        append(
            kind=EntryKind.CONSULTATION_SCHEDULED,
            subject=guideline.versions.get().subject,
            payload={"guideline": "Initech", "opens_at": "", "closes_at": "", "clauses": []},
        )
    assert "Initech" in client.get("/guidelines/").text


def test_a_decision_renews_the_decision_list_and_its_appeal_page(
    client, organization, citizen, moderator, django_capture_on_commit_callbacks
):
    system = AISystemFactory(organization=organization)
    guideline = published_guideline(organization)
    client.get("/decisions/")
    assert not rendered(client, "/decisions/")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = decided(citizen, system, guideline, moderator, outcome=Decision.OVERTURNED)
    assert appeal.public_id in client.get("/decisions/").text
    assert "Overturned" in client.get(appeal.get_absolute_url()).text


def test_a_change_to_a_subject_no_app_places_renews_every_page(client, version, django_capture_on_commit_callbacks):
    client.get(version.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        append(kind=EntryKind.SCALE_FILLER, subject="cluster:7", payload={"n": 7})
    assert rendered(client, version.get_absolute_url())


def test_a_subject_its_app_cannot_place_renews_every_page(client, version, django_capture_on_commit_callbacks):
    client.get(version.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        append(kind=EntryKind.COMMENT_HIDDEN, subject="comment:999999", payload={"reason": "spam"})
    assert rendered(client, version.get_absolute_url())


def test_a_conditional_request_for_an_unchanged_page_is_answered_304(client, version, django_assert_num_queries):
    etag = client.get(version.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        response = client.get(version.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_a_request_for_a_page_unchanged_since_a_date_is_answered_304(client, version):
    stored_at = client.get(version.get_absolute_url())["Last-Modified"]
    response = client.get(version.get_absolute_url(), headers={"If-Modified-Since": stored_at})
    assert response.status_code == 304


def test_a_conditional_request_after_a_change_gets_the_new_page(
    client, version, citizen, django_capture_on_commit_callbacks
):
    etag = client.get(version.get_absolute_url())["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        comment(version, citizen)
    response = client.get(version.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_signed_in_readers_always_get_a_fresh_private_page(client, version, citizen):
    client.force_login(citizen)
    client.get(version.get_absolute_url())
    assert rendered(client, version.get_absolute_url())
    response = client.get(version.get_absolute_url())
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")
    assert "Signed in as" in response.text


def test_a_signed_in_reader_never_gets_the_anonymous_copy(client, version, citizen):
    client.get(version.get_absolute_url())
    client.force_login(citizen)
    assert "Signed in as" in client.get(version.get_absolute_url()).text


def test_the_anonymous_copy_never_holds_a_signed_in_readers_page(client, version, citizen):
    client.force_login(citizen)
    client.get(version.get_absolute_url())
    client.logout()
    assert "Signed in as" not in client.get(version.get_absolute_url()).text


def test_an_address_with_an_unknown_query_parameter_is_not_cached(client, version):
    url = f"{version.get_absolute_url()}?utm_source=newsletter"
    client.get(url)
    assert rendered(client, url)
    response = client.get(url)
    assert not response.has_header("ETag")
    assert not response.has_header("Cache-Control")


def test_each_filter_of_the_decision_list_is_its_own_page(client, organization, citizen, moderator):
    system = AISystemFactory(organization=organization)
    decided(citizen, system, published_guideline(organization), moderator, outcome=Decision.OVERTURNED)
    overturned = client.get("/decisions/?outcome=overturned")
    upheld = client.get("/decisions/?outcome=upheld")
    assert overturned.has_header("ETag")
    assert overturned.content != upheld.content


def test_a_pending_message_is_shown_and_never_cached(client, version):
    client.get(version.get_absolute_url())
    client.cookies["messages"] = _message_cookie("You have signed out.")
    shown = client.get(version.get_absolute_url())
    assert "You have signed out." in shown.text
    assert not shown.has_header("ETag")
    del client.cookies["messages"]
    assert "You have signed out." not in client.get(version.get_absolute_url()).text


def test_a_missing_page_is_not_cached(client, version):
    url = version.get_absolute_url().replace("/v1/", "/v9/")
    assert client.get(url).status_code == 404
    assert not client.get(url).has_header("ETag")


def test_an_emptied_cache_is_refilled(client, version, django_assert_num_queries):
    client.get(version.get_absolute_url())
    cache.clear()
    client.get(version.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(version.get_absolute_url()).status_code == 200


def form_page(request):
    return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>')


urlpatterns = [path("", form_page, name="home")]


@pytest.mark.urls(__name__)
def test_a_page_that_hands_out_a_csrf_token_is_never_cached(client):
    first, second = client.get("/"), client.get("/")
    assert "csrftoken" in second.cookies
    assert first.content != second.content
    assert not second.has_header("ETag")


@pytest.mark.services
def test_a_renewal_in_another_process_reaches_this_one_through_redis(client, version):
    require_redis_cache()
    client.get(version.get_absolute_url())
    renew = "from core.caching import renew; renew('guideline:acme/medical')"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", renew], cwd=settings.BASE_DIR, check=True, timeout=60)
    assert rendered(client, version.get_absolute_url())


def rendered(client, url: str) -> bool:
    """Whether the page was rendered for this request (it read the database) rather than found in the cache."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries) > 0


def test_pages_are_still_served_when_the_cache_is_unreachable(client, version, settings):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout_seconds=1)
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    assert "Medical advice" in response.text
    assert rendered(client, version.get_absolute_url())  # again: nothing is kept while Redis is away


def _message_cookie(text: str) -> str:
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value
