"""Comment periods: scheduling one makes a draft public and frozen; extending one gives people more time."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from consultation.models import NOTE_LENGTH, CommentPeriod, GuidelineVersion, PeriodExtension
from consultation.services.common import clean_text, frozen_text, locked_draft, require_publisher
from core.queue import enqueue
from ledger.kinds import EntryKind
from ledger.services import append


@transaction.atomic
def schedule_comment_period(
    *, version: GuidelineVersion, opens_at: datetime | None, closes_at: datetime, by: User
) -> CommentPeriod:
    """Make a draft public for comment: status consultation, text frozen, period scheduled."""
    require_publisher(by, version.guideline.organization)
    version = locked_draft(version)
    now = timezone.now()
    opens_at = opens_at or now
    if opens_at < now - timedelta(minutes=5):
        raise ValidationError({"opens_at": "A comment period cannot open in the past."})
    opens_at = max(opens_at, now)
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "The period must end after it starts."})
    minimum = timedelta(days=settings.CONSULTATION_MIN_DAYS)
    if closes_at - opens_at < minimum:
        n = settings.CONSULTATION_MIN_DAYS
        lasts = ngettext("A comment period lasts at least %(n)d day.", "A comment period lasts at least %(n)d days.", n)
        raise ValidationError({"closes_at": lasts % {"n": n}})
    if not version.clauses.exists():
        raise ValidationError("Add at least one clause before scheduling a comment period.")
    running = CommentPeriod.objects.filter(version__guideline=version.guideline, closes_at__gt=now)
    if running.exists():
        raise ValidationError("This guideline already has a comment period that has not closed.")
    period = CommentPeriod.objects.create(version=version, opens_at=opens_at, closes_at=closes_at)
    version.status, version.published_at = GuidelineVersion.CONSULTATION, now
    version.save(update_fields=["status", "published_at"])
    append(
        kind=EntryKind.CONSULTATION_SCHEDULED,
        subject=version.subject,
        payload={
            "guideline": version.guideline.title,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "clauses": frozen_text(version),
        },
    )
    if opens_at <= now:
        enqueue("consultation.tasks.notify_period_opened", period.pk)
    return period


@transaction.atomic
def extend_comment_period(*, period: CommentPeriod, closes_at: datetime, reason: str, by: User) -> PeriodExtension:
    """Give people more time, with a public reason. Never shorter, never earlier, never after it closed."""
    require_publisher(by, period.version.guideline.organization)
    period = (
        CommentPeriod.objects.select_for_update().select_related("version__guideline__organization").get(pk=period.pk)
    )
    if period.is_closed:
        raise ValidationError("This comment period has closed; a closed period is never reopened.")
    if closes_at <= period.closes_at:
        raise ValidationError({"closes_at": "An extension must close later than the current closing time."})
    reason = clean_text(reason, field="reason", label="The reason", max_length=NOTE_LENGTH)
    extension = PeriodExtension.objects.create(
        period=period, previous_closes_at=period.closes_at, new_closes_at=closes_at, reason=reason
    )
    period.closes_at = closes_at
    period.save(update_fields=["closes_at"])
    append(
        kind=EntryKind.CONSULTATION_EXTENDED,
        subject=period.version.subject,
        payload={
            "previous_closes_at": extension.previous_closes_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "reason": reason,
        },
    )
    return extension
