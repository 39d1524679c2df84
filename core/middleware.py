"""With DEBUG on, a 404 still shows the site's own page: what a developer clicks through is what a visitor sees."""

from django.conf import settings
from django.http import Http404
from django.urls import get_resolver


def _own_404(request, exception):
    return get_resolver().resolve_error_handler(404)(request, exception)


class OwnNotFoundPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No URL matched: Django has already answered with its technical page, before any view ran.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return _own_404(request, Http404(request.path))
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return _own_404(request, exception)
        return None
