"""Refusing hostile requests before any view sees them: oversized bodies and text no database can store."""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import get_resolver

# PostgreSQL cannot store NUL in text and a lone surrogate cannot be encoded as UTF-8; no browser sends either.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "This contains a NUL byte or an invalid character. Remove it and try again."
# Gunicorn refuses request lines over 4 KB; this holds behind any other server, and in tests.
MAX_QUERY_STRING = 8192
TITLES = {
    400: "This request could not be understood",
    413: "This request is too large",
    414: "This address is too long",
    409: "This is still being sent",
}


def refusal(request: HttpRequest, status: int, message: str, *, field: str | None = None) -> HttpResponse:
    """A refusal in the shape the client reads: the API's JSON error, or a plain page. Nothing was changed."""
    if request.path.startswith("/api/"):
        if field:
            return JsonResponse({"detail": f"{field}: {message}", "errors": {field: [message]}}, status=status)
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    if field:
        message = f"The field “{field}”: {message}"
    # Rendered without the request: this runs before sessions and authentication exist.
    page = render_to_string("400.html", {"title": TITLES[status], "message": message})
    return HttpResponse(page, status=status)


def too_large_message() -> str:
    mb = settings.APPEAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return (
        f"The request is too large. Attachments may be at most {mb} MB each, {settings.APPEAL_ATTACHMENTS_MAX} in all."
    )


def largest_body(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return settings.REQUEST_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RefuseHostileInputMiddleware:
    """One place that cleans what every view receives, so no form, filter or lookup has to remember to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, 400, "The Content-Length header is not a number.")
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return refusal(request, 414, "The address is too long. Shorten the search and try again.")
        # Judged from the header, before a byte of the body is read or spooled to disk.
        if length > largest_body(request):
            return refusal(request, 413, too_large_message())
        if UNSTORABLE.search(request.path_info):
            return refusal(request, 400, f"The address is not valid. {UNSTORABLE_MESSAGE}")
        try:
            field = unstorable_field(request)
        except RequestDataTooBig:
            return refusal(request, 413, too_large_message())
        except (TooManyFieldsSent, TooManyFilesSent):
            return refusal(request, 400, "The form has too many fields or files.")
        except (MultiPartParserError, BadRequest):
            return refusal(request, 400, "The form data could not be read. Please try again.")
        if field is not None:
            return refusal(request, 400, UNSTORABLE_MESSAGE, field=field)
        return self.get_response(request)


def unstorable_field(request: HttpRequest) -> str | None:
    """The name of the first query or form field holding unstorable text, or None."""
    fields: list[tuple[str, list[str]]] = list(request.GET.lists())
    if request.method == "POST":
        fields += request.POST.lists()
        fields += [(name, [f.name or "" for f in files]) for name, files in request.FILES.lists()]
    for name, values in fields:
        if UNSTORABLE.search(name):
            return "non_field_errors"
        if any(UNSTORABLE.search(value) for value in values):
            return name
    return None


def _own_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    # handler404 takes the exception too; the stubs type every handler as taking the request alone.
    return get_resolver().resolve_error_handler(404)(request, exception)  # type: ignore[call-arg]


class OwnNotFoundPageMiddleware:
    """With DEBUG on, a 404 still shows the site's own page: what a developer clicks through is what a visitor sees."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched: Django has already answered with its technical page, before any view ran.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return _own_404(request, Http404(request.path))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return _own_404(request, exception)
        return None
