"""What the OpenAPI schema says about errors: their one shape, and which 4xx each operation can answer."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text="A human message."),
        "errors": serializers.DictField(help_text="Messages by field name; empty when the error is not a field's."),
    },
)
