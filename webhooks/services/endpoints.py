"""Subscribing: an organization's publishers add an endpoint for some event types, rotate its secret, and disable or
enable it. The secret is returned to the caller once, to show once; pages never show it again."""

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import Organization, User
from core.ratelimit import RateLimited, over_limit
from webhooks import addresses
from webhooks.models import Endpoint, EventType

SECRET_BYTES = 24  # 192 bits, within the spec's 24 to 64 bytes
ROTATION_GRACE = timedelta(hours=24)
CHANGES_PER_HOUR = 20

NOT_PUBLISHER = "Only the organization's publishers manage its webhooks."
TOO_MANY_ENDPOINTS = "An organization has at most {limit} endpoints. Remove one first."
SAME_URL = "This organization already has an endpoint at this URL."
NO_EVENTS = "Choose at least one event to send to this endpoint."
UNKNOWN_EVENT = "Unknown event type: {name}."
TOO_OFTEN = f"At most {CHANGES_PER_HOUR} webhook changes an hour. Try again later."


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _check_may_manage(by: User, organization: Organization) -> None:
    if not permissions.can_publish_for(by, organization):
        raise PermissionDenied(NOT_PUBLISHER)
    if over_limit(action="webhook-change", who=str(by.pk), limit=CHANGES_PER_HOUR, per_seconds=3600):
        raise RateLimited(TOO_OFTEN, retry_after=3600)


def subscribe_endpoint(
    *, organization: Organization, url: str, event_types: list[str], description: str = "", by: User
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret, which is shown once."""
    _check_may_manage(by, organization)
    if not event_types:
        raise ValidationError({"event_types": [NO_EVENTS]})
    for name in event_types:
        if name not in EventType.values:
            raise ValidationError({"event_types": [UNKNOWN_EVENT.format(name=name)]})
    try:
        addresses.check_url(url)
    except ValidationError as refused:
        raise ValidationError({"url": refused.messages}) from None
    with transaction.atomic():
        # Locks the organization's row, so two subscriptions at once cannot both pass the count.
        Organization.objects.select_for_update().get(pk=organization.pk)
        endpoints = Endpoint.objects.filter(organization=organization)
        if endpoints.filter(url=url).exists():
            raise ValidationError({"url": [SAME_URL]})
        if endpoints.count() >= settings.WEBHOOK_ENDPOINTS_MAX:
            raise ValidationError(TOO_MANY_ENDPOINTS.format(limit=settings.WEBHOOK_ENDPOINTS_MAX))
        secret = new_secret()
        endpoint = Endpoint.objects.create(
            organization=organization,
            url=url,
            description=description,
            event_types=sorted(set(event_types)),
            secret=secret,
            created_by=by,
        )
    return endpoint, secret


def rotate_secret(*, endpoint: Endpoint, by: User) -> str:
    """A new secret, shown once; the old one still signs for ROTATION_GRACE, so the receiver can switch."""
    _check_may_manage(by, endpoint.organization)
    secret = new_secret()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
    endpoint.previous_secret_until = timezone.now() + ROTATION_GRACE
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return secret


def disable_endpoint(*, endpoint: Endpoint, by: User) -> None:
    _check_may_manage(by, endpoint.organization)
    if endpoint.is_active:
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = f"Disabled by {by}."
        endpoint.save(update_fields=["disabled_at", "disabled_reason"])


def enable_endpoint(*, endpoint: Endpoint, by: User) -> None:
    """Sending again, from the deliveries still pending; the failing streak starts afresh."""
    _check_may_manage(by, endpoint.organization)
    try:
        addresses.check_url(endpoint.url)
    except ValidationError as refused:
        raise ValidationError({"url": refused.messages}) from None
    endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
    endpoint.save(update_fields=["disabled_at", "disabled_reason", "failing_since"])


def remove_endpoint(*, endpoint: Endpoint, by: User) -> None:
    """Gone with its deliveries and attempts, which were only ever the organization's own; the events stay."""
    _check_may_manage(by, endpoint.organization)
    endpoint.delete()
