"""A fixed-window rate limit in the cache, for anything a person can do too often.

While Redis is away the counts are kept in each process's memory (core/cache.py): a limit still refuses, per
process, so the whole site allows at most the limit times the number of its processes until Redis answers again.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.cache import RedisCache, count_in_window
from core.proxies import client_address


def over_limit(*, action: str, who: str, limit: int, per_seconds: int) -> bool:
    """Count one attempt of `action` by `who`; True when it goes past `limit` in the window."""
    return _count_attempts([f"ratelimit:{action}:{who}"], per_seconds=per_seconds)[0] > limit


def _count_attempts(keys: list[str], *, per_seconds: int) -> list[int]:
    """One more attempt on each key, in a fixed window that starts at the key's first attempt; the counts so far."""
    backend = caches["default"]  # the backend itself, which the `cache` proxy hides from isinstance
    if isinstance(backend, RedisCache):
        return backend.count_in_windows(keys, seconds=per_seconds)  # one round trip for all of them
    return [count_in_window(backend, key, seconds=per_seconds) for key in keys]


EXPORT_LIMIT_MESSAGE = "You have downloaded many exports in the last hour. Please try again later."


def too_many_exports(request: HttpRequest) -> bool:
    """Exports are the costliest reads: a few per hour per person (or address, when signed out)."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{client_address(request)}"
    return over_limit(action="export", who=who, limit=settings.CONSULTATION_EXPORTS_PER_HOUR, per_seconds=3600)


SEARCH_LIMIT_MESSAGE = "You have searched many times in the last minute. Please wait a minute and try again."


def too_many_searches(request: HttpRequest) -> bool:
    """A site-wide search runs four ranked searches: signed-out callers, by address, get a few a minute, as the
    API's throttle counts them; signed-in people are known and are not limited."""
    if request.user.is_authenticated:
        return False
    who = f"ip:{client_address(request)}"
    return over_limit(action="search", who=who, limit=settings.SEARCHES_PER_MINUTE_ANONYMOUS, per_seconds=60)


class RateLimited(ValidationError):
    """Someone did something too often. Forms show it like any refusal; the API answers it with 429."""

    def __init__(self, message: str, *, field: str | None = None, retry_after: int):
        super().__init__({field: message} if field else message)
        self.retry_after = retry_after


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().casefold()


def counts_per_domain(domain: str) -> bool:
    """Webmail domains are shared by millions of unrelated people: counting them together would refuse strangers
    for each other, so only the per-account and per-address limits apply to them."""
    return bool(domain) and domain not in settings.RATE_LIMIT_SHARED_EMAIL_DOMAINS


def refuse_when_over(
    *, action: str, limits: list[tuple[str, str, int]], per_seconds: int, message: str, field: str | None = None
) -> None:
    """Count one attempt of `action` against each (kind, who, limit) in `limits` (say, the account, the address
    and the email domain), and raise RateLimited naming the first limit passed. Every limit counts the attempt,
    so an address cannot slip past by spreading its attempts over many accounts."""
    counts = _count_attempts([f"ratelimit:{action}:{kind}:{who}" for kind, who, _ in limits], per_seconds=per_seconds)
    passed = [kind for (kind, _, limit), count in zip(limits, counts, strict=True) if count > limit]
    if passed:
        raise RateLimited(message.format(by=LIMIT_WORDS[passed[0]]), field=field, retry_after=per_seconds)


LIMIT_WORDS = {"account": "from your account", "ip": "from your network address", "domain": "from your email domain"}
