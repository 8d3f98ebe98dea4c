"""Per-student request rates for the API: one counter per student, scope and window.

Fixed windows. A rate of `n/minute` splits time into minutes counted from the
epoch (`int(now // 60)`); each request adds one to the counter for its scope
(`api_read` or `api_write`), its student (per IP address when anonymous) and
its window, and is refused once that counter passes `n`. The counter is one
atomic increment that also gives the key an expiry of about one window, so no
history is read or rewritten and two app servers (or two workers) counting at
once never lose a request. A new window starts a new counter at zero; the old
one expires by itself. A 429 says Retry-After: the seconds until the window ends.
The price of fixed windows: a student can send up to `2n` requests around a
window's edge (the end of one, the start of the next), and app servers whose
clocks disagree by a second may place a request near the edge in different windows.

The counters are in the `throttle` cache. With REDIS_URL that is Redis
(`courseplatform.cache.ResilientRedisCache`), shared by every app server, and
the increment is INCR with EXPIRE NX in one pipeline: one round trip (EXPIRE NX
needs Redis 7). Without Redis it is a local cache of its own, per process, so
rate counters never evict cached course content; there `add` then `incr` is
atomic within the process.

Rates are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "<n>/<second|minute|hour|day>"),
read on every request rather than at import as DRF's own classes do, so a
settings override (tests, an emergency change) applies at once.

While Redis is unreachable nothing can be counted: the request is allowed and
a warning logged (at most every `courseplatform.cache.WARN_EVERY` seconds).
Rate limits fail open rather than failing the API, and count again as soon
as Redis answers.

Sign-up and login are allauth's views; ACCOUNT_RATE_LIMITS limits them (also
in the cache) and `courseplatform.api.middleware` adds their Retry-After.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from courseplatform.cache import UNAVAILABLE, _warn

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A counter outlives its window by this much, so a server whose clock runs a
# little behind still finds it until the window ends by that server's clock.
EXPIRY_MARGIN = 5  # seconds
LOCAL_ATTEMPTS = 3  # add + incr, again if the counter was evicted in between


@dataclass(frozen=True)
class RateLimitReport:
    """Where a request left the student's counter for one policy (`courseplatform.api.ratelimit` sends it)."""

    policy: str  # the scope, e.g. api_write
    limit: int  # requests allowed per window
    window: int  # seconds
    remaining: int  # requests left in the window after this one
    reset: int  # seconds until the window ends and the count starts again


def parse_rate(rate: str) -> tuple[int, int]:
    """`"120/minute"` → (120, 60): requests allowed, and the window in seconds."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


def count_request(cache: BaseCache, key: str, *, timeout: int) -> int | None:
    """Add one to the counter `key` (made at zero, expiring after `timeout` seconds); its new value.

    None when it could not be counted (Redis unreachable): the caller allows the request.
    """
    if isinstance(cache, RedisCache):
        return _count_in_redis(cache, key, timeout=timeout)
    return _count_in_local_cache(cache, key, timeout=timeout)


def _count_in_redis(cache: RedisCache, key: str, *, timeout: int) -> int | None:
    full_key = cache.make_and_validate_key(key)
    try:
        pipe = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)  # only the first request of the window sets it
        count, _ = pipe.execute()
    except UNAVAILABLE as error:
        _warn("throttle count", error)
        return None
    return count


def _count_in_local_cache(cache: BaseCache, key: str, *, timeout: int) -> int | None:
    for _ in range(LOCAL_ATTEMPTS):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:  # evicted (or cleared) between the two: make it again
            continue
    return None


class _StudentRateThrottle(BaseThrottle):
    """Counts requests per signed-in student (per IP address for anonymous ones) in fixed windows."""

    scope: str
    writes: bool
    timer = time.time

    def __init__(self) -> None:
        self.count: int | None = None  # this request's number in its window, once counted

    def allow_request(self, request, view) -> bool:
        if (request.method not in SAFE_METHODS) != self.writes:
            return True
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is None:
            return True
        self.limit, self.duration = parse_rate(rate)
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = f"{self.scope}:{self.ident(request)}:{window}"
        self.count = count_request(caches["throttle"], key, timeout=self.duration + EXPIRY_MARGIN)
        return self.count is None or self.count <= self.limit

    def ident(self, request) -> str:
        user = request.user
        return f"user-{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)

    def seconds_to_window_end(self) -> int:
        return max(1, math.ceil(self.duration - self.now % self.duration))

    def wait(self) -> int:
        """Seconds until the window ends: Retry-After on the 429."""
        return self.seconds_to_window_end()

    def report(self) -> RateLimitReport | None:
        """This request's standing against the rate; None when this throttle did not count it."""
        if self.count is None:
            return None
        return RateLimitReport(policy=self.scope, limit=self.limit, window=self.duration,
                               remaining=max(0, self.limit - self.count), reset=self.seconds_to_window_end())


class ReadRateThrottle(_StudentRateThrottle):
    scope = "api_read"
    writes = False


class WriteRateThrottle(_StudentRateThrottle):
    scope = "api_write"
    writes = True
