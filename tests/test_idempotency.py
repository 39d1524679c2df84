"""Exactly once: an Idempotency-Key on every API POST, a one-time token on the forms that create something.

The concurrent tests fire five identical requests from five threads, each with its own database connection, and
count the rows and the record's entries.
"""

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.utils import timezone

from appeals.models import Appeal
from consultation.models import Comment, Statement, Suggestion
from core import idempotency
from core.idempotency import FORM_SIGNER, HEADER, KEY_MAX, REPLAYED, once_token
from core.models import IdempotencyKey
from core.tasks import expire_idempotency_keys
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import AISystemFactory, published_guideline, screenshot
from tests.consultation.factories import auth, consultation
from tests.factories import UserFactory

COMMENTS = "/api/v1/guidelines/acme/medical/versions/1/comments/"
SUGGESTIONS = "/api/v1/guidelines/acme/medical/versions/1/suggestions/"
APPEALS = "/api/v1/appeals/"
COMMENT = {"clause": "R-1.1", "body": "Please narrow this."}
KEY = "3f1c2a9e-7d4b-4c1e-9a55-0b6f7e2d8c11"


def at_once(send: Callable[[], Any], n: int = 5) -> list[Any]:
    """`send` called by n threads released together; each thread closes its own database connection."""
    barrier = threading.Barrier(n)
    answers: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            answers[i] = send()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return answers


def api_post(person, url: str, body: dict, key: str | None = KEY):
    headers = {f"HTTP_{HEADER.upper().replace('-', '_')}": key} if key is not None else {}
    return Client().post(url, body, content_type="application/json", **auth(person), **headers)


def entries(kind: EntryKind) -> int:
    return Entry.objects.filter(kind=kind.value).count()


@pytest.fixture
def version(organization):
    return consultation(organization)


@pytest.fixture
def appeal_body(organization, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    return {
        "organization": "acme",
        "system": "helper",
        "happened_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "prompt_excerpt": "How do I pick a lock on my own front door?",
        "refusal_excerpt": "I can't help with that.",
        "clause_keys": ["R-2.1"],
        "grounds": "Locksmiths publish this.",
    }


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_api_comments_with_one_key_make_one(citizen, version):
    answers = at_once(lambda: api_post(citizen, COMMENTS, COMMENT))
    assert [a.status_code for a in answers] == [201] * 5
    assert len({a.content for a in answers}) == 1
    assert sum(a.has_header(REPLAYED) for a in answers) == 4
    assert Comment.objects.count() == 1 and entries(EntryKind.COMMENT_POSTED) == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_api_appeals_with_one_key_make_one(citizen, appeal_body):
    answers = at_once(lambda: api_post(citizen, APPEALS, appeal_body))
    assert [a.status_code for a in answers] == [201] * 5
    assert {a.json()["public_id"] for a in answers} == {Appeal.objects.get().public_id}
    assert entries(EntryKind.APPEAL_FILED) == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_api_suggestions_with_one_key_make_one(citizen, version):
    body = {"clause": "R-1.1", "kind": "replace", "text": "Refuse harmful instructions.", "reason": "Plainer."}
    answers = at_once(lambda: api_post(citizen, SUGGESTIONS, body))
    assert [a.status_code for a in answers] == [201] * 5
    assert Suggestion.objects.count() == 1 and entries(EntryKind.SUGGESTION_MADE) == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_comment_forms_with_one_token_make_one(citizen, version):
    form = Client()
    form.force_login(citizen)
    token = token_of(form.get("/guidelines/acme/medical/v1/comments/new/?clause=R-1.1").content.decode())

    def submit():
        browser = Client()
        browser.force_login(citizen)
        return browser.post("/guidelines/acme/medical/v1/comments/new/", {**COMMENT, "once": token})

    answers = at_once(submit)
    comment = Comment.objects.get()
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, f"/guidelines/acme/medical/v1/#comment-{comment.pk}")
    }
    assert entries(EntryKind.COMMENT_POSTED) == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_stores_nothing(citizen, version):
    assert api_post(citizen, COMMENTS, COMMENT).status_code == 201
    other = api_post(citizen, COMMENTS, {**COMMENT, "body": "Something else."})
    assert other.status_code == 422
    assert "already used" in other.json()["detail"]
    assert list(Comment.objects.values_list("body", flat=True)) == ["Please narrow this."]


