"""Site-specific account behaviour; allauth's views stay as they are.

- Client addresses: allauth's own logic (`ALLAUTH_TRUSTED_PROXY_COUNT`, fed by the
  `TRUSTED_PROXY_COUNT` env), which never answers 500 for a short X-Forwarded-For.
- Failed logins and lock-outs are security events (`softsynced.security`), and a
  lock-out answers 429 with Retry-After (web and headless alike) instead of a form error.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import clean_client_ip
from allauth.core.internal.ratelimit import respond_429
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpRequest

from courseplatform.security import security_event

LOGIN_LOG_MAX_LENGTH = 254  # an e-mail address at most; longer input is cut, not logged whole


def attempted_login(credentials: dict[str, Any]) -> str | None:
    """The login (e-mail) someone tried, for the security log; never the password."""
    login = credentials.get("email") or credentials.get("username")
    return str(login)[:LOGIN_LOG_MAX_LENGTH] if login else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return True

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's client IP (it trusts X-Forwarded-For only with TRUSTED_PROXY_COUNT > 0).

        allauth raises ImproperlyConfigured, a 500, when X-Forwarded-For names
        fewer hops than the proxies trusted: the request did not come through
        all of them, so the peer that connected is the best address we have.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            ip = clean_client_ip(request.META.get("REMOTE_ADDR", ""))
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against ACCOUNT_RATE_LIMITS["login_failed"]; beyond it, 429.

        allauth reports a lock-out as a form error (200 on the web, 400 headless);
        the API contract (docs/api.md) is 429 with Retry-After, which
        RateLimitRetryAfterMiddleware adds.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event("login_locked_out", request=request, login=attempted_login(credentials))
            request.security_event_logged = True  # RateLimitRetryAfterMiddleware: not twice
            raise ImmediateHttpResponse(respond_429(request)) from None

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        security_event("login_failed", request=request, login=attempted_login(credentials))
