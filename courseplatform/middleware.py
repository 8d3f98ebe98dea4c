"""Site-wide middleware for the web pages (the API's is in courseplatform.api.middleware)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from courseplatform.api.jsonguard import CONTROL_CHARACTERS

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormControlCharacterMiddleware:
    """Refuse a form post whose values hold a NUL byte or another control character (400, naming the field).

    No form of ours wants control characters other than tab, newline and
    carriage return, and PostgreSQL cannot store NUL in text at all: a NUL in
    the warm-up form reached the database and answered 500. Checked here once
    for every form, before any view; uploaded files are not inspected.
    The API (JSON) has the same rule in its parser.

    Views whose services check text themselves (and answer beside the field,
    keeping what the student wrote) are marked with `service_checks_text` and
    skipped here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "service_checks_text", False):
            return None
        if request.method == "POST" and request.content_type in FORM_TYPES and not request.path.startswith("/api/"):
            field = self.offending_field(request)
            if field is not None:
                return self.refusal(request, field)
        return None

    @staticmethod
    def offending_field(request: HttpRequest) -> str | None:
        for name, values in request.POST.lists():
            if CONTROL_CHARACTERS.search(name):
                return name
            if any(CONTROL_CHARACTERS.search(value) for value in values):
                return name
        return None

    @staticmethod
    def refusal(request: HttpRequest, field: str) -> HttpResponse:
        message = _("The field “%(field)s” contains a control character (such as a NUL byte). "
                    "Remove it and send the form again.") % {"field": CONTROL_CHARACTERS.sub("?", field)}
        html = render_to_string("400.html", {"message": message, "field": field}, request=request)
        return HttpResponse(html, status=400)


def service_checks_text(view):
    """Mark a view whose service refuses control characters itself, in words beside the field."""
    view.service_checks_text = True
    return view


# Paths whose answers are always per client: the API and allauth headless.
PRIVATE_PREFIXES = ("/api/", "/_allauth/")
SHAREABLE = frozenset({"public", "max-age", "s-maxage"})


def content_security_policy() -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in settings.CONTENT_SECURITY_POLICY.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, and no shared caching of anyone's own pages.

    A small middleware rather than django-csp: the policy is one fixed header
    (no inline script is left to need a nonce: every script is a static file,
    the API docs' init script included), so a dependency would add nothing.

    - `Content-Security-Policy` (settings.CONTENT_SECURITY_POLICY): scripts only
      from this site, never inline; the browser tests fail on a violation.
    - `Permissions-Policy` (settings.PERMISSIONS_POLICY): no camera, microphone,
      location and the like for any page.
    - `Cache-Control: private, no-store` on every API and allauth headless answer
      and on every page a signed-in person gets: no proxy or shared cache keeps
      a copy, and the browser does not keep one on disk after logout.
    - `Vary: Cookie, X-Session-Token`: a response depends on who asks, by either way of asking.

    Static files are answered by WhiteNoise before this runs, and keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        patch_vary_headers(response, ("Cookie", "X-Session-Token"))
        user = getattr(request, "user", None)
        if request.path.startswith(PRIVATE_PREFIXES) or (user is not None and user.is_authenticated):
            # Whatever a view said about caching, an answer for one person is kept by no one else.
            kept = [part.strip() for part in response.headers.get("Cache-Control", "").split(",")
                    if part.strip() and part.split("=")[0].strip().lower() not in SHAREABLE]
            response.headers["Cache-Control"] = ", ".join(kept)
            patch_cache_control(response, private=True, no_store=True)
        return response
