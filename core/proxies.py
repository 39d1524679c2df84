"""Who sent a request, believing `X-Forwarded-For` and `X-Forwarded-Proto` only from the proxies this site runs.

A header is only as good as whoever wrote it. The peer (REMOTE_ADDR, the one address nobody can forge over TCP) is
the client unless it is one of TRUSTED_PROXIES; then the client is the address that proxy saw, the right-most entry
of X-Forwarded-For, and so on leftwards while the address reached is itself a trusted proxy. Whatever a client
writes into the header lies to the left of the first untrusted address and is never read.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks: `10.0.0.5` is the one address, `10.0.0.0/24` all of them."""
    try:
        return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}. List addresses or CIDRs, comma-separated.") from error


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen by a dual-stack socket: the rules are written for the IPv4 address.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted_proxy(address: str) -> bool:
    parsed = _address(address)
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address every per-address limit counts: the peer, or the right-most address a trusted proxy saw that is
    not itself a trusted proxy. A malformed hop ends the walk at the last address a trusted proxy vouched for."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed(hops):
        if not is_trusted_proxy(address):
            break
        parsed = _address(hop)
        if parsed is None:
            break
        address = str(parsed)
    return address


def forwarded_https(request: HttpRequest) -> bool:
    """Whether a trusted proxy says the client's connection was TLS. The right-most value is the one the nearest
    proxy wrote; nginx as configured in deploy/nginx.conf replaces the header, so there is only one."""
    if not is_trusted_proxy(str(request.META.get("REMOTE_ADDR", ""))):
        return False
    values = str(request.META.get("HTTP_X_FORWARDED_PROTO", "")).split(",")
    return values[-1].strip().lower() == "https"


class TrustedProxyMiddleware:
    """Django's SECURE_PROXY_SSL_HEADER believes the header from anyone who can reach the app; this believes it only
    from a trusted proxy, and marks the request as https the way a TLS-serving WSGI server would, so that
    `is_secure()`, `build_absolute_uri()`, the https redirect, secure cookies and CSRF's referer check all agree.
    First in MIDDLEWARE, before SecurityMiddleware decides whether to redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if forwarded_https(request):
            request.META["wsgi.url_scheme"] = "https"  # META is the WSGI environ, which request.scheme reads
        return self.get_response(request)
