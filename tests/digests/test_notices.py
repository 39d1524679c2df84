"""Immediate notices, daily and weekly digests: who hears what, when, and never twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultation import tasks as consultation_tasks
from consultation.notifications import notify_final_published
from core import scheduler
from digests import tasks
from digests.models import Follow, Notice
from digests.services.digests import digest_period, send_digests
from tests.appeals.factories import admitted
from tests.factories import GuidelineVersionFactory

pytestmark = pytest.mark.django_db


def mail_to(mailoutbox, user):
    return [message for message in mailoutbox if message.to == [user.email]]


def age_notices(days: int) -> None:
    """As if the notices were stored `days` ago, so the digest of the period that has ended since takes them."""
    Notice.objects.update(created_at=timezone.now() - timedelta(days=days))


def test_immediate_followers_hear_at_once_and_digest_followers_later(version, follower, mailoutbox):
    at_once = follower(version.guideline)
    daily = follower(version.guideline, Follow.DAILY)
    weekly = follower(version.guideline, Follow.WEEKLY)
    assert consultation_tasks.send_consultation_notices() == 1
    assert [m.to for m in mailoutbox] == [[at_once.email]]
    assert "Comment period open" in mailoutbox[0].subject
    now = timezone.now()
    assert send_digests(frequency=Follow.DAILY, now=now + timedelta(days=1)) == 1
    [digest] = mail_to(mailoutbox, daily)
    assert "daily digest" in digest.subject and "Comment period open: Medical advice v1" in digest.body
    assert not mail_to(mailoutbox, weekly)
    assert send_digests(frequency=Follow.WEEKLY, now=now + timedelta(days=7)) == 1
    [digest] = mail_to(mailoutbox, weekly)
    assert "weekly digest" in digest.subject and "Comment period open: Medical advice v1" in digest.body
    assert len(mailoutbox) == 3


def test_a_digest_groups_the_news_by_followed_thing(organization, version, follower, mailoutbox):
    person = follower(version.guideline, Follow.DAILY)
    weapons = GuidelineVersionFactory(
        guideline__organization=organization, guideline__title="Weapons", guideline__slug="weapons", number=1
    )
    Follow.objects.create(user=person, guideline=weapons.guideline, frequency=Follow.DAILY)
    notify_final_published(version=weapons)
    consultation_tasks.send_consultation_notices()
    age_notices(1)
    assert tasks.send_daily_digests() == 1
    [digest] = mailoutbox
    assert "2 updates" in digest.subject
    lines = [line for line in digest.body.splitlines() if line and not line.startswith(" ")]
    medical = lines.index('The guideline "Medical advice" (Acme AI)')
    assert lines[medical + 1] == "- Comment period open: Medical advice v1"
    weapon = lines.index('The guideline "Weapons" (Acme AI)')
    assert lines[weapon + 1] == "- Final version published: Weapons v1"


def test_running_the_digest_task_twice_sends_one_email(version, follower, mailoutbox):
    follower(version.guideline, Follow.DAILY)
    consultation_tasks.send_consultation_notices()
    age_notices(1)
    assert tasks.send_daily_digests() == 1
    assert tasks.send_daily_digests() == 0
    assert len(mailoutbox) == 1
    assert Notice.objects.get().digest.startswith("digest:daily:")


def test_a_notice_is_never_in_two_digests(version, follower, mailoutbox):
    follower(version.guideline, Follow.DAILY)
    consultation_tasks.send_consultation_notices()
    now = timezone.now()
    send_digests(frequency=Follow.DAILY, now=now + timedelta(days=1))
    assert send_digests(frequency=Follow.DAILY, now=now + timedelta(days=2)) == 0
    assert len(mailoutbox) == 1


def test_news_of_today_waits_for_tomorrows_digest(version, follower, mailoutbox):
    follower(version.guideline, Follow.DAILY)
    consultation_tasks.send_consultation_notices()
    assert tasks.send_daily_digests() == 0
    assert Notice.objects.get().sent_at is None


def test_the_period_of_a_digest_is_the_day_or_the_week_before():
    monday = timezone.now().replace(year=2026, month=12, day=7, hour=6)
    assert digest_period(Follow.DAILY, monday)[1] == "2026-12-06"
    assert digest_period(Follow.WEEKLY, monday)[1] == "2026-W49"
    assert digest_period(Follow.WEEKLY, monday + timedelta(days=3))[1] == "2026-W49"


def test_following_the_guideline_and_its_consultation_tells_the_news_once(version, follower, mailoutbox):
    person = follower(version)
    Follow.objects.create(user=person, guideline=version.guideline, frequency=Follow.WEEKLY)
    assert consultation_tasks.send_consultation_notices() == 1
    assert Notice.objects.get().follow.version == version  # the consultation's choice, the more specific, wins
    assert len(mailoutbox) == 1


def test_a_final_version_is_news_for_the_followers_of_its_consultation(version, follower, mailoutbox):
    person = follower(version)
    final = GuidelineVersionFactory(guideline=version.guideline, number=2, based_on=version, status="final")
    assert notify_final_published(version=final) == 1
    [message] = mail_to(mailoutbox, person)
    assert "Final version published: Medical advice v2" in message.subject
    assert "close-out" not in message.body  # no close-out row: no link to it


def test_a_decision_reaches_the_appeals_followers(
    citizen, system, guideline, moderator, follower, mailoutbox, django_capture_on_commit_callbacks
):
    from appeals import services
    from tests.appeals.factories import make_reviewer

    appeal = admitted(citizen, system, guideline, moderator)
    watcher = follower(appeal)
    weekly = follower(appeal, Follow.WEEKLY)
    Follow.objects.create(user=citizen, appeal=appeal)  # made by hand: the service refuses the appellant
    reviewer = make_reviewer("rae")
    with django_capture_on_commit_callbacks(execute=True):
        services.route_appeal(appeal=appeal)
        assignment = appeal.assignments.get(reviewer=reviewer)
        services.accept_assignment(assignment=assignment, by=reviewer.user)
        services.decide_appeal(
            assignment=assignment,
            by=reviewer.user,
            outcome="overturned",
            rationale="Public facts.",
            cited_clause_keys=["R-1.1"],
        )
    subjects = [m.subject for m in mail_to(mailoutbox, watcher)]
    assert f"Appeal {appeal.public_id}: decided (overturned)" in subjects
    assert f"Appeal {appeal.public_id}: in review" in subjects
    assert not mail_to(mailoutbox, weekly)
    assert Notice.objects.filter(follow__user=weekly, sent_at__isnull=True).count() == len(subjects)
    # The appellant heard of each step once, by appeals' own notices, and has no notices as a follower.
    assert not Notice.objects.filter(follow__user=citizen).exists()


def test_news_told_again_by_a_retried_task_is_not_mailed_again(version, follower, mailoutbox):
    follower(version)
    final = GuidelineVersionFactory(guideline=version.guideline, number=2, based_on=version, status="final")
    assert notify_final_published(version=final) == 1
    assert notify_final_published(version=final) == 0
    assert len(mailoutbox) == 1 and Notice.objects.count() == 1


def test_a_day_s_digests_go_out_one_batch_per_run_and_the_rest_by_the_scheduler(
    version, follower, mailoutbox, settings
):
    settings.DIGEST_BATCH_SIZE, settings.CELERY_BROKER_URL = 2, ""
    scheduler.InProcessBeat({}).run_next_batches()  # nothing left over from another test
    people = [follower(version.guideline, Follow.DAILY) for _ in range(5)]
    consultation_tasks.send_consultation_notices()
    age_notices(1)

    assert tasks.send_daily_digests() == 2
    beat = scheduler.InProcessBeat({})
    assert [beat.run_next_batches() for _ in range(3)] == [1, 1, 0]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(person.email for person in people)
    assert tasks.send_daily_digests() == 0
