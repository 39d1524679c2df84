"""Delivering: one attempt at a time, retried on the spec's schedule, given up after the last, replayed on request.

Each attempt is a task (`webhooks.tasks.attempt_delivery`): the row is locked while it is tried, so a redelivered task
or the sweep never sends the same attempt twice at once, and a delivery no longer due is left alone (safe to run
twice). A failed attempt schedules the next after WEBHOOK_RETRY_SECONDS (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
as https://www.standardwebhooks.com suggests); the beat task `send_due_deliveries` queues those when they are due.
Every attempt of a delivery, and every replay, carries the same `webhook-id`, so a receiver dedupes them.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.models import Membership, User
from core.mail import send_once
from core.queue import enqueue
from core.ratelimit import RateLimited, over_limit
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.sending import Outcome, encode, post

REPLAY_LIMIT = 30  # replays per organization per hour
REPLAY_TOO_OFTEN = f"At most {REPLAY_LIMIT} replays an hour for one organization. Try again later."
DISABLED_ENDPOINT = "This endpoint is disabled. Enable it again before replaying its deliveries."


def attempt_delivery(*, delivery_id: int, now: datetime | None = None) -> Attempt | None:
    """The delivery's next scheduled attempt, if it is still due; its outcome decides the next step."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .due(now)
            .first()
        )
        if delivery is None or not delivery.endpoint.is_active:
            return None
        # Nothing else is locked while the endpoint answers: a slow receiver holds one row for at most the timeouts.
        outcome = _send(delivery, now)
        attempt = _record(delivery, outcome, now, trigger=Attempt.SCHEDULED)
        delivery.attempts += 1
        delivery.queued_until = None
        if outcome.succeeded:
            delivery.state, delivery.next_attempt_at = Delivery.SUCCEEDED, None
        elif wait := delivery.wait_after_failure():
            delivery.next_attempt_at = now + wait
        else:
            delivery.state, delivery.next_attempt_at = Delivery.FAILED, None
        delivery.save(update_fields=["attempts", "state", "next_attempt_at", "queued_until"])
        _note_endpoint_health(delivery.endpoint, outcome, now)
    return attempt


def replay_delivery(*, delivery: Delivery, by: User) -> None:
    """Send the same message again (same `webhook-id`, fresh timestamp and signature), now, whatever its state."""
    endpoint = delivery.endpoint
    if not permissions.can_publish_for(by, endpoint.organization):
        raise PermissionDenied("Only the organization's publishers can replay its webhook deliveries.")
    if not endpoint.is_active:
        raise ValidationError(DISABLED_ENDPOINT, code="disabled")
    if over_limit(action="webhook-replay", who=str(endpoint.organization_id), limit=REPLAY_LIMIT, per_seconds=3600):
        raise RateLimited(REPLAY_TOO_OFTEN, retry_after=3600)
    enqueue("webhooks.tasks.replay_delivery", delivery.pk, by.pk)


def send_replay(*, delivery_id: int, requested_by_id: int | None, now: datetime | None = None) -> Attempt | None:
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or not delivery.endpoint.is_active:
            return None
        outcome = _send(delivery, now)
        attempt = _record(delivery, outcome, now, trigger=Attempt.REPLAY, requested_by_id=requested_by_id)
        if outcome.succeeded:
            delivery.state, delivery.next_attempt_at = Delivery.SUCCEEDED, None
            delivery.save(update_fields=["state", "next_attempt_at"])
        _note_endpoint_health(delivery.endpoint, outcome, now)
    return attempt


def send_due_deliveries(*, now: datetime | None = None, batch: int = 500) -> int:
    """Queue the deliveries whose retry is due and not queued yet; the task checks again, so one queued twice is
    sent once, and the mark keeps a busy queue from filling with the same delivery at every sweep."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.to_queue(now).filter(endpoint__disabled_at__isnull=True)
        ids = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:batch])
        Delivery.objects.filter(pk__in=ids).update(queued_until=queued_until(now))
        for delivery_id in ids:
            enqueue("webhooks.tasks.attempt_delivery", delivery_id)
    return len(ids)


def queued_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WEBHOOK_QUEUED_FOR_SECONDS)


def _send(delivery: Delivery, now: datetime) -> Outcome:
    return post(
        url=delivery.endpoint.url,
        secrets=delivery.endpoint.signing_secrets(now),
        message_id=delivery.message_id,
        payload=encode(delivery.event.body()),
        at=now,
    )


def _record(delivery: Delivery, outcome: Outcome, now: datetime, *, trigger: str, requested_by_id=None) -> Attempt:
    return Attempt.objects.create(
        delivery=delivery,
        trigger=trigger,
        requested_by_id=requested_by_id,
        attempted_at=now,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.response_excerpt,
        duration_ms=outcome.duration_ms,
    )


def _note_endpoint_health(endpoint: Endpoint, outcome: Outcome, now: datetime) -> None:
    """Start or clear the endpoint's failing streak; after WEBHOOK_DISABLE_AFTER_DAYS of nothing but failures it is
    disabled and its organization's publishers are told, since nobody reads a deliveries page nobody opens."""
    endpoints = Endpoint.objects.filter(pk=endpoint.pk)
    if outcome.succeeded:
        endpoints.filter(failing_since__isnull=False).update(failing_since=None)
        return
    endpoints.filter(failing_since__isnull=True).update(failing_since=now)
    cutoff = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    reason = f"Every delivery failed for {settings.WEBHOOK_DISABLE_AFTER_DAYS} days; the last error: {_said(outcome)}"
    if endpoints.filter(Q(failing_since__lte=cutoff), disabled_at__isnull=True).update(
        disabled_at=now, disabled_reason=reason[:500]
    ):
        endpoint.refresh_from_db()
        enqueue("webhooks.tasks.tell_endpoint_disabled", endpoint.pk)


def _said(outcome: Outcome) -> str:
    return f"HTTP {outcome.status_code}" if outcome.status_code is not None else outcome.error


def tell_endpoint_disabled(*, endpoint: Endpoint) -> int:
    sent = 0
    publishers = endpoint.organization.memberships.filter(role=Membership.PUBLISHER).select_related("user")
    for membership in publishers:
        sent += send_once(
            key=f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at:%Y%m%d%H%M%S}:{membership.user_id}",
            to=membership.user.email,
            template="webhooks/email/endpoint_disabled",
            context={"endpoint": endpoint, "url": f"{settings.SITE_URL}{endpoint.get_absolute_url()}"},
        )
    return sent
