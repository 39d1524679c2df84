from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to (`next`), if it is a path on this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/"):  # redirect() would take anything else for a view name and fail to reverse it
        return fallback
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback
