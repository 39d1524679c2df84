"""Fault tests: the broker away while people act, and a worker killed mid-task (real worker, Redis, PostgreSQL).

The figures they print (run with -s) are the ones in the README's Reliability paragraph.
"""

import time
from collections import Counter
from datetime import timedelta
from email import message_from_string
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from appeals.models import Appeal, Assignment
from consultation.services.comments import hide_comment
from core.models import OutboxTask, SentNotice
from core.queue import enqueue
from tests.appeals.factories import AISystemFactory, file, make_reviewer, published_guideline
from tests.consultation.factories import CommentFactory
from tests.consultation.factories import consultation as open_consultation
from tests.factories import UserFactory
from tests.workers import broker_queue_is_empty, broker_unreachable, wait_for, workers_with_beat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SEPARATOR = b"-" * 79 + b"\n"


def mail_count(directory) -> int:
    """How many emails the worker sent, without parsing them: the file-based backend ends each with a line of dashes."""
    return sum(path.read_bytes().count(SEPARATOR) for path in directory.glob("*.log"))


def sent_mail(directory) -> list:
    """Every message the worker process wrote with the file-based email backend."""
    chunks = [chunk for path in directory.glob("*.log") for chunk in path.read_text().split(SEPARATOR.decode())]
    return [message_from_string(chunk) for chunk in chunks if chunk.strip()]


@pytest.fixture
def worker_env(settings, tmp_path) -> dict:
    """Short outbox timings for the web side (this process) and a worker that mails into files under tmp_path."""
    settings.APPEALS_PER_DAY = 1000
    settings.OUTBOX_RELAY_EVERY_SECONDS = 1
    settings.OUTBOX_REDELIVER_AFTER_SECONDS = 20
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "OUTBOX_RELAY_EVERY_SECONDS": "1",
        "OUTBOX_REDELIVER_AFTER_SECONDS": "20",
        "BROKER_VISIBILITY_TIMEOUT_SECONDS": "15",
    }


def subject_kind(message) -> str:
    subject = message["Subject"]
    for kind, words in [("received", "was received"), ("offer", "asked to review"), ("hidden", "comment was hidden")]:
        if words in subject:
            return kind
    return "status" if subject.startswith("Appeal A-") else subject


def form(n: int) -> dict:
    return {
        "happened_at": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "prompt_excerpt": "How much paracetamol is too much?",
        "refusal_excerpt": f"I can't help with that ({n}).",
        "language": "en",
        "clause_keys": ["R-1.1"],
        "grounds": "It is printed on the box.",
        "requested_outcome": "overturned",
        "confirm": "1",  # one POST with every answer, past the check page
    }


