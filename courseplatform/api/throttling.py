"""Per-student request rates for the API, counted in the `throttle` cache.

That cache is Redis when REDIS_URL is set, so every app server shares the
counters; without Redis it is a local cache of its own, so rate counters never
evict cached course content. Rates are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scopes
`api_read` and `api_write`), read on every request rather than at import as
DRF's own classes do, so a settings override (tests, an emergency change)
applies at once. A throttled request answers 429 with Retry-After.

While Redis is unreachable the cache answers every read as a miss
(courseplatform.cache), so a throttle finds no history and allows the request:
rate limits fail open, with a warning in the log, rather than failing the API.

Sign-up and login are allauth's views; ACCOUNT_RATE_LIMITS limits them (also
in the cache) and `courseplatform.api.middleware` adds their Retry-After.
"""

import math
from dataclasses import dataclass

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RateLimitReport:
    """Where a request left the student's counter for one policy (`courseplatform.api.ratelimit` sends it)."""

    policy: str  # the scope, e.g. api_write
    limit: int  # requests allowed per window
    window: int  # seconds
    remaining: int  # requests left in the window after this one
    reset: int  # seconds until the window has room again


class _StudentRateThrottle(SimpleRateThrottle):
    """Counts requests per signed-in student (per IP address for anonymous ones)."""

    writes: bool

    def __init__(self) -> None:
        self.cache = caches["throttle"]
        super().__init__()

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if (request.method not in SAFE_METHODS) != self.writes:
            return True
        return super().allow_request(request, view)

    def report(self) -> RateLimitReport | None:
        """This request's standing against the rate; None when this throttle did not count it."""
        history = getattr(self, "history", None)
        if history is None or not self.num_requests:
            return None
        remaining = max(0, self.num_requests - len(history))
        reset = self.duration - (self.now - history[-1]) if history else self.duration
        return RateLimitReport(policy=self.scope, limit=self.num_requests, window=self.duration,
                               remaining=remaining, reset=max(0, math.ceil(reset)))

    def get_cache_key(self, request, view) -> str:
        user = request.user
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ReadRateThrottle(_StudentRateThrottle):
    scope = "api_read"
    writes = False


class WriteRateThrottle(_StudentRateThrottle):
    scope = "api_write"
    writes = True
