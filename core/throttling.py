"""DRF's throttles, counting a caller who is not signed in by the same address as every other limit.

A module of its own: DRF reads DEFAULT_THROTTLE_CLASSES while rest_framework.views is imported, which core.api
itself imports.
"""

from rest_framework import throttling
from rest_framework.request import Request

from core.proxies import client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """One bucket per organization API key (the `api_key` rate), whatever address it calls from; requests without a
    key are left to the other throttles."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        key = getattr(request.user, "api_key", None)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}