def test_with_the_broker_away_nobody_sees_an_error_and_no_task_or_email_is_lost(
    worker_env, tmp_path, client, citizen, moderator, organization
):
    AISystemFactory(organization=organization, slug="helper")
    published_guideline(organization)
    where = {"organization": "acme", "system": "helper", "guideline": "assistant-refusals"}
    for n in range(10):
        make_reviewer(f"r{n}", capacity=10)
    version = open_consultation(organization)
    comments = CommentFactory.create_batch(50, version=version, clause=version.clauses.first())
    api, staff = APIClient(), APIClient()
    api.force_authenticate(citizen)
    staff.force_login(moderator)
    client.force_login(citizen)
    statuses = Counter()

    with workers_with_beat(tmp_path, **worker_env) as workers, broker_unreachable():
        for n in range(50):
            if n % 2:
                response = api.post("/api/v1/appeals/", {**form(n), **where})
                public_id = response.json()["public_id"]
            else:
                response = client.post(f"{reverse('file-appeal')}?{urlencode(where)}", form(n))
                public_id = Appeal.objects.latest("pk").public_id
            statuses[response.status_code] += 1
            statuses[staff.post(reverse("admit-appeal", args=[public_id])).status_code] += 1
            statuses[staff.post(f"/moderation/comments/{comments[n].pk}/hide/", {"reason": "spam"}).status_code] += 1
        assert statuses == {302: 125, 201: 25}  # filed (form and API), admitted, hidden: as when all is well
        assert not OutboxTask.objects.exclude(state=OutboxTask.PENDING).exists()  # nothing reached the broker
        queued = Counter(OutboxTask.objects.values_list("task", flat=True))
        appellant_mail = queued["appeals.tasks.notify_appellant"]  # received, screening, admitted
        assert (queued["appeals.tasks.route_appeal"], queued["consultation.tasks.notify_comment_hidden"]) == (50, 50)

        started = time.monotonic()
        workers.start()  # a worker that reaches the broker, and its beat runs the relay
        expected = appellant_mail + 50 + 50  # and an offer to a reviewer per appeal, a notice per hidden comment
        wait_for(lambda: not OutboxTask.objects.exists() and mail_count(tmp_path / "mail") >= expected, 45, 0.5)
        print(
            f"\nbroker away: {sum(statuses.values())} requests {dict(statuses)}, {sum(queued.values())} tasks; "
            f"{expected} emails delivered {time.monotonic() - started:.1f}s after the worker started"
        )
        wait_for(broker_queue_is_empty, timeout=30)  # then the workers stop after the task each runs

    mail = Counter(subject_kind(m) for m in sent_mail(tmp_path / "mail"))
    assert mail == {"received": 50, "status": appellant_mail - 50, "offer": 50, "hidden": 50}
    assert Appeal.objects.filter(status=Appeal.AWAITING_REVIEW).count() == 50
    assert Assignment.objects.count() == 50
    assert SentNotice.objects.count() == mail.total()  # every email, claimed once


def test_workers_killed_mid_task_lose_and_double_nothing(worker_env, tmp_path, moderator, organization):
    system = AISystemFactory(organization=organization, slug="helper")
    guideline = published_guideline(organization)
    for n in range(25):
        make_reviewer(f"r{n}", capacity=10)
    appellant = UserFactory()
    appeals = [file(appellant, system, guideline, refusal_excerpt=f"Refusal {n}") for n in range(200)]
    version = open_consultation(organization)
    comments = CommentFactory.create_batch(200, version=version, clause=version.clauses.first())
    claimed_before = SentNotice.objects.count()  # the filing receipts, sent in-process

    with workers_with_beat(tmp_path, count=2, **worker_env) as workers:
        for appeal in appeals:  # admitted, and queued through the outbox as admit_appeal does
            Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.AWAITING_REVIEW, screened_by=moderator)
            enqueue("appeals.tasks.route_appeal", appeal.pk)
        for comment in comments:
            hide_comment(comment=comment, reason="spam", by=moderator)
        workers.start()
        wait_for(lambda: Assignment.objects.count() >= 40, timeout=30)
        workers.kill_hard()
        left = OutboxTask.objects.count()
        started = time.monotonic()
        workers.start()
        wait_for(lambda: Assignment.objects.count() >= 200, timeout=50, interval=0.5)
        routed = time.monotonic() - started

        def all_done():
            """every email sent and every task done, after the restart"""
            return mail_count(tmp_path / "mail") >= 400 and not OutboxTask.objects.exists()

        wait_for(all_done, timeout=50, interval=0.5)
        print(
            f"\nkill -9 with {left} tasks not done: every appeal routed {routed:.1f}s and every email sent "
            f"{time.monotonic() - started:.1f}s after the restart"
        )
        wait_for(broker_queue_is_empty, timeout=30)  # then the workers stop after the task each runs

    assert sorted(Counter(Assignment.objects.values_list("appeal_id", flat=True)).values()) == [1] * 200
    hidden = Counter(m["To"] for m in sent_mail(tmp_path / "mail") if subject_kind(m) == "hidden")
    assert sorted(hidden.values()) == [1] * 200
    assert SentNotice.objects.count() - claimed_before == len(sent_mail(tmp_path / "mail"))  # each claimed, sent once
