"""`/api/v1/me/`: the student's own profile. Saving goes through `profile_update`,
the same service the web profile page uses; export and deletion go through
`account_export` and `account_delete`, as on `/profile/export/` and `/profile/delete/`."""

from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ProducerPath
from accounts.ratelimit import password_check_allowed
from accounts.services import (
    DEFINITION_OF_SUCCESS_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    account_delete,
    account_export,
    profile_update,
)
from courseplatform.api.errors import READ_ERRORS, RETRY_AFTER, error_responses
from courseplatform.api.fields import StrictCharField
from courseplatform.api.idempotency import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotent
from courseplatform.api.ratelimit import RateLimitHeadersMixin

PRODUCER_PATHS = ["", *ProducerPath.values]


@extend_schema_field({"type": "string", "enum": PRODUCER_PATHS})
class ProducerPathField(StrictCharField):
    """A producer path, or "" for not chosen yet; which values are allowed is the service's rule."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(help_text="The display name, or the start of the e-mail address.")
    display_name = serializers.CharField(allow_blank=True)
    definition_of_success = serializers.CharField(allow_blank=True)
    producer_path = ProducerPathField()
    producer_path_label = serializers.CharField(source="get_producer_path_display", allow_blank=True)
    reminders_opt_in = serializers.BooleanField()
    depth_points = serializers.IntegerField(help_text="The Depth points balance.")
    date_joined = serializers.DateTimeField()


class MeUpdateSerializer(serializers.Serializer):
    """The fields a student may change; anything else sent (points, e-mail, staff flags) is ignored."""

    display_name = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=f"At most {DISPLAY_NAME_MAX_LENGTH} characters; surrounding spaces are dropped.",
    )
    definition_of_success = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=f"At most {DEFINITION_OF_SUCCESS_MAX_LENGTH} characters; surrounding spaces are dropped.",
    )
    producer_path = ProducerPathField(required=False, help_text="One of the listed paths, or \"\" for not sure yet.")
    reminders_opt_in = serializers.BooleanField(
        required=False, help_text="E-mail me when a skills retake is due (about six months after rating)."
    )


class MeDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        trim_whitespace=False, write_only=True, help_text="The password you log in with, to confirm it is you.",
    )


def _end_this_session(request: Request) -> None:
    """Log out the session or mobile token that asked for the deletion.

    Every other session already names a user that no longer exists, so none
    of them authenticates again; this one is removed from the store too.
    """
    if isinstance(request.auth, SessionBase):  # X-Session-Token: DRF's `auth` is the token's session
        request.auth.delete()
    else:
        logout(request._request)


class MeView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="me_retrieve", tags=["me"], summary="My profile",
        responses={200: MeSerializer, **error_responses(*READ_ERRORS)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        operation_id="me_update", tags=["me"], summary="Change my profile",
        description="Send only the fields to change. Rules (lengths, allowed paths) are the web profile page's.",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, **error_responses(400, 401, 403, 409, 413, 415, 422, 429)},
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER],
    )
    @idempotent
    def patch(self, request: Request) -> Response:
        incoming = MeUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = profile_update(user=request.user, **incoming.validated_data)
        return Response(MeSerializer(user).data)

    @extend_schema(
        operation_id="me_destroy", tags=["me"], summary="Delete my account",
        description=(
            "Deletes the account and every personal row in it (profile, e-mail addresses, answers, snapshots, "
            "reflections, completions, ledger, progress, unlocks), after checking the password. The session "
            "token stops working at once (401). Nothing personal is kept. A wrong password is 400 naming "
            "`password`; staff accounts are refused (400) and closed by another administrator."
        ),
        request=MeDeleteSerializer,
        responses={204: OpenApiResponse(description="Deleted; this token no longer works."),
                   **error_responses(400, 401, 403, 413, 415, 429)},
        parameters=[RETRY_AFTER],
        examples=[OpenApiExample("Confirm with the password", value={"password": "my-long-password"},
                                 request_only=True)],
    )
    def delete(self, request: Request) -> Response:
        incoming = MeDeleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if not password_check_allowed(request):
            raise Throttled(wait=60)
        account_delete(user=request.user, password=incoming.validated_data["password"])
        _end_this_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    @extend_schema(
        operation_id="me_export", tags=["me"], summary="Download everything held about me",
        description=(
            "One JSON object: `export` (format, version, exported_at) and one key per kind of record — "
            "`profile`, `email_addresses`, `two_factor_authenticators`, `reading_progress`, `track_unlocks`, "
            "`warmup_answers`, `snapshots` (with ratings), `reflections`, `turn_completions`, "
            "`depth_points_ledger`, `reminders_sent`. The same file as the web's /profile/export/. "
            "New keys may be added within v1."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Everything held about me."),
                   **error_responses(*READ_ERRORS)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request) -> Response:
        return Response(account_export(user=request.user))
