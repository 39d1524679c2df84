"""Django's Redis cache, failing open while Redis is away, with one redis-py client per connection pool instead of a
new one for every operation.

Redis is the flash-crowd layer, never the record: when it does not answer (refused, or silent past
CACHE_TIMEOUT_SECONDS), an operation falls back to the backend named by the cache's WHILE_UNREACHABLE (a per-process
LocMemCache for the default cache, so rate limits, throttles and queue markers are still counted, per process; by
default a DummyCache, so the page cache misses and every page is rendered). The process then leaves Redis alone for
RETRY_SECONDS before asking again, so requests do not each wait for it, and it logs the outage once when it starts,
once every LOG_EVERY_SECONDS while it lasts and once when Redis answers again. docs/explanations/failure-modes.md.

Django's `RedisCacheClient.get_client` builds a `redis.Redis` for each cache call (Django 5.2, and its main branch
still), and redis-py's constructor fills a case-insensitive table of about 170 response callbacks each time
(redis/redis-py#3624, open with redis 8.1): about 0.13 ms of CPU per call, a dozen calls per comment posted and
several per cached page served. django-redis keeps its clients, but it is a whole other backend with its own options
and ways of storing values, for what is a few lines here. A client holds no connection of its own (each command
borrows one from the pool and gives it back), so one client per pool is as safe to share as the pool itself.
"""

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
LOG_EVERY_SECONDS = 60
# The fallback's room: enough counters for every address of a large attack, still bounded (LocMemCache culls).
FALLBACK_MAX_ENTRIES = 100_000


class Outage:
    """Whether this process found Redis away lately; shared by every thread and cache alias on the same server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None
        self._retry_at = 0.0
        self._logged_at = 0.0

    def skipping(self) -> bool:
        return time.monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._retry_at = now + RETRY_SECONDS
            first = self._since is None
            self._since = self._since if self._since is not None else now
            tell = first or now - self._logged_at >= LOG_EVERY_SECONDS
            if tell:
                self._logged_at = now
            lasted = now - self._since
        if tell:
            logger.warning(
                "The cache (Redis) does not answer%s: pages are rendered uncached, and rate limits, throttles and "
                "queue markers are counted in each process's memory until it does (asking again every %ss)",
                "" if first else f" for {lasted:.0f}s now",
                RETRY_SECONDS,
                exc_info=error,
            )

    def answered(self) -> None:
        if self._since is None:  # the usual case, without the lock
            return
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            logger.warning("The cache (Redis) answers again, after %.0fs away", time.monotonic() - since)


_outages: dict[str, Outage] = {}
_must_reach_redis: ContextVar[bool] = ContextVar("must_reach_redis", default=False)


@contextmanager
def reaching_redis() -> Iterator[None]:
    """Writes that must reach Redis or raise: no fallback, and no skipping while this process thinks Redis is away
    (another process may still serve what the write retires)."""
    token = _must_reach_redis.set(True)
    try:
        yield
    finally:
        _must_reach_redis.reset(token)


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}
        self._pid = os.getpid()

    def get_client(self, key: str | bytes | memoryview | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # private, missing from the stubs
        if self._pid != os.getpid():
            # Never a client from before a fork (Celery's prefork pool forks after the app has run): redis-py makes
            # a pool safe in the child, where it drops the parent's connections, and promises nothing of a client.
            self._clients, self._pid = {}, os.getpid()
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # as above
        return self._clients[pool]


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        fallback = params.get("WHILE_UNREACHABLE", "django.core.cache.backends.dummy.DummyCache")
        options = {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        # A LocMemCache of that name is one store for every thread of the process.
        self._fallback: BaseCache = import_string(fallback)(f"unreachable:{server}", options)
        self._outage = _outages.setdefault(server, Outage())

    def _either(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        """The operation on Redis, or on the fallback while Redis is away."""
        if _must_reach_redis.get():
            return getattr(super(), operation)(*args, **kwargs)
        if not self._outage.skipping():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except RedisError as error:
                self._outage.failed(error)
            else:
                self._outage.answered()
                return result
        return getattr(self._fallback, operation)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._either("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._either("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._either("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._either("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._either("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        found: dict[Any, Any] = self._either("get_many", keys, version)
        return found

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._either("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        count: int = self._either("incr", key, delta, version)
        return count

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        failed: list[Any] = self._either("set_many", data, timeout, version)
        return failed

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._either("delete_many", keys, version)

    def clear(self) -> None:
        self._either("clear")

    def count_in_windows(self, keys: list[str], *, seconds: int) -> list[int]:
        """Add one to each counter and return the counts, in one round trip. A counter missing (or expired) starts
        a new window of `seconds` at this attempt. MULTI/EXEC, so a counter cannot expire between the start of its
        window and the count, which would then have no expiry at all. While Redis is away, counted in the fallback."""
        if not self._outage.skipping():
            try:
                counts: list[int] = self._count_in_redis(keys, seconds=seconds)
            except RedisError as error:
                self._outage.failed(error)
            else:
                self._outage.answered()
                return counts
        return [count_in_window(self._fallback, key, seconds=seconds) for key in keys]

    def _count_in_redis(self, keys: list[str], *, seconds: int) -> list[int]:
        pipeline = self._cache.get_client(write=True).pipeline(transaction=True)
        for key in keys:
            key = self.make_and_validate_key(key)
            pipeline.set(key, 0, ex=seconds, nx=True)
            pipeline.incr(key)
        counts: list[int] = pipeline.execute()[1::2]
        return counts


def count_in_window(cache: BaseCache, key: str, *, seconds: int) -> int:
    """One more attempt on `key` in any cache, in a fixed window that starts at its first attempt; the count so far."""
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


# A token bucket in one round trip, on Redis's clock so every host sees the same time: `rate` tokens a second, at
# most `burst` saved up. Answers the seconds to wait for the next token: 0 when one was taken.
BUCKET_SCRIPT = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local elapsed = math.max(0, now - (tonumber(state[2]) or now))
tokens = math.min(burst, tokens + elapsed * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


def take_token(cache: BaseCache, key: str, *, rate: float, burst: float) -> float:
    """One token from the bucket `key` shared by every host through Redis: 0 when taken, else the seconds until the
    next one. Without Redis, or while it is away, always 0: the bucket is global or nothing, and the caller's own
    per-host limit still holds."""
    if not isinstance(cache, RedisCache) or cache._outage.skipping():
        return 0.0
    try:
        client = cache._cache.get_client(write=True)
        wait = client.eval(BUCKET_SCRIPT, 1, cache.make_and_validate_key(key), rate, burst)
    except RedisError as error:
        cache._outage.failed(error)
        return 0.0
    cache._outage.answered()
    return float(wait)
