"""The Redis cache backend: a miss, not an error, while Redis is unreachable; one pool and one client per process.

Uses a private redis-server on a free port (skipped when redis-server is not installed).
"""

from __future__ import annotations

import logging
import threading

import pytest
import redis as redis_py
from redis.exceptions import ConnectionError as RedisConnectionError

from courseplatform import cache as resilient
from courseplatform.cache import ResilientRedisCache
from tests.servers import RedisServer, resilient_cache


@pytest.fixture
def redis(private_redis):
    return private_redis


def a_cache(server: RedisServer) -> ResilientRedisCache:
    return resilient_cache(server, "t")


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    monkeypatch.setattr(resilient, "_last_warning", -1e9)


def test_with_redis_down_reads_miss_writes_are_dropped_and_one_warning_is_logged(redis, caplog):
    cache = a_cache(redis)
    cache.set("lesson", "cached html")
    redis.stop()

    with caplog.at_level(logging.WARNING, logger="courseplatform.cache"):
        assert cache.get("lesson") is None
        assert cache.get("lesson", "fallback") == "fallback"
        assert cache.get_many(["lesson", "other"]) == {}
        assert cache.get_or_set("computed", lambda: 42) == 42
        cache.set("lesson", "new html")
        assert cache.add("lock", True) is True  # a lock nobody could take would refuse everyone
        assert cache.delete("lesson") is False
        assert not cache.has_key("lesson")
        with pytest.raises(ValueError):
            cache.incr("counter")

    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # rate-limited, not one per call


def test_it_recovers_without_a_restart_when_redis_is_back(redis):
    cache = a_cache(redis)
    cache.set("before", 1)
    redis.stop()
    assert cache.get("before") is None

    assert redis.start()
    cache.set("after", 2)

    assert cache.get("after") == 2


def test_a_delete_that_could_not_reach_redis_is_done_once_it_answers_again(redis, monkeypatch):
    """A logout while Redis was cut off (not restarted) must not leave the old session in it."""
    cache = a_cache(redis)
    cache.set("session", {"user": 1})
    client_class = resilient.SharedPoolRedisCacheClient
    real = client_class.get_client

    def unreachable(self, key=None, *, write=False):
        raise RedisConnectionError("cut off")

    monkeypatch.setattr(client_class, "get_client", unreachable)
    cache.delete("session")
    cache.set("profile", "edited")  # an edit Redis never saw: its old copy must go too
    monkeypatch.setattr(client_class, "get_client", real)

    assert cache.get("anything") is None  # the first call that reaches Redis again
    assert cache.get("session") is None
    assert cache.get("profile") is None


def test_every_thread_of_a_process_shares_one_connection_pool(redis):
    """Django's backend opens a pool per cache object, and there is one cache object per thread."""

    def use_a_cache_in_a_thread():
        a_cache(redis).set("k", "v")

    for _ in range(6):
        thread = threading.Thread(target=use_a_cache_in_a_thread)
        thread.start()
        thread.join()

    clients = redis_py.Redis.from_url(redis.url).client_list()
    assert len(clients) == 2  # the shared pool's one connection, and this inspecting client


def test_every_cache_call_of_a_process_uses_one_client_object(redis):
    """Django builds a `redis.Redis` per cache call; it holds no connection of its own, so one is kept."""
    clients = []

    def take_a_client():
        clients.append(a_cache(redis)._cache.get_client("k", write=True))

    threads = [threading.Thread(target=take_a_client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    take_a_client()

    assert len({id(client) for client in clients}) == 1
    assert clients[0].ping()
