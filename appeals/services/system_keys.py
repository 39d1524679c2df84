"""The keys an AI system signs refusal receipts with: a publisher of its organization adds one, with the time it
becomes valid, and retires one by giving it an end. A key is never deleted nor its end moved later, since receipts
signed while it was valid must stay verifiable; each change is on the record with the key's thumbprint."""

import base64
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc.jwk import OKPKey

from accounts import permissions
from accounts.models import User
from appeals.models import KEYS_PER_SYSTEM_MAX, AISystem, SystemKey
from ledger.kinds import EntryKind
from ledger.services import append

NOT_A_PUBLISHER = "Only the publishers of the system's organization can change its receipt keys."


def add_system_key(
    *, by: User, system: AISystem, kid: str, public_key: bytes, valid_from: datetime, valid_until: datetime | None
) -> SystemKey:
    """Register an Ed25519 public key (`public_key`: its 32 raw bytes) under `kid` for `system`."""
    if not permissions.can_publish_for(by, system.organization):
        raise PermissionDenied(NOT_A_PUBLISHER)
    if len(public_key) != 32:
        raise ValidationError({"public_key": ["An Ed25519 public key is 32 bytes long."]})
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": ["A key must end after it starts."]})
    encoded = base64.urlsafe_b64encode(public_key).rstrip(b"=").decode()
    thumbprint = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": encoded}).thumbprint()
    try:
        with transaction.atomic():
            AISystem.objects.select_for_update().get(pk=system.pk)  # counts the keys one addition at a time
            if SystemKey.objects.filter(system=system).count() >= KEYS_PER_SYSTEM_MAX:
                raise ValidationError(f"{system.name} already has {KEYS_PER_SYSTEM_MAX} keys, as many as it may.")
            key = SystemKey.objects.create(
                system=system,
                kid=kid,
                public_key=encoded,
                thumbprint=thumbprint,
                valid_from=valid_from,
                valid_until=valid_until,
                added_by=by,
            )
            _record(key, EntryKind.SYSTEM_KEY_ADDED, public_key=encoded, valid_from=valid_from.isoformat())
    except IntegrityError as error:
        raise ValidationError(
            {"kid": [f"{system.name} already has a key {kid}; give the new key another id."]}
        ) from error
    return key


def retire_system_key(*, by: User, key: SystemKey, valid_until: datetime, reason: str) -> SystemKey:
    """End `key` at `valid_until`: receipts dated from then on are refused, earlier ones still verify. An end in
    the past refuses the receipts signed since (a key found stolen); an end can be brought forward, never pushed
    back, so a retirement cannot be undone."""
    if not permissions.can_publish_for(by, key.system.organization):
        raise PermissionDenied(NOT_A_PUBLISHER)
    with transaction.atomic():
        key = SystemKey.objects.select_for_update().select_related("system__organization").get(pk=key.pk)
        if valid_until <= key.valid_from:
            raise ValidationError({"valid_until": ["A key must end after it starts; give a later end."]})
        if key.valid_until is not None and valid_until >= key.valid_until:
            end = timezone.localtime(key.valid_until).isoformat()
            raise ValidationError(
                {"valid_until": [f"Key {key.kid} already ends at {end}; an end can only be brought forward."]}
            )
        key.valid_until, key.retirement_reason = valid_until, reason
        key.save(update_fields=["valid_until", "retirement_reason"])
        _record(key, EntryKind.SYSTEM_KEY_RETIRED, reason=reason)
    return key


def _record(key: SystemKey, kind: EntryKind, **extra: str) -> None:
    system = key.system
    payload = {
        "organization": system.organization.slug,
        "system": system.slug,
        "kid": key.kid,
        "thumbprint": key.thumbprint,
        "valid_until": key.valid_until.isoformat() if key.valid_until else None,
        **extra,
    }
    append(kind=kind, subject=f"system:{system.issuer}", payload=payload)
