"""The Redis cache, optional at run time: when Redis is down, every call is a miss.

Redis holds what can be rebuilt: cached content, students' cached answers and
rate-limit counters (sessions are in the database only). So an outage must
cost speed, not answers. Django's RedisCache raises on a lost connection, and
every cache user would answer 500. `ResilientRedisCache` catches Redis connection errors and timeouts in
one place, logs a warning (at most once per `WARN_EVERY` seconds per process),
and behaves as an empty cache: reads miss, writes are dropped, `delete`
reports nothing deleted, and `add` reports success (callers use it as a lock,
which must not block everyone). Consequences, by design:

- content caches miss and are rebuilt per request;
- rate limits (DRF throttles, allauth's limits) read no history, so they
  allow the request: they fail open, with the warning in the log.

redis-py reconnects on the next call, so recovery needs no restart.

One connection pool per process and Redis address: Django's backend builds
its pools per cache object, and cache objects are per thread, so a threaded
server would open pools per thread. The pools here are shared by the process
(redis-py's pool is thread-safe and resets itself in a forked child). So is
the `redis.Redis` object over each pool: Django builds a new one on every
cache call, which costs more than a quick command to a local Redis. The client
holds no connection of its own (each command borrows one from the pool), so
threads can share it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("courseplatform.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY = 30.0  # seconds between two warnings about the same outage, per process

_pools: dict[tuple[int, str, str], Any] = {}
_pools_lock = threading.Lock()
_clients: dict[tuple[int, int, type], Any] = {}
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY:
        _last_warning = now
        logger.warning(
            "Redis unavailable (%s during cache %s): serving from the database, caches miss, "
            "rate limits are not enforced until it is back.", error.__class__.__name__, operation,
        )


class SharedPoolRedisCacheClient(RedisCacheClient):
    """Django's Redis client with its connection pools, and a client object per pool, shared by the process."""

    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (os.getpid(), self._servers[index], repr(sorted(self._pool_options.items(), key=str)))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        """The process's one client over the pool for `write`, made on first use."""
        pool = self._get_connection_pool(write)
        # The pools live as long as the process, so the id of one is never reused.
        client_key = (os.getpid(), id(pool), self._client)
        client = _clients.get(client_key)
        if client is None:
            with _pools_lock:
                client = _clients.setdefault(client_key, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """CACHES backend: Django's RedisCache, answering as an empty cache while Redis is unreachable.

    A write or delete that could not reach Redis leaves Redis holding an older
    value (a session since logged out, say) if Redis was only cut off, not
    restarted. Such keys are remembered (per process, up to `FORGET_LIMIT`) and
    deleted as soon as Redis answers again, so the database stays the truth.
    """

    FORGET_LIMIT = 10_000

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
        self._to_forget: set[tuple[str, int | None]] = set()
        self._forget_lock = threading.Lock()

    def _call(self, operation: str, default: Any, call, *, stale: list[tuple[str, int | None]] = ()) -> Any:
        try:
            result = call()
        except UNAVAILABLE as error:
            _warn(operation, error)
            if stale:
                with self._forget_lock:
                    self._to_forget.update(stale[: max(0, self.FORGET_LIMIT - len(self._to_forget))])
            return default
        if self._to_forget:
            self._forget_stale()
        return result

    def _forget_stale(self) -> None:
        with self._forget_lock:
            keys, self._to_forget = self._to_forget, set()
        try:
            for key, version in keys:
                super().delete(key, version=version)
        except UNAVAILABLE:
            with self._forget_lock:
                self._to_forget |= keys

    def get(self, key, default=None, version=None):
        return self._call("get", default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._call("has_key", False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
                          stale=[(key, version)])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), lambda: super(ResilientRedisCache, self).set_many(
            data, timeout, version), stale=[(key, version) for key in data])

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Reported as added: `add` is how cache users take a lock (allauth's rate limits
        # do), and a lock no one can hold would refuse every login: fail open instead.
        return self._call("add", True, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
                          stale=[(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version))

    def delete(self, key, version=None):
        return self._call("delete", False, lambda: super(ResilientRedisCache, self).delete(key, version),
                          stale=[(key, version)])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", None, lambda: super(ResilientRedisCache, self).delete_many(keys, version),
                          stale=[(key, version) for key in keys])

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        result = self._call("incr", missing, lambda: super(ResilientRedisCache, self).incr(key, delta, version))
        return missing() if result is missing else result

    def clear(self):
        return self._call("clear", False, lambda: super(ResilientRedisCache, self).clear())


class SharedDiskCache(DjangoCache):
    """diskcache's Django backend, keeping its SQLite connections from one request to the next.

    Django closes every cache at the end of each request; diskcache's close()
    drops its connections, and reopening them (with their PRAGMAs) cost more
    than the read itself. The connections are per process and thread, and
    diskcache opens new ones in a forked child, so keeping them is safe.
    """

    def close(self, **kwargs) -> None:
        pass
