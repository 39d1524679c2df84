"""Events from the public record, and their deliveries: what each entry kind becomes, about which organization.

An event carries nothing the record does not already publish: its `data` is the entry's own payload, with the
entry's number and the public page it concerns, so a receiver can check it against the record. Appeals, decisions
and recommendations arrive as entries (`ledger.signals.entry_appended`, in the step's transaction); a consultation
opening or closing is the clock, not an entry, so `emit_consultation_events` sweeps for them on the beat.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from appeals.models import Appeal
from consultation.models import CommentPeriod
from core.queue import enqueue
from ledger.kinds import EntryKind
from ledger.models import Entry
from webhooks.models import Delivery, Endpoint, Event, EventType
from webhooks.services.delivering import queued_until

FROM_RECORD = {
    EntryKind.APPEAL_FILED: EventType.APPEAL_FILED,
    EntryKind.APPEAL_WITHDRAWN: EventType.APPEAL_WITHDRAWN,
    EntryKind.APPEAL_DECIDED: EventType.APPEAL_DECIDED,
    EntryKind.APPEAL_CORRECTED: EventType.APPEAL_CORRECTED,
    EntryKind.RECOMMENDATION_MADE: EventType.RECOMMENDATION_MADE,
    EntryKind.RECOMMENDATION_OVERDUE: EventType.RECOMMENDATION_DUE,
}
# A consultation already open or closed when the sweep first saw it is old news after this long.
CONSULTATION_LOOKBACK = timedelta(days=2)


def emit_from_entry(entry: Entry) -> Event | None:
    """The entry's event, with a pending delivery to each endpoint that wants it; None when nobody listens.
    Runs in the entry's transaction, so the deliveries exist exactly when the step was committed."""
    event_type = FROM_RECORD.get(entry.kind)  # type: ignore[call-overload]
    # Most steps concern organizations without endpoints: one query says so before the organization is looked up.
    if event_type is None or not Endpoint.objects.active().filter(event_types__contains=[event_type]).exists():
        return None
    payload = entry.data
    organization_id, url = _about(entry.subject, payload)
    if organization_id is None:
        return None
    data = {**payload, "record_entry": entry.seq, "subject": entry.subject, "url": url}
    return emit(
        organization_id=organization_id, event_type=event_type, source=f"entry:{entry.seq}", at=entry.at, data=data
    )


def _about(subject: str, payload: dict) -> tuple[int | None, str]:
    """The organization an appeal's or a recommendation's entry concerns, and the public page to link to."""
    public_id = payload["public_id"]
    if subject.startswith("recommendation:"):
        organization_id = Organization.objects.filter(slug=payload["organization"]).values_list("pk", flat=True)
        appeal_id = Appeal.objects.filter(decisions=payload["decision"]).values_list("public_id", flat=True).first()
        url = reverse("appeal", args=[appeal_id]) + f"#{public_id}" if appeal_id else ""
        return organization_id.first(), _absolute(url)
    found = Appeal.objects.filter(public_id=public_id).values_list("guideline__organization_id", flat=True).first()
    return found, _absolute(reverse("appeal", args=[public_id]))


def emit(*, organization_id: int, event_type: str, source: str, at: datetime, data: dict) -> Event | None:
    endpoints = list(Endpoint.objects.listening(organization_id=organization_id, event_type=event_type))
    if not endpoints:
        return None
    event, created = Event.objects.get_or_create(
        source=source,
        defaults={"organization_id": organization_id, "type": event_type, "occurred_at": at, "data": data},
    )
    if created:
        for endpoint in endpoints:
            now = timezone.now()
            delivery = Delivery.objects.create(
                event=event,
                endpoint=endpoint,
                message_id=f"msg_{secrets.token_urlsafe(18)}",
                next_attempt_at=now,
                queued_until=queued_until(now),
            )
            enqueue("webhooks.tasks.attempt_delivery", delivery.pk)
    return event


def emit_consultation_events(*, now: datetime) -> int:
    """Events for consultations on subscribed organizations' guidelines that opened or closed lately; each once."""
    listening = Endpoint.objects.active().values("organization_id")
    since = now - CONSULTATION_LOOKBACK
    periods = CommentPeriod.objects.select_related("version__guideline__organization").filter(
        version__guideline__organization__in=listening
    )
    moments = [
        (EventType.CONSULTATION_OPENED, period, period.opens_at)
        for period in periods.filter(opens_at__gt=since, opens_at__lte=now)
    ] + [
        (EventType.CONSULTATION_CLOSED, period, period.closes_at)
        for period in periods.filter(closes_at__gt=since, closes_at__lte=now)
    ]
    known = set(Event.objects.filter(source__in=[_period_source(t, p) for t, p, _ in moments]).values_list("source"))
    emitted = 0
    for event_type, period, at in moments:
        if (_period_source(event_type, period),) in known:
            continue
        with transaction.atomic():
            emitted += (
                emit(
                    organization_id=period.version.guideline.organization_id,
                    event_type=event_type,
                    source=_period_source(event_type, period),
                    at=at,
                    data=_consultation_data(period),
                )
                is not None
            )
    return emitted


def _period_source(event_type: str, period: CommentPeriod) -> str:
    return f"{event_type}:{period.pk}"


def _consultation_data(period: CommentPeriod) -> dict:
    version = period.version
    guideline = version.guideline
    return {
        "organization": guideline.organization.slug,
        "guideline": guideline.slug,
        "version": version.number,
        "title": guideline.title,
        "opens_at": period.opens_at.isoformat(),
        "closes_at": period.closes_at.isoformat(),
        "url": _absolute(version.get_absolute_url()),
    }


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""
