from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import has_verified_email


class TokenInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=4096)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange a verified account's email and password for an API token."""

    authentication_classes: list = []
    throttle_scope = "token"

    @extend_schema(request=TokenInput, responses=TokenOutput)
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, email=data.validated_data["email"], password=data.validated_data["password"])
        if user is None:
            raise AuthenticationFailed("The email or the password is not right.")
        if not has_verified_email(user):
            raise PermissionDenied("Verify your email address before using the API.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
