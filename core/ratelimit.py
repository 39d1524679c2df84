"""A fixed-window rate limit in the cache, for anything a person can do too often."""

from django.conf import settings
from django.core.cache import cache


def over_limit(*, action: str, who: str, limit: int, per_seconds: int) -> bool:
    """Count one attempt of `action` by `who`; True when it goes past `limit` in the window."""
    key = f"ratelimit:{action}:{who}"
    if cache.add(key, 1, timeout=per_seconds):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=per_seconds)
        return limit < 1


EXPORT_LIMIT_MESSAGE = "You have downloaded many exports in the last hour. Please try again later."


def too_many_exports(request) -> bool:
    """Exports are the costliest reads: a few per hour per person (or address, when signed out)."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{request.META.get('REMOTE_ADDR', '')}"
    return over_limit(action="export", who=who, limit=settings.CONSULTATION_EXPORTS_PER_HOUR, per_seconds=3600)
