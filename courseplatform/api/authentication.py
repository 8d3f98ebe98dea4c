"""How the API knows who is asking: allauth's session token, or the browser's session."""

from allauth.headless import app_settings
from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.permissions import SAFE_METHODS

from accounts.sessions import lesson_asked, session_user


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's `X-Session-Token` authentication, answering 401 rather than 403.

    DRF turns "not authenticated" into 403 unless the first authentication class
    names a WWW-Authenticate challenge. A mobile client must tell "log in again"
    (401: no token, or a token that logout has ended) from "not allowed" (403).
    """

    def authenticate(self, request):
        """allauth's lookup, with the user read together with the session (accounts.sessions)."""
        token = self.get_session_token(request)
        if not token:
            return None
        # A view whose cached answer keys on the student's version of its lesson (`keys_on_lesson`):
        # that number is read with the session, for a read.
        context = request.parser_context or {}
        slug = (context.get("kwargs") or {}).get("slug")
        if not (getattr(context.get("view"), "keys_on_lesson", False) and request.method in SAFE_METHODS
                and isinstance(slug, str)):
            slug = None
        with lesson_asked(slug):
            session = app_settings.TOKEN_STRATEGY.lookup_session(token)
        if not session:
            return None
        holder = HttpRequest()
        holder.session = session
        user = session_user(holder)
        return (user, session) if user.is_authenticated else None

    def authenticate_header(self, request) -> str:
        return 'X-Session-Token realm="api"'


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme for `SessionTokenAuthentication`."""

    target_class = "courseplatform.api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": (
                "The session token from allauth headless: POST /_allauth/app/v1/auth/login (or /auth/signup) "
                "answers meta.session_token. DELETE /_allauth/app/v1/auth/session ends it at once."
            ),
        }
