"""The one JSON shape of every API error, and the exception handler that makes it.

Every 4xx the API answers looks like this::

    {"error": {"status": 400, "code": "invalid",
               "message": "ratings.technical: Rate technical with a whole number from 1 to 10.",
               "fields": {"ratings.technical": ["Rate technical with a whole number from 1 to 10."]}}}

`fields` is present only when particular fields are wrong. Nested fields are
joined with dots; positions in a list count from 1 (`answers.2.text`), as the
services name them. Some codes carry one more key: `track_locked` has `track`.

The handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns into this shape DRF's
exceptions, Django's `ValidationError` raised by services (its message_dict
keys become field names), `Http404`, `PermissionDenied` and every
`courseplatform.errors.DomainError` an app raises (e.g. `TrackLocked`), which
supplies its own status, code, message and extra keys: the plumbing imports no app.
Unknown paths under /api/ get it from `not_found` (the last URL pattern).
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from courseplatform.errors import DomainError

NON_FIELD = "non_field_errors"


def error_body(*, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None,
               **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail (dicts and lists) as {"a.b.1.c": [messages]}."""
    out: dict[str, list[str]] = {}

    def merge(more: dict[str, list[str]]) -> None:
        for name, problems in more.items():
            out.setdefault(name, []).extend(problems)

    if isinstance(detail, dict):
        for key, value in detail.items():
            # ListField reports children by a 0-based int; the API counts from 1 like the services.
            name = str(key + 1) if isinstance(key, int) else str(key)
            if name in (api_settings.NON_FIELD_ERRORS_KEY, "__all__"):
                path = prefix or NON_FIELD  # a nested object's own error belongs to the object
            else:
                path = f"{prefix}.{name}" if prefix else name
            merge(flatten_errors(value, path))
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            if detail:
                merge({prefix or NON_FIELD: [str(item) for item in detail]})
        else:
            for index, item in enumerate(detail, start=1):
                if item:
                    merge(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        merge({prefix or NON_FIELD: [str(detail)]})
    return out


def _first_message(fields: dict[str, list[str]]) -> str:
    if not fields:
        return _("Invalid input.")
    name, problems = next(iter(fields.items()))
    return problems[0] if name == NON_FIELD else f"{name}: {problems[0]}"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every handled error in the one shape."""
    if isinstance(exc, DomainError):
        user = getattr(context.get("request"), "user", None)
        data = error_body(status=exc.status, code=exc.code, message=exc.message_for(user), **exc.extra_for(user))
        return Response(data, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError naming fields ("ratings.technical").
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: let Django answer 500 and log it

    assert isinstance(exc, exceptions.APIException)
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        data = error_body(status=status, code="invalid", message=_first_message(fields), fields=fields)
    else:
        code = exc.get_codes()
        data = error_body(status=status, code=code if isinstance(code, str) else exc.default_code,
                          message=str(exc.detail))
    response.data = data
    return response


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names no endpoint: a JSON 404, never an HTML page."""
    return JsonResponse(error_body(status=404, code="not_found", message=_("No API endpoint at this path.")),
                        status=404)


# --- OpenAPI ----------------------------------------------------------------------

# The general shape (`Error`, `ErrorDetail`) stays in the schema for older clients: courseplatform.api.schema.


class LockedTrackSerializer(serializers.Serializer):
    """What `track_locked` says about the course: what it takes to open it."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    unlock_threshold = serializers.IntegerField(help_text="Depth points that unlock it.")
    points_needed = serializers.IntegerField(help_text="Depth points I still need.")


# Which codes each status answers with; `track_locked` only where a locked course can be met.
# Each list is named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (Error400CodeEnum, ...).
ERROR_400_CODES = ["invalid", "parse_error", "too_deep"]
ERROR_401_CODES = ["not_authenticated", "authentication_failed"]
ERROR_403_CODES = ["permission_denied"]
ERROR_403_LOCKED_CODES = ["permission_denied", "track_locked"]
ERROR_404_CODES = ["not_found"]
ERROR_409_CODES = ["idempotency_in_progress"]
ERROR_413_CODES = ["too_large"]
ERROR_415_CODES = ["unsupported_media_type"]
ERROR_422_CODES = ["idempotency_key_reused"]
ERROR_429_CODES = ["throttled"]
CODES_BY_STATUS = {
    400: ERROR_400_CODES, 401: ERROR_401_CODES, 403: ERROR_403_CODES, 404: ERROR_404_CODES,
    409: ERROR_409_CODES, 413: ERROR_413_CODES, 415: ERROR_415_CODES, 422: ERROR_422_CODES, 429: ERROR_429_CODES,
}


@functools.cache
def typed_error_serializer(status: int, locked: bool = False) -> type[serializers.Serializer]:
    """The error shape for one status, its `code` an enum of what that status can say.

    Named Error<status> (Error403Locked where `track_locked` and its typed `track` can come),
    so generated clients get one class per case. Call it through `error_responses`.
    """
    codes = ERROR_403_LOCKED_CODES if locked else CODES_BY_STATUS[status]
    name = f"Error{status}{'Locked' if locked else ''}"

    code_field = extend_schema_field({"type": "string", "enum": codes})(
        type(f"{name}CodeField", (serializers.CharField,), {})
    )
    fields: dict[str, Any] = {
        "status": extend_schema_field({"type": "integer", "minimum": status, "maximum": status})(
            type(f"{name}StatusField", (serializers.IntegerField,), {})
        )(help_text="The HTTP status, repeated."),
        "code": code_field(help_text="Machine-readable: " + ", ".join(codes) + "."),
        "message": serializers.CharField(help_text="A sentence a person can read."),
    }
    # Both stay on every status (v1.0 documented them so); each says when it comes.
    fields["fields"] = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Only with code invalid: field name (dotted, list positions from 1) → problems.",
    )
    fields["track"] = LockedTrackSerializer(required=False, help_text="Only with code track_locked.")
    detail = type(f"{name}DetailSerializer", (serializers.Serializer,), fields)
    return type(f"{name}Serializer", (serializers.Serializer,), {"error": detail()})


ERROR_DESCRIPTIONS = {
    400: "The request is malformed or a field is wrong; `fields` names each problem (a control character "
         "or a number sent as text included). `too_deep`: JSON nested more than 32 deep.",
    401: "No valid session: send X-Session-Token (from the headless login) or a session cookie.",
    403: "Not allowed: a locked Extension Course (`track_locked`), or a missing CSRF token with cookie auth.",
    404: "No such object among your own data, no such page, or no endpoint at this path.",
    409: "A request with this Idempotency-Key is still running; retry after Retry-After seconds.",
    413: "`too_large`: the body is larger than 2.5 MB.",
    415: "The body must be JSON (Content-Type: application/json).",
    422: "This Idempotency-Key was already used with a different method, path or body.",
    429: "Too many requests; retry after Retry-After seconds.",
}


def error_responses(*statuses: int, locked: bool = False) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error statuses, each in the one error shape with its own codes.

    `locked`: the operation reads a lesson, so a 403 can be `track_locked` (with `track`).
    """
    return {
        status: OpenApiResponse(typed_error_serializer(status, locked and status == 403),
                                description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, response=[409, 429],
    description="Seconds to wait before retrying.",
)


READ_ERRORS = (401, 429)
WRITE_ERRORS = (400, 401, 403, 409, 413, 415, 422, 429)
