"""Retry-After on allauth's 429 answers.

Sign-up and login (web and headless) are limited by allauth's own rate limits
(ACCOUNT_RATE_LIMITS, counted in the cache), but allauth answers 429 without
saying when to retry. This adds Retry-After: the longest window among the rates
that apply to the action, after which every counter has certainly moved on.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from courseplatform.security import security_event

# Which allauth rate-limit actions guard which endpoint (path suffix): headless
# (/_allauth/app/v1/...) and the web pages (/accounts/...).
ACTIONS_BY_PATH = {
    "/accounts/login": ("login", "login_failed"),
    "/accounts/signup": ("signup",),
    "/accounts/password/reset": ("reset_password",),
    "/accounts/password/change": ("change_password",),
    "/accounts/email": ("manage_email",),
    "/accounts/reauthenticate": ("reauthenticate",),
    "/accounts/2fa/authenticate": ("login_failed",),
    "/auth/login": ("login", "login_failed"),
    "/auth/signup": ("signup",),
    "/auth/password/request": ("reset_password",),
    "/auth/password/reset": ("reset_password_from_key",),
    "/auth/code/request": ("request_login_code",),
    "/auth/reauthenticate": ("reauthenticate",),
    "/account/password/change": ("change_password",),
    "/account/email": ("manage_email",),
    "/auth/email/verify": ("confirm_email",),
}
DEFAULT_RETRY_AFTER = 60


def retry_after_for(path: str) -> int:
    from allauth.core.internal.ratelimit import get_rates

    for suffix, actions in ACTIONS_BY_PATH.items():
        if path.rstrip("/").endswith(suffix):
            durations = [rate.duration for action in actions for rate in get_rates(app="allauth.account", action=action)]
            if durations:
                return max(1, int(max(durations)))
    return DEFAULT_RETRY_AFTER


class RateLimitRetryAfterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(retry_after_for(request.path))
            if not getattr(request, "security_event_logged", False):
                # A lock-out by allauth's own view-level limits (the account adapter logs its own).
                security_event("rate_limited", request=request, retry_after=int(response["Retry-After"]))
        return response
