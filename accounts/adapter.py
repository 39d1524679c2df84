"""allauth, told who is asking and what a failed sign-in counts against."""

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from core.proxies import client_address

# The prefix one IPv6 subscriber usually holds; an address anywhere in it is one sender (allauth's own limits count
# IPv6 the same way, ALLAUTH_RATE_LIMIT_IPV6_PREFIX).
IPV6_SUBSCRIBER_PREFIX = 64


def sender(address: str) -> str:
    """An IPv4 address, or the /64 an IPv6 address belongs to, so rotating within one's own block gains nothing."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_SUBSCRIBER_PREFIX}", strict=False).network_address)
    return str(parsed)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-ins. Try again later, or sign in with a code sent to your email address."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address every other per-address limit counts: proxies are believed only if trusted."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The `key` of ACCOUNT_RATE_LIMITS["login_failed"]: an account *from one address*. Counted per account
        alone, five wrong passwords from anywhere would lock its owner out; counted per pair, a stranger only locks
        themselves out of that account, and the owner's own address still gets in. One address trying many
        accounts is stopped by the per-address rate."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{sender(client_address(request))}"
