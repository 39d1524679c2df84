"""What every API endpoint shares: pagination, error shape, JSON 404/500."""

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from core.forms import unknown_parameters
from core.ratelimit import RateLimited
from core.search import QUERY_ERRORS, QUERY_MAX

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _ListView = GenericAPIView[Any]
else:
    _ListView = object


# Every list is ordered by one unique whole number (an id, a sequence number, a tree size, a search key below 10**18),
# so a cursor is readable and its whole format fits in a pattern the schema states: `n` (the rows after) or `b` (the
# rows before) a key, and, only where keys could repeat, `+` and how many rows with that key to skip. Any string of
# this shape is a place in the list, at worst past its end, so the schema allows exactly what the server accepts.
CURSOR_PATTERN = r"^[nb][0-9]{0,18}(\+[0-9]{1,3})?$"
CURSOR_DESCRIPTION = (
    "Where the page starts: `n` (the rows after) or `b` (the rows before), then the sort key of the row it starts "
    "from, then optionally `+` and the number of rows with that key to skip. Take it from a page's `next` or "
    "`previous` link."
)


class CursorPagination(pagination.CursorPagination):
    """Newest first unless a view says otherwise; stable however fast the data grows.

    A page size or cursor that is not valid is a 400 naming it, not silently the default page or a 404.
    """

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200
    offset_cutoff = 999

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError({"page_size": [f"A whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        if not re.fullmatch(CURSOR_PATTERN, encoded):
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid: follow the next or previous link of a page."]}
            )
        position, _, offset = encoded[1:].partition("+")
        # One spelling of each key, a string as DRF's own decoder gives it (the stubs say int).
        key = str(int(position)) if position else None
        return pagination.Cursor(offset=int(offset or 0), reverse=encoded[0] == "b", position=key)  # type: ignore[arg-type]

    def encode_cursor(self, cursor: pagination.Cursor) -> str:
        offset = f"+{cursor.offset}" if cursor.offset else ""
        encoded = f"{'b' if cursor.reverse else 'n'}{cursor.position or ''}{offset}"
        return replace_query_param(self.base_url or "", self.cursor_query_param, encoded)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size}
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"] |= {"pattern": CURSOR_PATTERN}
                parameter["description"] = CURSOR_DESCRIPTION
        return parameters


class RankedCursorPagination(CursorPagination):
    """A search's best matches first (core.search.ranked): `search_key` is unique and exact, so the cursor is a
    plain keyset however many matches tie on rank."""

    ordering = "-search_key"


PAGER_PARAMETERS = ("cursor_query_param", "page_query_param", "page_size_query_param")


class KnownParameters(_ListView):
    """For a list view: a query parameter it does not read is a 400 naming it, so that a misspelt filter (`?topik=`)
    is not silently the whole list. `parameters` names the filters `get_queryset` reads; the pager's parameters and
    `format` are known to every list. (A mixin: generics.ListAPIView cannot be imported here, where the pagination
    it loads from the settings is defined.)"""

    parameters: tuple[str, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return
        # The class, not self.paginator: that would fix the pager before get_queryset may choose a ranked one.
        pager = [getattr(self.pagination_class, name, None) for name in PAGER_PARAMETERS]
        known = [*self.parameters, api_settings.URL_FORMAT_OVERRIDE, *filter(None, pager)]
        if problem := unknown_parameters(request.query_params, known):
            raise exceptions.ValidationError({"non_field_errors": [problem]})


def search_field() -> serializers.CharField:
    """The `q` of an API search: optional, and at most QUERY_MAX characters, with the same message everywhere."""
    return serializers.CharField(
        max_length=QUERY_MAX,
        required=False,
        default="",
        allow_blank=True,
        error_messages={"max_length": QUERY_ERRORS["max_length"]},
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is {"detail": a human message, "errors": {field: [messages]}}."""
    if isinstance(exc, RateLimited):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        body = {"detail": exc.messages[0], "errors": errors}
        return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _first_message(errors), "errors": errors}
    else:
        response.data = {"detail": str(response.data.get("detail", exc)), "errors": {}}
    return response


def _first_message(errors: dict[str, Any]) -> str:
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, dict):
            return _first_message(message)
        return str(message) if field == "non_field_errors" else f"{field}: {message}"
    return "The request was not valid."


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Something went wrong on our side. It has been logged.", "errors": {}}, status=500)
