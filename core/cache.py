"""Django's Redis cache, with one redis-py client per connection pool instead of a new one for every operation.

Django's `RedisCacheClient.get_client` builds a `redis.Redis` for each cache call (Django 5.2, and its main branch
still), and redis-py's constructor fills a case-insensitive table of about 170 response callbacks each time
(redis/redis-py#3624, open with redis 8.1): about 0.13 ms of CPU per call, a dozen calls per comment posted and
several per cached page served. django-redis keeps its clients, but it is a whole other backend with its own options
and ways of storing values, for what is a few lines here. A client holds no connection of its own (each command
borrows one from the pool and gives it back), so one client per pool is as safe to share as the pool itself.
"""

import os
from typing import Any

from django.core.cache.backends import redis


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

    def count_in_windows(self, keys: list[str], *, seconds: int) -> list[int]:
        """Add one to each counter and return the counts, in one round trip. A counter missing (or expired) starts
        a new window of `seconds` at this attempt. MULTI/EXEC, so a counter cannot expire between the start of its
        window and the count, which would then have no expiry at all."""
        pipeline = self._cache.get_client(write=True).pipeline(transaction=True)
        for key in keys:
            key = self.make_and_validate_key(key)
            pipeline.set(key, 0, ex=seconds, nx=True)
            pipeline.incr(key)
        counts: list[int] = pipeline.execute()[1::2]
        return counts
