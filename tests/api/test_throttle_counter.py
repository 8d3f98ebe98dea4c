"""The rate counter: one atomic increment that gives a new key its expiry, in Redis and in a local cache.

The Redis tests use a private redis-server on a free port (skipped when redis-server is not installed).
"""

from __future__ import annotations

import logging
import threading

import pytest
import redis as redis_py
from django.core.cache.backends.locmem import LocMemCache

from courseplatform import cache as resilient
from courseplatform.api.throttling import count_request, parse_rate
from courseplatform.cache import ResilientRedisCache
from tests.servers import RedisServer, resilient_cache


@pytest.fixture
def redis(private_redis):
    return private_redis


def a_cache(server: RedisServer) -> ResilientRedisCache:
    return resilient_cache(server, "t:rate")


def a_local_cache() -> LocMemCache:
    return LocMemCache("throttle-counter-test", {"OPTIONS": {"MAX_ENTRIES": 100}})


@pytest.mark.parametrize(("rate", "expected"), [("120/minute", (120, 60)), ("5/s", (5, 1)),
                                                 ("10/hour", (10, 3600)), ("1000/day", (1000, 86400))])
def test_a_rate_is_requests_per_window_in_seconds(rate, expected):
    assert parse_rate(rate) == expected


def test_in_redis_the_counter_counts_under_the_cache_prefix_and_expires_after_its_first_request(redis):
    cache = a_cache(redis)

    counts = [count_request(cache, "api_write:user-1:7", timeout=65) for _ in range(3)]

    raw = redis_py.Redis.from_url(redis.url)
    assert counts == [1, 2, 3]
    assert raw.get("t:rate:1:api_write:user-1:7") == b"3"
    assert 60 < raw.ttl("t:rate:1:api_write:user-1:7") <= 65


def test_in_redis_a_later_request_does_not_push_the_expiry_back(redis):
    cache = a_cache(redis)
    raw = redis_py.Redis.from_url(redis.url)
    count_request(cache, "k", timeout=100)
    raw.expire("t:rate:1:k", 10)  # as if 90 seconds had passed

    count_request(cache, "k", timeout=100)

    assert raw.ttl("t:rate:1:k") <= 10


def test_in_redis_concurrent_requests_are_each_counted_once(redis):
    cache = a_cache(redis)
    counts: list[int] = []

    def send(n: int) -> None:
        for _ in range(n):
            counts.append(count_request(cache, "busy", timeout=60))

    threads = [threading.Thread(target=send, args=(50,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == list(range(1, 401))


def test_with_redis_unreachable_nothing_is_counted_and_a_warning_is_logged(redis, caplog, monkeypatch):
    monkeypatch.setattr(resilient, "_last_warning", -1e9)
    cache = a_cache(redis)
    redis.stop()

    with caplog.at_level(logging.WARNING, logger="courseplatform.cache"):
        count = count_request(cache, "k", timeout=60)

    assert count is None  # the throttle allows the request
    assert "Redis unavailable" in caplog.text


def test_in_a_local_cache_the_counter_counts_and_expires():
    cache = a_local_cache()

    counts = [count_request(cache, "k", timeout=60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert cache._expire_info[cache.make_and_validate_key("k")] is not None


def test_in_a_local_cache_a_counter_evicted_between_add_and_incr_is_made_again(monkeypatch):
    cache = a_local_cache()
    add = cache.add
    evictions = iter([True])

    def add_then_evict(key, value, timeout):
        added = add(key, value, timeout)
        if next(evictions, False):
            cache.delete(key)
        return added

    monkeypatch.setattr(cache, "add", add_then_evict)

    assert count_request(cache, "k", timeout=60) == 1
