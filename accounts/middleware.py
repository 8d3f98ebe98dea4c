"""Account rules that hold on every request, whichever view answers it.

- `AuthenticationMiddleware`: Django's, with the user read together with the
  session in one query (`accounts.sessions`).
- `StaffIdleTimeoutMiddleware`: a staff web session idle longer than
  `STAFF_IDLE_TIMEOUT` is logged out; students keep their long sessions.
- `StaffRequireMFAMiddleware`: with `STAFF_REQUIRE_MFA`, a staff member without an
  authenticator app (TOTP) is sent to set one up before the admin opens.
- `EmailChangeGuardMiddleware`: e-mail address changes (allauth's web page and its
  headless endpoint) are all-or-nothing, and an address becomes primary only once
  it is confirmed and no other account uses it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from courseplatform.security import security_event

from .sessions import session_user

Handler = Callable[[HttpRequest], HttpResponse]

LAST_SEEN_KEY = "_staff_last_seen"
# Writing the time on every request would save the session on every request;
# to the nearest minute is precise enough for a 30-minute timeout.
LAST_SEEN_RESOLUTION = 60


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """`request.user`, from the user row loaded with the session when there is one."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def user():
            if not hasattr(request, "_cached_user"):
                request._cached_user = session_user(request)
            return request._cached_user

        request.user = SimpleLazyObject(user)


def _is_admin_path(path: str) -> bool:
    return path.startswith(reverse("admin:index"))


class StaffIdleTimeoutMiddleware:
    """Log a staff web session out after `settings.STAFF_IDLE_TIMEOUT` without a request.

    A staff session can change every lesson and every account, so one left open
    on a shared computer must not stay usable; students are not affected.
    Mobile session tokens (X-Session-Token) are authenticated by the API views,
    not here: they are student sessions.
    """

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        timeout: timedelta | None = getattr(settings, "STAFF_IDLE_TIMEOUT", None)
        if timeout and user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > timeout.total_seconds():
                security_event("staff_session_idle_timeout", request=request, user_id=user.pk,
                               idle_seconds=now - last_seen)
                logout(request)
                messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                              % {"minutes": int(timeout.total_seconds() // 60)})
                login_url = resolve_url(settings.LOGIN_URL)
                return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
            if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class StaffRequireMFAMiddleware:
    """With `settings.STAFF_REQUIRE_MFA`, the admin opens only for staff with TOTP set up.

    allauth.mfa then asks for the code at every login, so a stolen staff password
    alone no longer opens the admin.
    """

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            getattr(settings, "STAFF_REQUIRE_MFA", False)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and _is_admin_path(request.path)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(request, _("Staff accounts need two-factor authentication: set up an authenticator "
                                        "app before you open the admin."))
            setup = reverse("mfa_activate_totp")
            return HttpResponseRedirect(f"{setup}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        return self.get_response(request)


HEADLESS_EMAIL_PATH = re.compile(r"^/_allauth/[^/]+/v1/account/email/?$")


class EmailChangeGuardMiddleware:
    """E-mail address changes are atomic and never make someone else's address primary.

    allauth lets an account without any confirmed address make an unconfirmed
    one primary, which copies it into `User.email` (unique). Two students
    doing so with the same address, or one taking an address another account
    signed up with, ended in an IntegrityError (500) with the address rows
    already half-changed. Here, on allauth's web page and headless endpoint:

    - "make primary" is refused, naming the `email` field, unless the address
      is confirmed and no other account has it as its login;
    - the whole request runs in one transaction, so a clash that still happens
      (a race) rolls everything back and is answered as the same refusal.
    """

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        headless = bool(HEADLESS_EMAIL_PATH.match(request.path))
        web = request.path == reverse("account_email")
        if request.method in ("GET", "HEAD", "OPTIONS") or not (headless or web):
            return self.get_response(request)
        user = self._user(request, headless=headless)
        if user is None:
            return self.get_response(request)

        target = self._primary_target(request, headless=headless)
        if target is not None:
            problem = self._primary_problem(user, target)
            if problem:
                return self._refuse(request, problem, headless=headless)
        request.email_change_guarded = {"headless": headless}
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A clash raised inside allauth's view: roll the whole change back and refuse it."""
        guarded = getattr(request, "email_change_guarded", None)
        if guarded is None or not isinstance(exception, IntegrityError):
            return None
        transaction.set_rollback(True)
        return self._refuse(request, _("This address is in use by another account, so it cannot be your "
                                       "login address. Nothing was changed."), headless=guarded["headless"])

    @staticmethod
    def _user(request: HttpRequest, *, headless: bool):
        """Who is asking: the session's user, or for the app the X-Session-Token's (allauth checks it in the view)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        token = request.headers.get("X-Session-Token") if headless else None
        if token:
            found = authenticate_by_x_session_token(token)
            if found:
                return found[0]
        return None

    @staticmethod
    def _primary_target(request: HttpRequest, *, headless: bool) -> str | None:
        """The address this request wants to make primary, if that is what it asks."""
        if headless:
            if request.method != "PATCH":
                return None
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                return None  # allauth answers malformed input itself
            if not isinstance(body, dict) or not body.get("primary") or not isinstance(body.get("email"), str):
                return None
            return body["email"]
        if "action_primary" in request.POST and request.POST.get("email"):
            return request.POST["email"]
        return None

    @staticmethod
    def _primary_problem(user, email: str) -> str | None:
        address = EmailAddress.objects.filter(user=user, email__iexact=email.strip()).first()
        if address is None:
            return None  # not one of theirs: allauth answers that itself
        if not address.verified:
            return _("Confirm %(email)s first (we sent you a link), then make it your primary address.") % {
                "email": address.email}
        taken = get_user_model().objects.filter(email__iexact=address.email).exclude(pk=user.pk).exists()
        if taken:
            return _("This address is in use by another account, so it cannot be your login address. "
                     "Nothing was changed.")
        return None

    @staticmethod
    def _refuse(request: HttpRequest, message: str, *, headless: bool) -> HttpResponse:
        if headless:
            # allauth headless's own error shape, naming the field.
            return JsonResponse({"status": 400, "errors": [{"message": message, "code": "invalid", "param": "email"}]},
                                status=400)
        get_adapter(request).add_message(request, messages.ERROR, message=message)
        return HttpResponseRedirect(reverse("account_email"))
