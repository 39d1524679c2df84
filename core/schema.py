"""What the OpenAPI schema says beyond what DRF declares: errors in their one shape and which 4xx each operation can
answer, and every limit the server holds text to, so that a client (or a fuzzer) that keeps to the schema is never
refused for the shape of its input, and one that does not always is."""

from collections.abc import Iterator
from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

from core.idempotency import HEADER, KEY_MAX, REPLAYED
from core.ids import MAX_ID_DIGITS

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text="A human message."),
        "errors": serializers.DictField(help_text="Messages by field name; empty when the error is not a field's."),
    },
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# NUL, which no database can store, refused in every input by core/middleware.py and core/parsers.py (UNSTORABLE; a
# lone surrogate, refused too, cannot be sent in UTF-8 at all, and validators reject a pattern naming one). The
# patterns are ECMA-262 as JSON Schema wants, and read the same by Python's re (schemathesis, tests).
STORABLE_CHAR = r"[^\u0000]"
STORABLE = f"^{STORABLE_CHAR}*$"
# What Python's str.strip() removes, which DRF does before it calls a field blank: more than a JSON Schema `\s`.
PYTHON_SPACE = r"\t-\r\u001c- \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SLUG = r"^[-a-zA-Z0-9_]+$"  # DRF's SlugField
NOT_BLANK = rf"^{STORABLE_CHAR}*[^\u0000{PYTHON_SPACE}]{STORABLE_CHAR}*$"


def text(max_length: int, **schema: Any) -> dict[str, Any]:
    """The schema of a text query or path parameter the server holds to `max_length` characters."""
    return {"type": "string", "maxLength": max_length, "pattern": STORABLE, **schema}


def slug_text(model: Any) -> dict[str, Any]:
    """The schema of a filter by the slug of `model`, no longer than the slug may be."""
    return text(model._meta.get_field("slug").max_length)


def whole_number(minimum: int = 1, **schema: Any) -> dict[str, Any]:
    """The schema of an id or a size: ASCII digits, at most core.ids.MAX_ID_DIGITS of them."""
    return {"type": "integer", "minimum": minimum, "maximum": 10**MAX_ID_DIGITS - 1, **schema}


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

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        """An input field says what the server refuses: NUL, and blank (after DRF's trimming) unless allowed, a slug
        that is not one, an empty list where one is required."""
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if isinstance(field, serializers.ListField) and not field.allow_empty:
            return schema | {"minItems": max(schema.get("minItems", 0), 1)}
        if isinstance(field, serializers.SlugField) and not field.allow_unicode:
            return schema | {"pattern": SLUG}
        if not isinstance(field, serializers.CharField) or schema.get("type") != "string":
            return schema
        if {"enum", "format", "pattern"} & schema.keys():
            return schema
        if field.allow_blank:
            return schema | {"pattern": STORABLE}
        if field.trim_whitespace:
            return schema | {"minLength": max(schema.get("minLength", 0), 1), "pattern": NOT_BLANK}
        return schema | {"minLength": max(schema.get("minLength", 0), 1), "pattern": STORABLE}

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


def refuse_unstorable_parameters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A schema postprocessing hook: every text parameter (query, path or header) that states no pattern of its own
    refuses NUL, as the middleware does before any view runs; so do the names and text values of the fields a body
    may carry beside its own, which the views ignore but the middleware reads too."""
    bodies = set()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
                    schema["pattern"] = STORABLE
            for content in operation.get("requestBody", {}).get("content", {}).values():
                bodies.add(content["schema"].get("$ref", "").rpartition("/")[2])
    for name in bodies & result.get("components", {}).get("schemas", {}).keys():
        component = result["components"]["schemas"][name]
        component.setdefault("propertyNames", {"pattern": STORABLE})
        component.setdefault("additionalProperties", {"not": {"type": "string", "pattern": r"\u0000"}})
    return result
