from datetime import timedelta

import pytest
from django.utils import timezone

import core.mail
from consultation import notifications, tasks
from consultation.models import GuidelineVersion
from consultation.services import closing, periods
from digests.models import Follow
from tests.consultation.factories import consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory

pytestmark = pytest.mark.django_db


def test_followers_hear_when_a_period_opens_now(
    publisher, citizen, organization, mailoutbox, django_capture_on_commit_callbacks
):
    draft = GuidelineVersionFactory(guideline__organization=organization, status=GuidelineVersion.DRAFT, number=1)
    ClauseFactory(version=draft)
    Follow.objects.create(user=citizen, guideline=draft.guideline)
    with django_capture_on_commit_callbacks(execute=True):
        periods.schedule_comment_period(
            version=draft, opens_at=None, closes_at=timezone.now() + timedelta(days=31), by=publisher
        )
    assert [m.to for m in mailoutbox] == [[citizen.email]]
    assert "Comment period open" in mailoutbox[0].subject


def test_a_scheduled_period_is_announced_by_the_beat_task_once(citizen, organization, mailoutbox):
    version = consultation(organization, opens_in=timedelta(hours=1))
    Follow.objects.create(user=citizen, guideline=version.guideline)
    assert tasks.send_consultation_notices() == 0
    period = version.comment_period
    period.opens_at = timezone.now() - timedelta(minutes=1)
    period.save()
    assert tasks.send_consultation_notices() == 1
    assert tasks.send_consultation_notices() == 0
    assert len(mailoutbox) == 1


def test_followers_are_reminded_three_days_before_closing_once(citizen, organization, mailoutbox):
    version = consultation(organization)
    Follow.objects.create(user=citizen, guideline=version.guideline)
    period = version.comment_period
    period.opening_notice_sent_at = timezone.now()
    period.closes_at = timezone.now() + timedelta(days=2)
    period.save()
    assert tasks.send_consultation_notices() == 1
    assert tasks.send_consultation_notices() == 0
    assert "Closing soon" in mailoutbox[0].subject


def test_an_extension_earns_a_new_reminder(publisher, citizen, organization, mailoutbox):
    version = consultation(organization)
    Follow.objects.create(user=citizen, guideline=version.guideline)
    period = version.comment_period
    period.opening_notice_sent_at = timezone.now()
    period.closes_at = timezone.now() + timedelta(days=2)
    period.save()
    tasks.send_consultation_notices()
    periods.extend_comment_period(
        period=period, closes_at=timezone.now() + timedelta(days=2, hours=5), reason="More time", by=publisher
    )
    assert tasks.send_consultation_notices() == 1
    assert len(mailoutbox) == 2


def test_no_reminder_while_far_from_closing(citizen, organization, mailoutbox):
    version = consultation(organization)
    Follow.objects.create(user=citizen, guideline=version.guideline)
    version.comment_period.opening_notice_sent_at = timezone.now()
    version.comment_period.save()
    assert tasks.send_consultation_notices() == 0


def test_following_through_the_page(client, citizen, unverified, organization):
    version = consultation(organization)
    client.force_login(citizen)
    client.post("/guidelines/acme/medical/follow/", {"action": "follow"})
    assert Follow.objects.filter(user=citizen).exists()
    assert "Stop following" in client.get(version.get_absolute_url()).content.decode()
    client.post("/guidelines/acme/medical/follow/", {"action": "unfollow"})
    assert not Follow.objects.exists()
    client.force_login(unverified)
    response = client.post("/guidelines/acme/medical/follow/", {"action": "follow"}, follow=True)
    assert "verified email" in response.content.decode()
    assert not Follow.objects.exists()


@pytest.mark.services
def test_a_real_worker_runs_the_notice_task_against_the_database(celery_worker_process, citizen, organization):
    from consultation.models import CommentPeriod
    from tests.workers import wait_for

    version = consultation(organization)
    Follow.objects.create(user=citizen, guideline=version.guideline)
    tasks.send_consultation_notices.delay()

    def announced():
        """the worker to record that the opening was announced"""
        return CommentPeriod.objects.filter(pk=version.comment_period.pk, opening_notice_sent_at__isnull=False).exists()

    assert wait_for(announced)


def test_a_retried_mail_task_sends_nothing_twice(publisher, organization, mailoutbox):
    from tests.consultation.factories import CommentFactory

    version = consultation(organization, closed=True)
    comment = CommentFactory(version=version)
    closing.respond_to_comment(comment=comment, disposition="noted", text="Thanks", by=publisher)
    assert tasks.notify_comment_answered(comment.pk) == 1
    assert tasks.notify_comment_answered(comment.pk) == 0
    assert len(mailoutbox) == 1


def test_a_failed_send_is_retried_later(citizen, organization, mailoutbox, monkeypatch):
    version = consultation(organization)
    Follow.objects.create(user=citizen, guideline=version.guideline)

    def broken(**kwargs):
        raise OSError("mail server away")

    monkeypatch.setattr(core.mail, "send_templated_mail", broken)
    with pytest.raises(OSError):
        notifications.send_consultation_notices()
    monkeypatch.undo()
    assert notifications.send_consultation_notices() == 1
    assert len(mailoutbox) == 1
