from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import has_verified_email
from core.schema import ERROR


class TokenInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=4096)

    def verified_user(self, request):
        """The verified account these credentials sign in to; otherwise the refusal, with its status code."""
        try:
            # allauth's adapter counts failures per address and per email (ACCOUNT_RATE_LIMITS["login_failed"]),
            # the same count as the sign-in page, so guessing here does not bypass the limit there.
            user = get_adapter(request).authenticate(
                request, email=self.validated_data["email"], password=self.validated_data["password"]
            )
        except DjangoValidationError as error:
            raise Throttled(detail=error.messages[0]) from error
        if user is None:
            raise AuthenticationFailed("The email or the password is not right.")
        if not has_verified_email(user):
            raise PermissionDenied("Verify your email address before using the API.")
        return user


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange a verified account's email and password for an API token."""

    authentication_classes: list = []
    throttle_scope = "token"

    def get_authenticate_header(self, request):
        # A wrong password is a 401, which must say how to authenticate: with the token this endpoint hands out.
        return "Token"

    @extend_schema(
        request=TokenInput,
        responses={
            200: TokenOutput,
            401: OpenApiResponse(ERROR, description="The email or the password is not right."),
            403: OpenApiResponse(ERROR, description="The email address is not verified yet."),
        },
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=data.verified_user(request))
        return Response({"token": token.key})
