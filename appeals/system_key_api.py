"""A system's receipt keys as a JSON Web Key Set (RFC 7517), so anyone can check a refusal receipt with standard
tools. One document, not a paginated list: JWKS consumers read the whole set, and a system holds at most
KEYS_PER_SYSTEM_MAX keys. Each key carries its validity period beside the standard members."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from appeals.models import AISystem


class KeyOutput(serializers.Serializer):
    kty = serializers.CharField(help_text="Always OKP.")
    crv = serializers.CharField(help_text="Always Ed25519.")
    x = serializers.CharField(help_text="The public key, base64url.")
    kid = serializers.CharField()
    use = serializers.CharField(help_text="Always sig.")
    alg = serializers.CharField(help_text="EdDSA (RFC 8037); receipts signed as Ed25519 (RFC 9864) verify too.")
    valid_from = serializers.DateTimeField(help_text="Receipts dated before are refused.")
    valid_until = serializers.DateTimeField(allow_null=True, help_text="Receipts dated from then on are refused.")


class KeySetOutput(serializers.Serializer):
    keys = KeyOutput(many=True)


class SystemKeySet(APIView):
    """The Ed25519 keys an AI system signs refusal receipts with, oldest first, with each one's validity."""

    @extend_schema(responses=KeySetOutput)
    def get(self, request, org: str, system: str):
        ai_system = get_object_or_404(AISystem, organization__slug=org, slug=system)
        return Response({"keys": [key.jwk for key in ai_system.keys.order_by("valid_from", "pk")]})
