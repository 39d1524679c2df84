"""The pages and API of public comments on appeals: the list, the case page, the moderators' page, hiding, the API."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from appeals.models import CaseComment, CommentCall
from appeals.services import case_comments
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.case_factories import close_window, redacted, selected
from tests.appeals.factories import admitted
from tests.consultation.factories import auth
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/appeals/open-for-comment/"


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return selected(citizen, system, guideline, moderator)


def page_of(appeal) -> str:
    return appeal.get_absolute_url()


def token_of(html: str) -> str:
    return re.search(r'name="once" value="([^"]+)"', html).group(1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_open_appeals_with_the_criteria(appeal, client):
    page = client.get(LIST).content.decode()
    assert appeal.public_id in page and "Health information for everyone." in page
    assert "Many similar appeals" in page and "A clause under pressure" in page  # the criteria, stated
    close_window(appeal)
    assert appeal.public_id not in client.get(LIST).content.decode()


def test_the_list_is_paged_by_a_cursor_and_refuses_a_bad_one(
    citizen, system, guideline, moderator, client, monkeypatch
):
    monkeypatch.setattr("appeals.selectors.CALLS_PER_PAGE", 2)
    ids = [selected(citizen, system, guideline, moderator, refusal_excerpt=f"No {n}.").public_id for n in range(3)]
    first = client.get(LIST).content.decode()
    after = re.search(r'href="\?after=([0-9.]+)"', first).group(1)
    second = client.get(f"{LIST}?after={after}").content.decode()
    assert [i for i in ids if i in first] == ids[:2] and [i for i in ids if i in second] == ids[2:]
    for bad in ("x", "1.2.3", "9" * 30 + ".1", ""):
        assert client.get(f"{LIST}?after={bad}").status_code == 404


def test_the_list_costs_the_same_queries_however_many(citizen, system, guideline, moderator, client):
    selected(citizen, system, guideline, moderator)
    with CountQueries() as few:
        client.get(LIST)
    for n in range(4):
        selected(citizen, system, guideline, moderator, refusal_excerpt=f"Refused {n}.")
    with CountQueries() as many:
        assert client.get(LIST).content.decode().count("<h2><a") == 5
    assert many.count == few.count


def test_a_citizen_comments_on_the_case_page(appeal, citizen):
    browser = logged_in(citizen)
    page = browser.get(page_of(appeal)).content.decode()
    assert "Public comments" in page and "Post comment" in page
    response = browser.post(
        f"/appeals/{appeal.public_id}/comments/new/", {"body": "Overturn it.", "once": token_of(page)}
    )
    comment = CaseComment.objects.get()
    assert response["Location"] == f"{page_of(appeal)}#case-comment-{comment.pk}"
    assert "Overturn it." in browser.get(page_of(appeal)).content.decode()


def test_a_double_submit_makes_one_comment(appeal, citizen):
    browser = logged_in(citizen)
    token = token_of(browser.get(page_of(appeal)).content.decode())
    for _ in range(2):
        browser.post(f"/appeals/{appeal.public_id}/comments/new/", {"body": "Once.", "once": token})
    assert CaseComment.objects.count() == 1


def test_an_anonymous_visitor_is_asked_to_sign_in(appeal, client):
    page = client.get(page_of(appeal)).content.decode()
    assert "Sign in</a> with a verified email address to comment" in page and "Post comment" not in page
    response = client.post(f"/appeals/{appeal.public_id}/comments/new/", {"body": "Hi."})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CaseComment.objects.exists()


def test_an_unverified_person_is_told_why(appeal, unverified):
    browser = logged_in(unverified)
    assert "Verify your email address to comment" in browser.get(page_of(appeal)).content.decode()
    response = browser.post(f"/appeals/{appeal.public_id}/comments/new/", {"body": "Hi."})
    assert response.status_code == 400 and "verified email" in response.content.decode()
    assert not CaseComment.objects.exists()


@pytest.mark.parametrize("body", ["", "x" * 5001])
def test_bad_comment_input_is_shown_and_changes_nothing(appeal, citizen, body):
    response = logged_in(citizen).post(f"/appeals/{appeal.public_id}/comments/new/", {"body": body})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not CaseComment.objects.exists()


def test_after_the_window_the_page_says_closed_and_refuses(appeal, citizen):
    close_window(appeal)
    browser = logged_in(citizen)
    page = browser.get(page_of(appeal)).content.decode()
    assert "Comments closed on" in page and "Post comment" not in page
    response = browser.post(f"/appeals/{appeal.public_id}/comments/new/", {"body": "Late."})
    assert response.status_code == 400 and "not open for public comment" in response.content.decode()


def test_the_case_page_costs_the_same_queries_however_many_comments(appeal, citizen):
    client = logged_in(citizen)  # a signed-in reader: never served from the page cache
    case_comments.post_case_comment(appeal=appeal, body="First.", by=UserFactory())
    with CountQueries() as few:
        client.get(page_of(appeal))
    for n in range(6):
        case_comments.post_case_comment(appeal=appeal, body=f"Comment number {n} here.", by=UserFactory())
    with CountQueries() as many:
        assert client.get(page_of(appeal)).content.decode().count('class="comment"') == 7
    assert many.count == few.count


def test_the_moderators_page_states_the_criteria_and_opens_the_appeal(citizen, system, guideline, moderator):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    browser = logged_in(moderator)
    url = f"/moderation/appeals/{appeal.public_id}/public-comment/"
    page = browser.get(url).content.decode()
    assert "Many similar appeals" in page and "Open for public comment" in page
    response = browser.post(url, {"criteria": ["similar_appeals"], "reason": "Dozens alike.", "once": token_of(page)})
    assert response.status_code == 302 and CommentCall.objects.get().reason == "Dozens alike."
    assert "Dozens alike." in Client().get(page_of(appeal)).content.decode()


def test_the_moderators_page_says_why_an_appeal_cannot_be_opened(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    page = logged_in(moderator).get(f"/moderation/appeals/{appeal.public_id}/public-comment/").content.decode()
    assert "must redact" in page and "Open for public comment</button>" not in page


def test_the_moderators_page_shows_bad_input(citizen, system, guideline, moderator):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    url = f"/moderation/appeals/{appeal.public_id}/public-comment/"
    response = logged_in(moderator).post(url, {"criteria": ["nonsense"], "reason": ""})
    assert response.status_code == 400 and "Choose at least one" in response.content.decode()
    assert not CommentCall.objects.exists()


def test_others_may_not_open_the_page(citizen, system, guideline, moderator, organization, publisher):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    url = f"/moderation/appeals/{appeal.public_id}/public-comment/"
    conflicted = UserFactory(is_moderator=True)
    MembershipFactory(organization=organization, user=conflicted)
    for person in (citizen, publisher, conflicted):
        assert logged_in(person).post(url, {"criteria": ["public_interest"], "reason": "Why."}).status_code == 403
    assert Client().get(url).status_code == 302
    assert not CommentCall.objects.exists()


def test_extending_through_the_page_and_refusing_a_shorter_end(appeal, moderator):
    browser = logged_in(moderator)
    url = f"/moderation/appeals/{appeal.public_id}/public-comment/extend/"
    call = appeal.comment_call
    sooner = (call.closes_at - timedelta(days=3)).date().isoformat()
    browser.post(url, {"closes_on": sooner, "reason": "Hurry."})
    assert CommentCall.objects.get().closes_at == call.closes_at
    later = (call.closes_at + timedelta(days=7)).date().isoformat()
    browser.post(url, {"closes_on": later, "reason": "More time."})
    assert CommentCall.objects.get().closes_at.date().isoformat() == later
    assert Entry.objects.filter(kind=EntryKind.APPEAL_COMMENT_WINDOW_EXTENDED).count() == 1


def test_a_moderator_hides_a_comment_from_the_case_page(appeal, citizen, moderator):
    comment = case_comments.post_case_comment(appeal=appeal, body="Buy pills now.", by=citizen)
    browser = logged_in(moderator)
    assert f"Hide comment {comment.pk} because" in browser.get(page_of(appeal)).content.decode()
    browser.post(f"/moderation/case-comments/{comment.pk}/hide/", {"reason": "spam"})
    page = Client().get(page_of(appeal)).content.decode()
    assert "Hidden by moderators: Spam or advertising" in page and "Buy pills now." not in page
    assert (
        logged_in(citizen).post(f"/moderation/case-comments/{comment.pk}/hide/", {"reason": "spam"}).status_code == 302
    )
    assert Entry.objects.filter(kind=EntryKind.CASE_COMMENT_HIDDEN).count() == 1


def test_the_api_lists_comments_with_tombstones(appeal, citizen, moderator, client):
    case_comments.post_case_comment(appeal=appeal, body="Keep it.", by=citizen)
    hidden = case_comments.post_case_comment(appeal=appeal, body="Spam.", by=UserFactory())
    case_comments.hide_case_comment(comment=hidden, reason="spam", by=moderator)
    data = client.get(f"/api/v1/appeals/{appeal.public_id}/comments/").json()
    first, second = data["results"]
    assert (first["body"], first["author"]) == ("Keep it.", "Ada Citizen")
    assert second["body"] is None and second["tombstone"] == "Hidden by moderators: Spam or advertising"
    assert client.get(f"/api/v1/appeals/{appeal.public_id}/comments/?sort=x").status_code == 400
    assert client.get("/api/v1/appeals/A-2026-999999/comments/").status_code == 404


def test_the_api_posts_a_comment_once_per_idempotency_key(appeal, citizen, client):
    url = f"/api/v1/appeals/{appeal.public_id}/comments/"
    for _ in range(2):
        response = client.post(
            url, {"body": "By script."}, content_type="application/json", **auth(citizen), HTTP_IDEMPOTENCY_KEY="k-1"
        )
        assert response.status_code == 201 and response.json()["body"] == "By script."
    assert CaseComment.objects.count() == 1


def test_the_api_refuses_anonymous_unverified_and_bad_input(appeal, unverified, citizen, client):
    url = f"/api/v1/appeals/{appeal.public_id}/comments/"
    assert client.post(url, {"body": "Hi."}, content_type="application/json").status_code in (401, 403)
    refused = client.post(url, {"body": "Hi."}, content_type="application/json", **auth(unverified))
    assert refused.status_code == 403
    for body in ({"body": ""}, {"body": "x" * 5001}, {}, {"body": 5, "on_behalf_of": "y" * 201}):
        response = client.post(url, body, content_type="application/json", **auth(citizen))
        assert response.status_code == 400 and "detail" in response.json()
    assert not CaseComment.objects.exists()


class CountQueries:
    """The number of queries in a block, without asserting a number that a new feature elsewhere would change."""

    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        self.count = len(self.context.captured_queries)


def test_the_appeal_api_says_when_and_why_it_is_open_for_comment(appeal, client, citizen, system, guideline, moderator):
    data = client.get(f"/api/v1/appeals/{appeal.public_id}/").json()["public_comments"]
    assert (data["criteria"], data["reason"], data["open"]) == (
        ["public_interest"],
        "Health information for everyone.",
        True,
    )
    assert data["comments"].endswith(f"/api/v1/appeals/{appeal.public_id}/comments/")
    other = admitted(citizen, system, guideline, moderator, refusal_excerpt="Another refusal.")
    assert client.get(f"/api/v1/appeals/{other.public_id}/").json()["public_comments"] is None
