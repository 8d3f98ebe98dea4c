"""RateLimit headers (IETF draft-ietf-httpapi-ratelimit-headers, structured fields) on API answers.

Every throttled answer says how much room the student has left before a 429:

    RateLimit-Policy: "api_write";q=120;w=60
    RateLimit: "api_write";r=119;t=60

`q` requests per `w` seconds; `r` remaining, `t` seconds until the window has
room again. The numbers come from the throttles (`courseplatform.api.throttling`,
their `report()`); this module only turns them into headers.
"""

from __future__ import annotations

from .throttling import RateLimitReport

POLICY_HEADER = "RateLimit-Policy"
LIMIT_HEADER = "RateLimit"


def headers_for(report: RateLimitReport) -> dict[str, str]:
    return {
        POLICY_HEADER: f'"{report.policy}";q={report.limit};w={report.window}',
        LIMIT_HEADER: f'"{report.policy}";r={report.remaining};t={report.reset}',
    }


class RateLimitHeadersMixin:
    """For API views: keep the throttles that ran, and send their report as headers."""

    def get_throttles(self):
        if getattr(self, "_throttles_used", None) is None:
            self._throttles_used = super().get_throttles()
        return self._throttles_used

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        reports = [
            report for throttle in getattr(self, "_throttles_used", None) or []
            if (report := getattr(throttle, "report", lambda: None)()) is not None
        ]
        if reports:
            tightest = min(reports, key=lambda r: (r.remaining, -r.reset))
            for name, value in headers_for(tightest).items():
                response[name] = value
        return response

