"""Middleware for the JSON endpoints: ours under /api/ and allauth headless under /_allauth/.

- `JSONBodyGuardMiddleware` refuses, before any view parses it, a JSON body
  that is too big (413) or nested too deep (400).
- `RateLimitRetryAfterMiddleware` adds Retry-After to allauth's 429 answers (and logs them).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from courseplatform.api.errors import error_body
from courseplatform.api.jsonguard import MAX_DEPTH, nesting_depth_exceeds
from courseplatform.security import security_event

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADLESS_PREFIX = "/_allauth/"


def _is_json(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type == "application/json" or content_type.endswith("+json")


def json_refusal(request: HttpRequest, *, status: int, code: str, message: str) -> JsonResponse:
    """A refusal in the shape the client of that path reads: allauth's for /_allauth/, the API's elsewhere."""
    if request.path.startswith(HEADLESS_PREFIX):
        return JsonResponse({"status": status, "errors": [{"code": code, "message": message}]}, status=status)
    return JsonResponse(error_body(status=status, code=code, message=message), status=status)


class JSONBodyGuardMiddleware:
    """Refuse oversized or deeply nested JSON bodies before any view reads them.

    DRF's JSONParser reads the request stream itself, past Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (which only `request.body` and forms enforce),
    so a 20 MB JSON body was parsed and stored. Reading `request.body` here
    applies the same cap as the forms have (413 `too_large`); the parsers then
    read the buffered copy. Python's json parser recurses per level of
    nesting, so a body nested ~1,000 deep raised RecursionError (a 500), in
    allauth's anonymous login and sign-up too; it is refused (400 `too_deep`)
    after a scan that does not recurse.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS and _is_json(request):
            refusal = self.check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> HttpResponse | None:
        try:
            body = request.body
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return json_refusal(request, status=413, code="too_large", message=_(
                "The request body is larger than %(limit)d bytes; send less."
            ) % {"limit": limit})
        if nesting_depth_exceeds(body, MAX_DEPTH):
            return json_refusal(request, status=400, code="too_deep", message=_(
                "The JSON body nests arrays and objects more than %(limit)d deep."
            ) % {"limit": MAX_DEPTH})
        try:
            body.decode(request.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            return json_refusal(request, status=400, code="parse_error", message=_("The JSON body is not valid UTF-8."))
        return None


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
    """allauth limits sign-up and login (ACCOUNT_RATE_LIMITS) but answers 429 without saying when to retry.

    This adds Retry-After: the longest window among the rates that apply to the
    action, after which every counter has certainly moved on.
    """

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
