"""One-click unsubscribe (RFC 8058) on every email the site sends, and the page its link opens."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from appeals import services
from consultation import tasks as consultation_tasks
from consultation.notifications import notify_final_published
from consultation.services import closing
from core.mail import unsubscribe_token
from digests import tasks
from digests.models import Follow, MailOptOut, Notice
from tests.appeals.factories import file, make_reviewer
from tests.consultation.factories import CommentFactory, CommentPeriodFactory, consultation
from tests.factories import GuidelineVersionFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"^<(http://testserver/unsubscribe/[^/>]+/)>$")


def link_in(message) -> str:
    """The path of the message's List-Unsubscribe link, after checking both headers and the link in the body."""
    found = LINK.match(message.extra_headers["List-Unsubscribe"])
    assert found, message.extra_headers
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"emails: {found[1]}" in message.body or f"email from Who Decides: {found[1]}" in message.body
    return found[1].removeprefix("http://testserver")


def closed_consultation(organization):
    version = GuidelineVersionFactory(
        guideline__organization=organization, guideline__slug="closed", status="consultation"
    )
    now = timezone.now()
    CommentPeriodFactory(version=version, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))
    return version


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_every_kind_of_email_carries_a_one_click_unsubscribe(
    citizen,
    publisher,
    moderator,
    organization,
    system,
    guideline,
    version,
    follower,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    follower(version.guideline)  # a notice at once
    follower(version.guideline, Follow.DAILY)  # a digest
    consultation_tasks.send_consultation_notices()
    Notice.objects.update(created_at=Notice.objects.get(follow__frequency="daily").created_at.replace(year=2020))
    tasks.send_daily_digests()
    make_reviewer("rae")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)  # the appellant's receipt
        follower(appeal)
        services.admit_appeal(appeal=appeal, by=moderator)  # status mail, a reviewer's offer, followers' news
    comment = CommentFactory(version=closed_consultation(organization), author=citizen)
    closing.respond_to_comment(comment=comment, disposition="noted", text="Thanks", by=publisher)
    consultation_tasks.notify_comment_answered(comment.pk)
    subjects = " | ".join(message.subject for message in mailoutbox)
    for kind in (
        "Comment period open: Medical advice v1",  # a follower's notice at once
        "Your daily digest: 1 update",  # a digest
        f"Your appeal {appeal.public_id} was received",  # the appellant's own notices
        f"Appeal {appeal.public_id}: awaiting review",
        f"Appeal {appeal.public_id}: admitted for review",  # an appeal follower's notice
        f"You are asked to review appeal {appeal.public_id}",  # a reviewer's
        "Your comment was answered",  # a commenter's
    ):
        assert kind in subjects
    for message in mailoutbox:
        link_in(message)


def test_one_click_post_stops_that_follow_without_a_csrf_token(version, follower, mailoutbox):
    person = follower(version)
    other = Follow.objects.create(user=person, guideline=version.guideline, frequency=Follow.WEEKLY)
    consultation_tasks.send_consultation_notices()
    [message] = mailoutbox
    response = Client(enforce_csrf_checks=True).post(link_in(message), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert 'We will send no more email about the consultation on "Medical advice" v1' in unescape(response.text)
    assert list(person.follows.all()) == [other]


def test_opening_the_link_asks_first_and_unsubscribes_nobody(client, version, follower, mailoutbox):
    person = follower(version.guideline)
    consultation_tasks.send_consultation_notices()
    response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 200
    assert 'This stops email about the guideline "Medical advice" (Acme AI).' in unescape(response.text)
    assert person.follows.exists()


def test_a_forged_link_is_refused_with_a_clear_page(client, citizen, version, follower):
    person = follower(version.guideline)
    token = unsubscribe_token(address=person.email, follow=person.follows.get().pk)
    forged = unsubscribe_token(address=citizen.email)[:-3] + token[-3:]
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{forged}/")
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in unescape(response.text)
    assert person.follows.exists() and not MailOptOut.objects.exists()


def test_unsubscribing_from_all_mail_stops_every_email_until_the_person_asks_again(
    client, citizen, publisher, organization, mailoutbox
):
    version = consultation(organization, closed=True)
    comment = CommentFactory(version=version, author=citizen)
    closing.respond_to_comment(comment=comment, disposition="noted", text="Thanks", by=publisher)
    consultation_tasks.notify_comment_answered(comment.pk)
    response = client.post(link_in(mailoutbox[0]))
    assert "We will send no more all email from this site" in unescape(response.text)
    client.post(link_in(mailoutbox[0]))  # a mail client may post twice
    Follow.objects.create(user=citizen, guideline=version.guideline)
    final = GuidelineVersionFactory(guideline=version.guideline, number=2, based_on=version, status="final")
    assert notify_final_published(version=final) == 0
    assert len(mailoutbox) == 1
    client.force_login(citizen)
    assert "You asked for no email from this site" in client.get("/accounts/follows/").text
    client.post("/accounts/follows/email-again/")
    assert not MailOptOut.objects.exists()


def test_a_link_to_a_follow_already_stopped_stops_nothing_else(client, version, follower):
    person = follower(version.guideline)
    path = f"/unsubscribe/{unsubscribe_token(address=person.email, follow=person.follows.get().pk)}/"
    person.follows.all().delete()
    assert "nothing more to stop" in client.get(path).text
    assert client.post(path).status_code == 200
    assert not MailOptOut.objects.exists()
