"""What the OpenAPI schema says about errors: their one shape, and which 4xx each operation can answer."""

from collections.abc import Iterator
from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text="A human message."),
        "errors": serializers.DictField(help_text="Messages by field name; empty when the error is not a field's."),
    },
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """Documents, beside what a view declares, every error the site's shared layers can answer for it."""

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self._shared_errors():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ERROR, description), code, None, direction
                )
        return responses

    def _shared_errors(self) -> Iterator[tuple[str, str]]:
        yield "400", "The input is not valid (field errors in `errors`), or holds text that cannot be stored."
        if self.view.authentication_classes:
            yield "401", "The token in the Authorization header is not valid."
        if self.method in UNSAFE or not all(
            # A composed permission (IsA | IsB) is an instance, not a class, and never AllowAny.
            isinstance(permission, type) and issubclass(permission, permissions.AllowAny)
            for permission in self.view.permission_classes
        ):
            yield "403", "You may not do this."
        if "{" in self.path:
            yield "404", "Nothing at this address, or nothing you may see."
        if self.method in UNSAFE:
            yield "413", "The body is too large."
            yield "415", "The body is not JSON, a form or multipart form data."
        yield "414", "The query string is too long."
        yield "429", "Too many requests; try again later."