@pytest.mark.django_db
def test_a_key_is_one_persons(citizen, version):
    assert api_post(citizen, COMMENTS, COMMENT).status_code == 201
    assert api_post(UserFactory(), COMMENTS, COMMENT).status_code == 201
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_a_key_older_than_a_day_works_as_new(citizen, version):
    assert api_post(citizen, COMMENTS, COMMENT).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    again = api_post(citizen, COMMENTS, {**COMMENT, "body": "A new comment."})
    assert again.status_code == 201 and not again.has_header(REPLAYED)
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_expired_keys_are_deleted_every_hour(citizen, version, settings):
    assert settings.CELERY_BEAT_SCHEDULE["expire-idempotency-keys"]["task"] == expire_idempotency_keys.name
    api_post(citizen, COMMENTS, COMMENT)
    api_post(citizen, COMMENTS, COMMENT, key="fresh")
    IdempotencyKey.objects.filter(key=KEY).update(created_at=timezone.now() - timedelta(days=2))
    assert expire_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key, message",
    [("", "is empty"), ('""', "is empty"), ("k" * (KEY_MAX + 1), f"longer than {KEY_MAX}"), ("a\tb", "printable")],
)
def test_a_bad_key_is_a_400_naming_it(citizen, version, key, message):
    response = api_post(citizen, COMMENTS, COMMENT, key=key)
    assert response.status_code == 400
    assert HEADER in response.json()["detail"] and message in response.json()["detail"]
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_its_key(citizen, version):
    assert api_post(citizen, COMMENTS, {**COMMENT, "body": ""}).status_code == 400
    assert api_post(citizen, COMMENTS, COMMENT).status_code == 201
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_quoted_key_is_the_same_key(citizen, version):
    assert api_post(citizen, COMMENTS, COMMENT).status_code == 201
    assert api_post(citizen, COMMENTS, COMMENT, key=f'"{KEY}"').has_header(REPLAYED)


@pytest.mark.django_db
def test_a_forged_form_token_is_refused(client, citizen, version):
    client.force_login(citizen)
    response = client.post("/guidelines/acme/medical/v1/comments/new/", {**COMMENT, "once": "made-up:token"})
    assert response.status_code == 400 and b"Reload the page" in response.content
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_second_submit_lands_on_the_first_comment(client, citizen, version):
    client.force_login(citizen)
    form = {**COMMENT, "once": once_token()}
    first = client.post("/guidelines/acme/medical/v1/comments/new/", form)
    second = client.post("/guidelines/acme/medical/v1/comments/new/", form, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert b"You had already sent this" in second.content
    assert Comment.objects.count() == 1


def token_of(page: str) -> str:
    return re.search(r'name="once" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, action, form, made",
    [
        ("clauses/R-1.1/suggestions/", "clauses/R-1.1/suggestions/", {"kind": "delete", "reason": "Why."}, Suggestion),
        ("opinions/", "opinions/statements/new/", {"text": "Clinicians need plain answers.", "clause": ""}, Statement),
    ],
)
def test_a_suggestion_or_statement_form_sent_twice_makes_one(client, citizen, version, page, action, form, made):
    client.force_login(citizen)
    base = "/guidelines/acme/medical/v1/"
    form = {**form, "once": token_of(client.get(base + page).content.decode())}
    first, second = client.post(base + action, form), client.post(base + action, form)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert made.objects.count() == 1


@pytest.mark.django_db
def test_the_appeal_form_carries_a_one_time_token(client, citizen, appeal_body):
    client.force_login(citizen)
    day = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.get(f"/appeals/new/?organization=acme&system=helper&happened_at={day}").content.decode()
    assert FORM_SIGNER.unsign(token_of(page))


@pytest.mark.django_db(transaction=True)
def test_a_request_still_running_past_the_wait_is_a_409_that_changes_nothing(citizen, version, monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    running, finish = threading.Event(), threading.Event()

    def first_request() -> None:
        with transaction.atomic():
            IdempotencyKey.objects.create(scope=f"api:person:{citizen.pk}", key=KEY, fingerprint="")
            running.set()
            finish.wait(10)
        connection.close()

    first = threading.Thread(target=first_request)
    first.start()
    running.wait(10)
    try:
        second = api_post(citizen, COMMENTS, COMMENT)
    finally:
        finish.set()
        first.join()
    assert second.status_code == 409 and second["Retry-After"] == "1"
    assert "still running" in second.json()["detail"]
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_multipart_appeal_sent_twice_is_filed_once_with_its_attachment(citizen, appeal_body):
    def send():
        body = {**appeal_body, "attachments": [screenshot()]}
        return Client().post(APPEALS, body, **auth(citizen), HTTP_IDEMPOTENCY_KEY=KEY)

    first, second = send(), send()
    assert first.status_code == second.status_code == 201, first.content
    assert second.has_header(REPLAYED) and second.content == first.content
    assert Appeal.objects.get().attachments.count() == 1


@pytest.mark.django_db
def test_a_form_sent_again_with_other_text_is_a_new_comment(client, citizen, version):
    client.force_login(citizen)
    token = once_token()
    client.post("/guidelines/acme/medical/v1/comments/new/", {**COMMENT, "once": token})
    client.post("/guidelines/acme/medical/v1/comments/new/", {**COMMENT, "body": "Another thought.", "once": token})
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_a_keyed_body_nested_too_deep_is_a_400_not_an_error():
    headers = {f"HTTP_{HEADER.upper().replace('-', '_')}": KEY}
    response = Client().post("/api/v1/auth/token/", b"[" * 100_000, content_type="application/json", **headers)
    assert response.status_code == 400 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_keyed_session_post_without_its_csrf_token_is_refused_as_such(citizen, version):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    headers = {f"HTTP_{HEADER.upper().replace('-', '_')}": KEY}
    response = client.post(COMMENTS, COMMENT, content_type="application/json", **headers)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Comment.objects.exists()
