"""core.cache: Django's Redis cache, building one redis-py client per pool rather than one per operation."""

import os

import pytest
from django.core.cache import cache, caches

from tests.real_services import require_redis_cache

pytestmark = pytest.mark.services


@pytest.fixture(autouse=True)
def redis_cache():
    require_redis_cache()


def test_values_are_kept_across_operations():
    cache.set("greeting", {"text": "hello"}, timeout=60)
    assert not cache.add("greeting", "replaced", timeout=60)
    assert cache.add("visits", 1, timeout=60)
    assert cache.incr("visits") == 2
    cache.set_many({"a": 1, "b": [2]}, timeout=60)
    assert cache.get_many(["greeting", "visits", "a", "b", "missing"]) == {
        "greeting": {"text": "hello"},
        "visits": 2,
        "a": 1,
        "b": [2],
    }
    cache.delete("greeting")
    assert cache.get("greeting", "gone") == "gone"


def test_operations_share_one_client_instead_of_building_one_each():
    backend = caches["default"]._cache
    first = backend.get_client(write=True)
    cache.set("key", 1)
    cache.get("key")
    assert backend.get_client() is first and backend.get_client(write=True) is first


def test_a_forked_process_uses_its_own_client():
    cache.set("before-fork", "parent")
    parent_client = caches["default"]._cache.get_client()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child answers through the pipe and leaves without running pytest's teardown
        try:
            own = caches["default"]._cache.get_client() is not parent_client
            os.write(write, f"{own} {cache.get('before-fork')}".encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 100).decode()
    os.waitpid(child, 0)
    assert answer == "True parent"
