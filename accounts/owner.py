"""Which student last signed in on this browser: a signed cookie that outlives the session.

When a session ends while a student is writing, their next save arrives
signed out. The text is kept for them across the login page
(`assessments.views.keeps_unsaved_text`), but only if the person who then logs
in is the one who wrote it: on a shared computer the next student must never
see it. The cookie holds only the student's id, signed; an explicit logout
removes it, an expired session does not.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

COOKIE = "softsynced_owner"
SALT = "softsynced.unsaved-text-owner"
MAX_AGE = 60 * 60 * 24 * 30


def last_student_id(request: HttpRequest) -> int | None:
    value = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE)
    return int(value) if value and value.isdigit() else None


@receiver(user_logged_out)
def _forget_on_logout(sender, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None:
        request._owner_logged_out = True


class OwnerCookieMiddleware:
    """Sets the cookie on a signed-in student's pages (a browser's session); removes it when they log out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_owner_logged_out", False):
            response.delete_cookie(COOKIE, samesite="Lax")
            return response
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response  # not a browser's login (the app's X-Session-Token): no text to keep across a login page
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and last_student_id(request) != user.pk:
            response.set_signed_cookie(
                COOKIE, str(user.pk), salt=SALT, max_age=MAX_AGE, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
