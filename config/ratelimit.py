"""A fixed-window rate limit in the cache, for anything a person can do too often."""

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
