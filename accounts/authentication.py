"""API authentication: DRF's token, with the one fact every write asks of the person loaded in the same query; and
an organization's API key, which speaks as the organization."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts import api_keys
from accounts.assurance import member_of_subquery
from accounts.models import ApiKey

LAST_USED_GRAIN = timedelta(minutes=1)


class TokenAuthentication(authentication.TokenAuthentication):
    """Whether the person's email is verified (accounts.permissions.is_citizen), and which organization verified its
    domain (accounts.assurance), come with the token and the user, so a citizen's POST spends no query on them."""

    def authenticate_credentials(self, key):
        verified = EmailAddress.objects.filter(
            user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
        )
        member_of = member_of_subquery(OuterRef("user__email"))
        token = (
            Token.objects.select_related("user")
            .annotate(verified=Exists(verified), member_of=member_of)
            .filter(key=key)
            .first()
        )
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        token.user.has_verified_email = token.verified
        token.user.verified_member_of = token.member_of  # for accounts.assurance
        return token.user, token


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer wd_<prefix>_<secret>`: an organization's API key. The request speaks as the organization
    (accounts.api_keys.OrganizationVoice); what it may do is the key's scopes (accounts.permissions.key_allows)."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the API key as `Authorization: Bearer wd_<prefix>_<secret>`.")
        found = api_keys.KEY_PATTERN.fullmatch(parts[1].decode("latin-1"))
        if found is None:
            raise AuthenticationFailed("This is not an API key: they look like wd_<8 hex digits>_<43 characters>.")
        key = ApiKey.objects.select_related("organization").filter(prefix=found["prefix"]).first()
        if key is None or not api_keys.matches(key, found["secret"]):
            raise AuthenticationFailed("Unknown API key.")
        if key.is_revoked:
            raise AuthenticationFailed(f"This API key was revoked on {key.revoked_at:%Y-%m-%d}; make a new one.")
        _note_use(key)
        return api_keys.OrganizationVoice(key), key

    def authenticate_header(self, request) -> str:
        return self.keyword


def _note_use(key: ApiKey) -> None:
    """When the key was last used, to the minute: one small UPDATE a minute at most, however busy the key."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRAIN:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
