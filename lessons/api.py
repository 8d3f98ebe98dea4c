"""Tracks and reading progress for the mobile client.

Views read through `lessons.selectors` and write through `lessons.services`,
exactly as the web pages do. The lesson itself (`GET /api/v1/lessons/<slug>/`)
is served by `assessments.api`, because it includes the lesson's Your Turn.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseplatform import answers
from courseplatform.api.errors import READ_ERRORS, RETRY_AFTER, WRITE_ERRORS, error_responses
from courseplatform.api.etags import ETAG, IF_NONE_MATCH, NOT_MODIFIED
from courseplatform.api.idempotency import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotent
from courseplatform.api.ratelimit import RateLimitHeadersMixin

from . import selectors, services
from .models import LessonProgress, Track

LESSON_STATES = ["not_started", "in_progress", "done"]

# Path parameters, with the demo course's slugs as examples (docs UI and schema-driven tests use them).
LESSON_SLUG = OpenApiParameter(
    "slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH,
    description="The lesson's slug.",
    examples=[OpenApiExample("Lesson 3", value="what-skills-does-a-music-producer-need")],
)
TRACK_SLUG = OpenApiParameter(
    "slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH,
    description="The track's slug.", examples=[OpenApiExample("Core Track", value="core-track")],
)


def points_needed(user, track: Track) -> int:
    return track.points_needed(user.depth_points)


# --- Serializers ----------------------------------------------------------------------

class TrackSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Track.Kind.choices)


class TrackCardSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="track.slug")
    title = serializers.CharField(source="track.title")
    kind = serializers.ChoiceField(source="track.kind", choices=Track.Kind.choices)
    summary = serializers.CharField(source="track.summary", allow_blank=True)
    description_html = serializers.CharField(source="track.description_html", allow_blank=True)
    unlock_threshold = serializers.IntegerField(source="track.unlock_threshold")
    is_open = serializers.BooleanField(help_text="False for an Extension Course the student has not unlocked.")
    points_needed = serializers.SerializerMethodField(help_text="Depth points still needed to unlock it (0 when open).")
    lesson_count = serializers.IntegerField()
    done_count = serializers.IntegerField()
    percent_done = serializers.IntegerField()

    def get_points_needed(self, card: selectors.TrackCard) -> int:
        return 0 if card.is_open else points_needed(self.context["request"].user, card.track)


class LessonRowSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="lesson.slug")
    number = serializers.IntegerField(source="lesson.number")
    title = serializers.CharField(source="lesson.title")
    subtitle = serializers.CharField(source="lesson.subtitle", allow_blank=True)
    summary = serializers.CharField(source="lesson.summary", allow_blank=True)
    estimated_minutes = serializers.IntegerField(source="lesson.estimated_minutes")
    status = serializers.CharField(source="lesson.status", help_text="Always published for students; staff also see drafts.")
    state = serializers.ChoiceField(choices=LESSON_STATES, help_text="My progress on this lesson.")


class ModuleOutlineSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="module.slug")
    title = serializers.CharField(source="module.title")
    summary = serializers.CharField(source="module.summary", allow_blank=True)
    lessons = LessonRowSerializer(many=True)


class TrackOutlineSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Track.Kind.choices)
    summary = serializers.CharField(allow_blank=True)
    description_html = serializers.CharField(allow_blank=True)
    unlock_threshold = serializers.IntegerField()
    is_open = serializers.BooleanField()
    points_needed = serializers.IntegerField()
    lesson_count = serializers.IntegerField()
    done_count = serializers.IntegerField()
    modules = ModuleOutlineSerializer(many=True, help_text="Empty while the track is locked, as on the web.")


class ProgressSerializer(serializers.Serializer):
    """My reading progress on one lesson; also part of the lesson detail."""

    state = serializers.ChoiceField(choices=LESSON_STATES)
    furthest_section = serializers.IntegerField(allow_null=True, help_text="Id of the furthest section reached.")
    resume_anchor = serializers.CharField(allow_blank=True, help_text="Anchor of that section: where to resume.")
    guide_finished = serializers.BooleanField()
    started_at = serializers.DateTimeField(allow_null=True)
    guide_finished_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class ProgressUpdateSerializer(serializers.Serializer):
    section = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text="Id of the section the student has reached. The furthest point only ever moves forward.",
    )
    # No default in the schema: a generated client would then make the field required.
    finished = serializers.BooleanField(required=False, help_text="The Guide has been read to the end (false if left out).")


def progress_data(progress: LessonProgress | None, anchor: str = "") -> dict:
    """The progress representation; `anchor` is the furthest section's, passed in to save a query."""
    return {
        "state": selectors.lesson_state(progress),
        "furthest_section": progress.furthest_section_id if progress else None,
        "resume_anchor": anchor if progress and progress.furthest_section_id else "",
        "guide_finished": bool(progress and progress.guide_finished_at),
        "started_at": progress.started_at if progress else None,
        "guide_finished_at": progress.guide_finished_at if progress else None,
        "completed_at": progress.completed_at if progress else None,
    }


