"""What the OpenAPI schema says about errors: their one shape, and which 4xx each operation can answer."""

from collections.abc import Iterator
from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

from core.idempotency import HEADER, KEY_MAX, REPLAYED

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text="A human message."),
        "errors": serializers.DictField(help_text="Messages by field name; empty when the error is not a field's."),
    },
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    # What parse_key accepts, less the quoted form: printable ASCII without quotes or backslashes, no edge spaces.
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": r"^[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value (a UUID) naming this request, so that a retry is safe (IETF draft-ietf-httpapi-"
        "idempotency-key-header). The same key from the same person with the same request within 24 hours "
        f"answers the first response again, with `{REPLAYED}: true`, and creates nothing; with another body it "
        "answers 422; while the first is still running, 409 with Retry-After. Printable ASCII, 1 to "
        f"{KEY_MAX} characters, bare or as a quoted string."
    ),
)


class AutoSchema(openapi.AutoSchema):
    """Documents, beside what a view declares, every error the site's shared layers can answer for it, and the
    Idempotency-Key header every POST accepts (core/idempotency.py)."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        return [*parameters, IDEMPOTENCY_KEY] if self.method == "POST" else parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self._shared_errors():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ERROR, description), code, None, direction
                )
        return responses

    def _shared_errors(self) -> Iterator[tuple[str, str]]:
        yield (
            "400",
            (
                "The input is not valid (field errors in `errors`), holds text that cannot be stored, or its "
                f"{HEADER} header is empty, too long or not printable ASCII."
            ),
        )
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
        if self.method == "POST":
            yield "409", f"A request with the same {HEADER} is still running; try again after Retry-After."
            yield "422", f"The {HEADER} was already used for a request with another method, address or body."
        if self.method in UNSAFE:
            yield "413", "The body is too large."
            yield "415", "The body is not JSON, a form or multipart form data."
        yield "414", "The query string is too long."
        yield "429", "Too many requests; try again later."
