import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Comment
from consultation.selectors import bursts
from consultation.services.campaigns import cluster_pending_comments, text_hash
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.campaign_text import campaign_comment
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/moderation/bursts/"


def post_campaign(
    version, count: int, *, account_age: timedelta, minutes_apart: float = 0.5, seed: int = 9, clause=None
):
    """`count` near-identical comments, each from its own account of the given age, a little apart."""
    rng, start = random.Random(seed), timezone.now() - timedelta(hours=1)
    comments = []
    for index in range(count):
        at = start + timedelta(minutes=index * minutes_apart)
        person = UserFactory(date_joined=at - account_age)
        body = campaign_comment(rng)
        comments.append(
            Comment.objects.create(
                version=version, clause=clause, author=person, body=body, text_hash=text_hash(body), created_at=at
            )
        )
    cluster_pending_comments(version=version)
    return comments


def test_new_accounts_posting_one_text_within_minutes_are_a_burst(version):
    comments = post_campaign(version, 6, account_age=timedelta(hours=2))
    (burst,) = bursts()
    assert burst.cluster.pk == comments[0].pk and burst.new_accounts == 6
    assert [c.pk for c in burst.comments] == [c.pk for c in comments]


def test_old_accounts_or_a_slow_trickle_are_not_a_burst(version, settings):
    post_campaign(version, 6, account_age=timedelta(days=30))
    trickle = settings.BURST_WINDOW_MINUTES
    post_campaign(version, 6, account_age=timedelta(hours=1), minutes_apart=trickle, clause=version.clauses.first())
    assert bursts() == []


def test_a_moderator_sees_the_burst_with_its_accounts(client, moderator, version):
    comments = post_campaign(version, 5, account_age=timedelta(hours=1))
    client.force_login(moderator)
    page = client.get(PAGE).content.decode()
    assert "5 new accounts" in page and comments[3].author.public_name in page
    assert "Hide the 5 comments of this burst" in page


def test_the_burst_page_costs_the_same_for_more_bursts(client, moderator, version):
    client.force_login(moderator)
    post_campaign(version, 5, account_age=timedelta(hours=1), seed=3)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    post_campaign(version, 7, account_age=timedelta(hours=1), seed=4, clause=version.clauses.first())
    with CaptureQueriesContext(connection) as two:
        assert client.get(PAGE).content.decode().count('class="card"') == 2
    assert len(two) == len(one)


@pytest.mark.parametrize("person", ["citizen", "publisher", "visitor"])
def test_only_moderators_see_or_act_on_bursts(client, request, person, version):
    comments = post_campaign(version, 5, account_age=timedelta(hours=1))
    if person != "visitor":
        client.force_login(request.getfixturevalue(person))
    page = client.get(PAGE)
    hide = client.post(f"{PAGE}{comments[0].pk}/hide/", {"reason": "spam"})
    if person == "visitor":
        assert page.status_code == 302 and hide.status_code == 302 and "/accounts/login/" in hide.url
    else:
        assert page.status_code == 403 and hide.status_code == 403
    assert not Comment.objects.filter(status="hidden").exists()


def test_a_moderator_hides_a_burst_with_one_public_reason(
    client, moderator, version, django_capture_on_commit_callbacks
):
    comments = post_campaign(version, 5, account_age=timedelta(hours=1))
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE}{comments[0].pk}/hide/", {"reason": "spam", "note": "A bot campaign."})
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", "hidden_reason")) == {("hidden", "spam")}
    assert Entry.objects.filter(kind=EntryKind.COMMENT_HIDDEN).count() == 5
    assert "No bursts" in client.get(PAGE).content.decode()


def test_hiding_a_burst_needs_a_listed_reason_and_changes_nothing_without_one(client, moderator, version):
    comments = post_campaign(version, 5, account_age=timedelta(hours=1))
    client.force_login(moderator)
    response = client.post(f"{PAGE}{comments[0].pk}/hide/", {"reason": "because"}, follow=True)
    assert "Choose one of the listed reasons" in response.content.decode()
    assert not Comment.objects.filter(status="hidden").exists()


def test_a_moderator_who_publishes_for_the_organization_may_not_hide_its_burst(client, moderator, version):
    MembershipFactory(organization=version.guideline.organization, user=moderator)
    comments = post_campaign(version, 5, account_age=timedelta(hours=1))
    client.force_login(moderator)
    response = client.post(f"{PAGE}{comments[0].pk}/hide/", {"reason": "spam"}, follow=True)
    assert "another moderator must handle this" in response.content.decode()
    assert not Comment.objects.filter(status="hidden").exists()
