"""Which endpoint URLs we will POST to: HTTPS on a public address, so a subscription cannot make this server reach
its own network (SSRF). Checked when an endpoint is subscribed and again at every attempt, and the connection goes to
the address that was checked (webhooks.sending), so a name that resolves elsewhere a second later gains nothing.

`WEBHOOK_ALLOW_PRIVATE_ADDRESSES` (on with DEBUG, and in tests) lets http://localhost and 127.0.0.1 through, for a
receiver on a developer's machine; nothing else is ever allowed over plain HTTP.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}

NOT_HTTPS = "The endpoint must be an https:// URL."
NO_HOST = "The URL has no host name."
CREDENTIALS = "Leave user names and passwords out of the URL; verify our signature instead."
UNRESOLVED = "The host {host} does not resolve. Check the name, or try again when its DNS answers."
PRIVATE = "The host {host} resolves to {address}, a private, loopback or reserved address; we only call public ones."


def check_url(url: str) -> None:
    """Refuse a URL we would not call, with the reason; resolving its name is the only network access."""
    resolve(url)


def resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address) of a URL we may call, the address being the first the host resolves to;
    ValidationError otherwise."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(NO_HOST, code="no_host")
    if parts.username or parts.password:
        raise ValidationError(CREDENTIALS, code="credentials")
    local_allowed = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and host in LOCAL_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and local_allowed):
        raise ValidationError(NOT_HTTPS, code="not_https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise ValidationError(UNRESOLVED.format(host=host), code="unresolved") from None
    addresses = [str(info[4][0]) for info in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        # Every address, not just the first: a name with one public and one private address is refused.
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise ValidationError(PRIVATE.format(host=host, address=address), code="private_address")
    return parts.scheme, host, port, addresses[0]
