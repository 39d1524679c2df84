from core.ratelimit import over_limit


def test_the_limit_allows_up_to_the_count_then_refuses():
    results = [over_limit(action="test", who="ada", limit=3, per_seconds=60) for _ in range(4)]
    assert results == [False, False, False, True]


def test_each_person_has_their_own_count():
    for _ in range(3):
        over_limit(action="test", who="ada", limit=3, per_seconds=60)
    assert not over_limit(action="test", who="bob", limit=3, per_seconds=60)
