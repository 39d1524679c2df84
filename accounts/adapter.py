"""allauth, told who is asking and what a failed sign-in counts against."""

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
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
        return f"{self._account_key(request, **credentials)}:{sender(client_address(request))}"

    def _account_key(self, request: HttpRequest, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Besides allauth's per-address and per-pair counts, a loose cap on one account's failures from everywhere
        (ACCOUNT_RATE_LIMITS["login_failed_account"]): high enough that a stranger cannot reach it with one address
        (held to 5 in 5 minutes), it bounds a guessing network spread over many. Its owner still signs in with a code
        sent to their email address, which no failed password counts against. A success rolls back both counts."""
        super().pre_authenticate(request, **credentials)
        account = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=self._account_key(request, **credentials)
        )
        if not account:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage.usage += account.usage

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """A password reset proves the owner holds the mailbox: their account's failures count from zero again."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request, app="allauth.account", action="login_failed_account", key=self._account_key(request, **credentials)
        )
