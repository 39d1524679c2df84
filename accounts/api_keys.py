"""Organization API keys: their format, their hashing, and the voice a request speaks in when it carries one.

A key is `wd_<prefix>_<secret>`: the prefix (8 hex digits) finds the row and is safe to show; the secret (43
URL-safe characters, 256 bits) is only ever stored as its SHA-256, compared in constant time. A random secret that
long needs no slow hash: nobody can guess it, and a stolen table of hashes opens nothing.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from accounts.models import ApiKey, Organization

KEY_PATTERN = re.compile(r"wd_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the whole key to show once, its prefix, the SHA-256 of its secret)."""
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    return f"wd_{prefix}_{secret}", prefix, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(key: ApiKey, secret: str) -> bool:
    return hmac.compare_digest(key.secret_sha256, secret_hash(secret))


def person_of(actor):
    """The person who acted, or None when the organization acted through a key (rows keep `by` for people)."""
    return None if isinstance(actor, OrganizationVoice) else actor


def key_of(actor) -> ApiKey | None:
    """The key the organization acted through, if it did: the row records which."""
    return actor.api_key if isinstance(actor, OrganizationVoice) else None


@dataclass(frozen=True)
class OrganizationVoice:
    """Who a request carrying an API key is: the organization itself, through one key (not any person).

    It stands where DRF puts the user, so it answers what permission checks ask of one; accounts.permissions asks
    `is_organization_voice` before treating it as a person."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_moderator = False
    is_staff = False
    is_superuser = False
    has_verified_email = False

    @property
    def organization(self) -> Organization:
        return self.api_key.organization

    @property
    def pk(self) -> str:
        # Names the key in throttle buckets and idempotency scopes, apart from every person's number.
        return f"key:{self.api_key.prefix}"

    @property
    def public_name(self) -> str:
        return self.api_key.organization.name

    def __str__(self) -> str:
        return f"{self.api_key.organization.name} (API key wd_{self.api_key.prefix}_…)"
