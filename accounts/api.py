"""`/api/v1/me/`: the student's own profile. Saving goes through `profile_update`,
the same service the web profile page uses."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ProducerPath
from accounts.services import DEFINITION_OF_SUCCESS_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH, profile_update
from courseplatform.api.errors import READ_ERRORS, RETRY_AFTER, error_responses
from courseplatform.api.idempotency import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotent
from courseplatform.api.ratelimit import RateLimitHeadersMixin

PRODUCER_PATHS = ["", *ProducerPath.values]


@extend_schema_field({"type": "string", "enum": PRODUCER_PATHS})
class ProducerPathField(serializers.CharField):
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

    display_name = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=f"At most {DISPLAY_NAME_MAX_LENGTH} characters; surrounding spaces are dropped.",
    )
    definition_of_success = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=f"At most {DEFINITION_OF_SUCCESS_MAX_LENGTH} characters; surrounding spaces are dropped.",
    )
    producer_path = ProducerPathField(required=False, help_text="One of the listed paths, or \"\" for not sure yet.")
    reminders_opt_in = serializers.BooleanField(
        required=False, help_text="E-mail me when a skills retake is due (about six months after rating)."
    )


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
        responses={200: MeSerializer, **error_responses(400, 401, 403, 409, 415, 422, 429)},
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER],
    )
    @idempotent
    def patch(self, request: Request) -> Response:
        incoming = MeUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = profile_update(user=request.user, **incoming.validated_data)
        return Response(MeSerializer(user).data)
