import pytest
from django.core.cache import cache

from core.ratelimit import RateLimited, over_limit, refuse_when_over
from tests.real_services import require_redis_cache
from tests.workers import wait_for

MESSAGE = "Too many {by}."


@pytest.fixture(autouse=True, params=["locmem", pytest.param("redis", marks=pytest.mark.services)])
def counted_in(request, settings):
    """Redis counts every limit of an attempt in one round trip, other caches one limit at a time: both count alike."""
    if request.param == "redis":
        require_redis_cache()
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def attempt(account="ada", ip="203.0.113.5", domain="campaign.example", per_seconds=60) -> str:
    """Refused with which message, or "" when allowed."""
    limits = [("account", account, 3), ("ip", ip, 4), ("domain", domain, 5)]
    try:
        refuse_when_over(action="comment", limits=limits, per_seconds=per_seconds, message=MESSAGE, field="body")
    except RateLimited as refusal:
        assert refusal.retry_after == per_seconds
        return refusal.message_dict["body"][0]
    return ""


def test_the_limit_allows_up_to_the_count_then_refuses():
    results = [over_limit(action="test", who="ada", limit=3, per_seconds=60) for _ in range(4)]
    assert results == [False, False, False, True]


def test_each_person_has_their_own_count():
    for _ in range(3):
        over_limit(action="test", who="ada", limit=3, per_seconds=60)
    assert not over_limit(action="test", who="bob", limit=3, per_seconds=60)


def test_an_account_is_refused_after_its_limit_naming_the_account():
    assert [attempt() for _ in range(4)] == ["", "", "", "Too many from your account."]


def test_an_address_is_refused_across_accounts_naming_the_address():
    assert [attempt(account=name, domain=name) for name in "abcd"] == [""] * 4
    assert attempt(account="e", domain="e") == "Too many from your network address."
    assert attempt(account="e", domain="e", ip="198.51.100.7") == ""


def test_a_domain_is_refused_across_accounts_and_addresses_naming_the_domain():
    assert [attempt(account=name, ip=name) for name in "abcde"] == [""] * 5
    assert attempt(account="f", ip="f") == "Too many from your email domain."


def test_a_refused_attempt_still_counts_for_every_limit_and_the_first_passed_is_named():
    for _ in range(4):
        attempt()  # the fourth is refused by the account, and counted for the address and the domain as well
    assert attempt(account="bob") == "Too many from your network address."
    assert attempt(account="carol") == "Too many from your network address."  # and the domain's limit, named second
    assert attempt(account="dave", ip="198.51.100.7") == "Too many from your email domain."


def test_a_refused_account_may_try_again_once_the_window_has_passed():
    assert [attempt(per_seconds=1) for _ in range(4)][-1] == "Too many from your account."
    # The window is the cache's expiry, on Redis's own clock: wait for it rather than for a fixed time.
    wait_for(lambda: cache.get("ratelimit:comment:account:ada") is None, timeout=10, interval=0.05)
    assert attempt(per_seconds=1) == ""
