"""An organization's webhook endpoints, the events about it, one delivery per event and endpoint, and each attempt.

None of these is public: they are the organization's own plumbing, seen by its publishers only, so a delivery's state
and an endpoint's secret change in place (the events themselves come from the public record and are never edited).
"""

import json
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization

URL_MAX = 500
DESCRIPTION_MAX = 200
ERROR_MAX = 500
RESPONSE_EXCERPT_MAX = 500


class EventType(models.TextChoices):
    """What an organization can subscribe to; the value is the `type` of the payload and never changes."""

    APPEAL_FILED = "appeal.filed", "An appeal against one of its systems is filed"
    APPEAL_WITHDRAWN = "appeal.withdrawn", "An appeal against one of its systems is withdrawn"
    APPEAL_DECIDED = "appeal.decided", "An appeal against one of its systems is decided"
    APPEAL_CORRECTED = "appeal.corrected", "A decision on one of its appeals is corrected"
    RECOMMENDATION_MADE = "recommendation.made", "A panel makes it a recommendation"
    RECOMMENDATION_DUE = "recommendation.due", "A recommendation's deadline passes without its answer"
    CONSULTATION_OPENED = "consultation.opened", "A consultation on one of its guidelines opens"
    CONSULTATION_CLOSED = "consultation.closed", "A consultation on one of its guidelines closes"


class EndpointQuerySet(models.QuerySet["Endpoint"]):
    def active(self) -> Self:
        return self.filter(disabled_at__isnull=True)

    def listening(self, *, organization_id: int, event_type: str) -> Self:
        return self.active().filter(organization_id=organization_id, event_types__contains=[event_type])


class Endpoint(models.Model):
    """A URL of the organization's that wants some of its events, signed with its own secret.

    The secret is kept readable, since every delivery is signed with it (HMAC needs the key itself, as in every
    Standard Webhooks sender); pages show it once, at creation and after a rotation. After a rotation the previous
    secret signs too until `previous_secret_until`, so a receiver can switch without losing a message."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=URL_MAX)
    description = models.CharField(max_length=DESCRIPTION_MAX, blank=True)
    event_types = ArrayField(models.CharField(max_length=40, choices=EventType.choices))
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the first failed attempt after a success, cleared by the next success: how long it has been failing.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=ERROR_MAX, blank=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "disabled_at"])]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhook-endpoint", args=[self.organization.slug, self.pk])

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def signing_secrets(self, now) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous during its grace period."""
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            return [self.secret, self.previous_secret]
        return [self.secret]


class Event(models.Model):
    """Something about an organization that its endpoints may want, once: `source` names what produced it (a record
    entry, or a consultation period's opening), so a signal or sweep that runs twice makes no second event."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_events")
    type = models.CharField(max_length=40, choices=EventType.choices)
    source = models.CharField(max_length=100, unique=True)
    occurred_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.source}"

    def body(self) -> dict:
        """The payload every endpoint receives, as the Standard Webhooks spec shapes it."""
        return {"type": self.type, "timestamp": self.occurred_at.isoformat(), "data": self.data}

    def body_for_reading(self) -> str:
        return json.dumps(self.body(), indent=2, ensure_ascii=False)


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now) -> Self:
        return self.filter(state=Delivery.PENDING, next_attempt_at__lte=now)

    def to_queue(self, now) -> Self:
        """Due, and not queued already (or queued so long ago that the task must have been lost)."""
        return self.due(now).filter(models.Q(queued_until__isnull=True) | models.Q(queued_until__lte=now))

    def for_page(self) -> Self:
        return self.select_related("event").order_by("-pk")


class Delivery(models.Model):
    """One event sent to one endpoint, with its Standard Webhooks message id: the same `webhook-id` on every attempt
    and replay, so a receiver that got it once can tell."""

    PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
    STATE_CHOICES = [(PENDING, "Pending"), (SUCCEEDED, "Delivered"), (FAILED, "Failed")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=60, unique=True)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set when its attempt is queued, so the sweep does not queue it again behind a busy worker; cleared by the attempt.
    queued_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_endpoint")]
        indexes = [
            models.Index(fields=["endpoint", "-id"], name="delivery_page"),
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} to {self.endpoint}"

    def get_absolute_url(self) -> str:
        return reverse("webhook-delivery", args=[self.endpoint.organization.slug, self.endpoint_id, self.pk])

    def wait_after_failure(self) -> timedelta | None:
        """How long to wait after a failed attempt (counted in `attempts`), or None when it was the last."""
        schedule = settings.WEBHOOK_RETRY_SECONDS
        if self.attempts > len(schedule):
            return None
        return timedelta(seconds=schedule[self.attempts - 1])


class Attempt(models.Model):
    """One POST of a delivery: when, what the endpoint answered (or the error), and how long it took."""

    SCHEDULED, REPLAY = "scheduled", "replay"
    TRIGGER_CHOICES = [(SCHEDULED, "Scheduled"), (REPLAY, "Replay")]

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    trigger = models.CharField(max_length=10, choices=TRIGGER_CHOICES, default=SCHEDULED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=ERROR_MAX, blank=True)
    response_excerpt = models.CharField(max_length=RESPONSE_EXCERPT_MAX, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        indexes = [models.Index(fields=["delivery", "-attempted_at"])]

    def __str__(self) -> str:
        return f"{self.delivery.message_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
