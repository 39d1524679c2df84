"""Making and revoking an organization's API keys (its publishers only).

Not on the public record: a key is the organization's private credential, like a person's password, and its
existence says nothing the public can check (docs/explanations/organization-api-keys.md). What a key does is on the
record as the organization's own act (refusals.reported, appeal.responded, recommendation.*)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import api_keys, permissions
from accounts.models import ApiKey, Organization, User

KEYS_MAX = 20  # usable keys per organization: enough for every pipeline, few enough to review


def create_api_key(*, organization: Organization, name: str, scopes: list[str], by: User) -> tuple[ApiKey, str]:
    """A new key and its whole value, which is shown once and never stored."""
    if not permissions.can_manage_api_keys(by, organization):
        raise PermissionDenied(f"Only {organization.name}'s publishers make its API keys.")
    known = {value for value, _ in ApiKey.SCOPE_CHOICES}
    if not scopes or not set(scopes) <= known:
        raise ValidationError({"scopes": ["Choose at least one of the scopes listed."]})
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if organization.api_keys.usable().count() >= KEYS_MAX:
            raise ValidationError({"name": [f"An organization has at most {KEYS_MAX} keys; revoke one first."]})
        whole, prefix, secret_sha256 = api_keys.new_key()
        key = ApiKey.objects.create(
            organization=organization,
            name=name,
            prefix=prefix,
            secret_sha256=secret_sha256,
            scopes=sorted(set(scopes)),
            created_by=by,
        )
    return key, whole


def revoke_api_key(*, key: ApiKey, by: User) -> ApiKey:
    """Revoke for good; revoking a revoked key changes nothing."""
    if not permissions.can_manage_api_keys(by, key.organization):
        raise PermissionDenied(f"Only {key.organization.name}'s publishers revoke its API keys.")
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    key.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return key