# --- Views ------------------------------------------------------------------------------

class TrackListView(RateLimitHeadersMixin, generics.ListAPIView):
    serializer_class = TrackCardSerializer

    def get_queryset(self):
        # A list, not a QuerySet: the selector joins the student's progress and unlocks (3 queries).
        return selectors.track_cards(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        def build() -> dict:
            page = self.paginate_queryset(self.get_queryset())
            return self.get_paginated_response(self.get_serializer(page, many=True).data).data

        return answers.json_answer(request, "tracks", build, conditional=True, shows=answers.SHARED)

    @extend_schema(
        operation_id="tracks_list", tags=["tracks"], summary="Every track, with lock state and my progress",
        description="Sends an ETag; with If-None-Match it answers 304 while nothing on the page has changed.",
        responses={200: TrackCardSerializer(many=True), **NOT_MODIFIED, **error_responses(400, *READ_ERRORS, 404)},
        parameters=[IF_NONE_MATCH, ETAG, RETRY_AFTER],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class TrackDetailView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="tracks_retrieve", tags=["tracks"], summary="A track's outline: modules → lessons with my state",
        description="A locked Extension Course answers 200 with is_open false and no modules (the web shows its "
                    "lock page); its lessons answer 403 track_locked. Sends an ETag; with If-None-Match it "
                    "answers 304 while neither the outline nor my progress in it has changed.",
        responses={200: TrackOutlineSerializer, **NOT_MODIFIED, **error_responses(*READ_ERRORS, 404)},
        parameters=[TRACK_SLUG, IF_NONE_MATCH, ETAG, RETRY_AFTER],
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        def build() -> dict:
            track = selectors.track_get(slug=slug)
            is_open = selectors.track_is_open(user=request.user, track=track)
            modules = selectors.track_outline_data(user=request.user, track=track) if is_open else []
            lessons = [lesson for m in modules for lesson in m["lessons"]]
            data = {
                "slug": track.slug,
                "title": track.title,
                "kind": track.kind,
                "summary": track.summary,
                "description_html": track.description_html,
                "unlock_threshold": track.unlock_threshold,
                "is_open": is_open,
                "points_needed": 0 if is_open else points_needed(request.user, track),
                "lesson_count": len(lessons),
                "done_count": sum(lesson["state"] == "done" for lesson in lessons),
                "modules": modules,
            }
            # Already the shape TrackOutlineSerializer describes (the schema's; every API test checks it):
            # walking a 100-lesson outline through nested serializers cost more than reading it.
            return data

        return answers.json_answer(request, "track_outline", build, conditional=True, shows=answers.SHARED)


class LessonProgressView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_progress_update", tags=["lessons"], summary="Record how far I have read",
        description="Send {} when the lesson opens (it starts it), the id of each section as it is reached, "
                    "and finished: true at the end of the Guide.",
        request=ProgressUpdateSerializer,
        responses={200: ProgressSerializer, **error_responses(*WRITE_ERRORS, 404, locked=True)},
        parameters=[LESSON_SLUG, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER],
    )
    @idempotent
    def put(self, request: Request, slug: str) -> Response:
        lesson = selectors.lesson_get(user=request.user, slug=slug)
        incoming = ProgressUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # The lesson's sections, read once: the section sent is one of them, and so is the anchor, usually.
        sections = selectors.lesson_content(lesson=lesson).sections
        section = selectors.section_get(lesson=lesson, section_id=incoming.validated_data.get("section"),
                                        sections=sections)
        progress = services.progress_record(
            user=request.user, lesson=lesson, section=section, finished=incoming.validated_data.get("finished", False)
        )
        anchor = ""
        if progress is not None and progress.furthest_section_id:
            # The furthest section is usually among the lesson's cached sections (an archived one is read).
            known = {s.pk: s for s in sections}
            furthest = known.get(progress.furthest_section_id) or progress.furthest_section
            anchor = furthest.anchor
        # Already the shape ProgressSerializer describes (the schema's; every API test checks answers against it).
        return Response(progress_data(progress, anchor))
