from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse


def readable_from_any_site(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public, credential-free files a client on another site may read (a browser verifying the record): any origin,
    never with cookies, so nothing private can leak through it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
