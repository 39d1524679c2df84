"""Daily and weekly digests: what happened to everything a person follows, grouped by followed thing, in one email.

A digest covers one period — the day, or the ISO week, before the one the task runs in — and its `send_once` key
names the period and the person, so the beat task can run twice, or late, and nobody gets a period's digest twice.
A notice is marked with the digest that carried it in the transaction that sends it, so no notice is in two digests.
A notice stored before the period ended but committed after its digest went out waits for the next one.
"""

from datetime import datetime, time, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.backlog import queue_next_batch
from core.mail import send_once
from core.models import SentNotice
from digests.models import Follow, Notice

# Notices of a follow changed from a digest to "at once" go out in the next daily digest rather than never.
DIGESTED = {Follow.DAILY: (Follow.DAILY, Follow.IMMEDIATE), Follow.WEEKLY: (Follow.WEEKLY,)}
DIGEST_TASKS = {Follow.DAILY: "digests.tasks.send_daily_digests", Follow.WEEKLY: "digests.tasks.send_weekly_digests"}


def digest_period(frequency: str, now: datetime) -> tuple[datetime, str]:
    """When the period a digest sent `now` covers ended, and its name: "2026-12-06" or "2026-W49"."""
    today = datetime.combine(timezone.localdate(now), time(), tzinfo=timezone.get_current_timezone())
    if frequency == Follow.DAILY:
        return today, (today - timedelta(days=1)).date().isoformat()
    ends = today - timedelta(days=today.weekday())
    year, week, _ = (ends - timedelta(days=1)).isocalendar()
    return ends, f"{year}-W{week:02d}"


def send_digests(*, frequency: str, now: datetime | None = None, after_user: int = 0) -> int:
    """What the beat task runs: one digest to each of the next DIGEST_BATCH_SIZE people (by id, after `after_user`)
    with notices waiting for this frequency; when the batch is full, the people after it are the next batch, for
    the same period (core/backlog.py). The number sent."""
    now = now or timezone.now()
    ends, name = digest_period(frequency, now)
    waiting = Notice.objects.awaiting_digest(DIGESTED[frequency], before=ends).filter(
        follow__user__is_active=True, follow__user_id__gt=after_user
    )
    people = list(
        waiting.values_list("follow__user_id", flat=True)
        .distinct()
        .order_by("follow__user_id")[: settings.DIGEST_BATCH_SIZE]
    )
    sent = sum(send_digest(user_id=user_id, frequency=frequency, period=name, ends=ends) for user_id in people)
    if len(people) == settings.DIGEST_BATCH_SIZE:
        queue_next_batch(DIGEST_TASKS[frequency], now.isoformat(), people[-1])
    return sent


def send_digest(*, user_id: int, frequency: str, period: str, ends: datetime) -> int:
    key = f"digest:{frequency}:{period}:user-{user_id}"
    with transaction.atomic():
        if SentNotice.objects.filter(key=key).exists():
            return 0  # this period's digest went out; anything that came late waits for the next
        notices = list(
            Notice.objects.awaiting_digest(DIGESTED[frequency], before=ends)
            .filter(follow__user_id=user_id)
            .select_related("follow__user", "follow__guideline__organization", "follow__appeal")
            .select_related("follow__version__guideline__organization")
            .select_for_update(of=("self",))
            .order_by("follow_id", "created_at", "pk")
        )
        if not notices:
            return 0
        user = notices[0].follow.user
        groups = [(follow, list(told)) for follow, told in groupby(notices, key=lambda notice: notice.follow)]
        sent = send_once(
            key=key,
            to=user.email,
            template="digests/email/digest",
            context={
                "user": user,
                "frequency": frequency,
                "since": ends - timedelta(days=1 if frequency == Follow.DAILY else 7),
                "groups": groups,
                "count": len(notices),
            },
        )
        # Marked told also when the person asked for no mail at all: they would not want these later either.
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=timezone.now(), digest=key)
    return sent
