"""API authentication: DRF's token, with the one fact every write asks of the person loaded in the same query."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    """Whether the person's email is verified (accounts.permissions.is_citizen) comes with the token and the user,
    so a citizen's POST does not spend a query on it."""

    def authenticate_credentials(self, key):
        verified = EmailAddress.objects.filter(
            user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
        )
        token = Token.objects.select_related("user").annotate(verified=Exists(verified)).filter(key=key).first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        token.user.has_verified_email = token.verified
        return token.user, token
