"""Thin Celery tasks, safe to run twice: every email is keyed by `send_once`, every notice is told once."""

from datetime import datetime
from smtplib import SMTPException

from celery import shared_task

from digests.models import Follow
from digests.services import digests, notices
from ledger.models import Entry

MAIL_TASK = {"acks_late": True, "autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="digests.tasks.tell_appeal_followers", **MAIL_TASK)
def tell_appeal_followers(entry_seq: int) -> int:
    entry = Entry.objects.filter(seq=entry_seq).first()
    return notices.tell_appeal_followers(entry=entry) if entry else 0


# A run sends one batch; the next batch carries the time the first ran (so the same period) and the last person sent.
@shared_task(name="digests.tasks.send_daily_digests", **MAIL_TASK)
def send_daily_digests(started: str = "", after_user: int = 0) -> int:
    now = datetime.fromisoformat(started) if started else None
    return digests.send_digests(frequency=Follow.DAILY, now=now, after_user=after_user)


@shared_task(name="digests.tasks.send_weekly_digests", **MAIL_TASK)
def send_weekly_digests(started: str = "", after_user: int = 0) -> int:
    now = datetime.fromisoformat(started) if started else None
    return digests.send_digests(frequency=Follow.WEEKLY, now=now, after_user=after_user)
