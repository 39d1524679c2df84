from datetime import datetime, timedelta
from typing import Any, ClassVar, NoReturn, Self, TypeVar

from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised when code tries to change a public record that is only ever added to."""


_Row = TypeVar("_Row", bound="AppendOnlyModel")


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    """Bulk updates and deletes of public history are refused like single ones."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(self.model.refusal)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(self.model.refusal)


class AppendOnlyModel(models.Model):
    """A row of the public history: stored once, never changed or deleted."""

    refusal: ClassVar[str] = "This history is never rewritten."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(self.refusal)


class SentNotice(models.Model):
    """One email that went out, by a key naming its event and recipient, so a retried task never sends it twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class OutboxTaskQuerySet(models.QuerySet["OutboxTask"]):
    def due(self, now: datetime) -> Self:
        """Rows the relay should hand to the broker now: never handed over, refused, or handed over and lost."""
        return self.filter(state__in=(OutboxTask.PENDING, OutboxTask.SENT), next_attempt_at__lte=now)


class OutboxTask(models.Model):
    """A Celery task that a committed transaction asked for, kept until a worker has run it (see core/outbox.py).

    Written in the caller's transaction, so the task exists exactly when the change that needs it does. Deleted
    by the worker when the task succeeds; a row still here after its `next_attempt_at` is handed over again.
    """

    PENDING, SENT, FAILED = "pending", "sent", "failed"
    STATE_CHOICES = [
        (PENDING, "waiting for the broker"),
        (SENT, "handed to the broker"),
        (FAILED, "the task raised after its own retries"),
    ]

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Hand-overs tried, successful or not.")
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = OutboxTaskQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} ({self.state})"


class IdempotencyKeyQuerySet(models.QuerySet["IdempotencyKey"]):
    def expired(self, now: datetime) -> Self:
        """Keys older than their lifetime: a request sent with one again runs as new (core/idempotency.py)."""
        return self.filter(created_at__lte=now - IdempotencyKey.LIFETIME)

    def live(self, now: datetime) -> Self:
        return self.filter(created_at__gt=now - IdempotencyKey.LIFETIME)


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an Idempotency-Key (or a form's one-time token), replayed to its retries.

    `scope` is whose key it is (`api:person:7`, `api:anonymous`, `form:person:7`): a key is only ever one person's.
    A row is inserted before the view runs and committed with the view's own rows, so the unique constraint makes a
    concurrent retry wait for the first and then answer its response (see core/idempotency.py).
    """

    LIFETIME = timedelta(hours=24)

    scope = models.CharField(max_length=60)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="A keyed hash of the method, address and body.")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=bytes)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_key_once")]
        indexes = [models.Index(fields=["created_at"], name="core_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
