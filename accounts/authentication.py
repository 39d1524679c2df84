"""API authentication: DRF's token, with the one fact every write asks of the person loaded in the same query."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts.assurance import member_of_subquery


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
