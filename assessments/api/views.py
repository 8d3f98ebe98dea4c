"""API views for a lesson (with its Your Turn), snapshots and Depth points.

Each view is input serializer → the same service or selector the web view
calls → output serializer. Everything is looked up within the requesting
student's own data: another student's snapshot id is simply not found (404).
Lessons come from `lesson_get`, so drafts are 404 for students and an
Extension Course not yet unlocked is 403 `track_locked`, as on the web.
"""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseplatform import answers
from courseplatform.api.errors import READ_ERRORS, RETRY_AFTER, WRITE_ERRORS, error_responses
from courseplatform.api.etags import ETAG, IF_NONE_MATCH, NOT_MODIFIED
from courseplatform.api.idempotency import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotent
from courseplatform.api.pagination import PAGE, PAGE_SIZE, Pagination
from courseplatform.api.ratelimit import RateLimitHeadersMixin
from lessons import selectors as lesson_selectors
from lessons import services as lesson_services
from lessons.api import LESSON_SLUG
from lessons.sections import section_data_for

from .. import insights, selectors, services
from ..guide import cluster_sentence
from ..skills_csv import skills_csv_response
from . import presenters
from . import serializers as s

LESSON_ERRORS = error_responses(*READ_ERRORS, 403, 404, locked=True)
LESSON_WRITE_ERRORS = error_responses(*WRITE_ERRORS, 404, locked=True)
LOCATION = OpenApiParameter(
    "Location", {"type": "string", "format": "uri-reference"}, OpenApiParameter.HEADER, response=[200, 201],
    description="The snapshot's own URL (GET /api/v1/snapshots/<id>/).",
)
WRITE_PARAMETERS = [LESSON_SLUG, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER]
SECTION_QUERY = OpenApiParameter(
    "section", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, required=False,
    description="The warm-up prompt's section id; may be left out when the lesson has one prompt.",
)
STEP_NUMBER = OpenApiParameter(
    "step", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH,
    description="The step's number in the Turn (a reflection, goals or success step).",
    examples=[OpenApiExample("Step 2", value=2)],
)


class LessonDetailView(RateLimitHeadersMixin, APIView):
    keys_on_lesson = True  # its answer's cache key holds the student's version of the lesson (read with the session)

    @extend_schema(
        operation_id="lessons_retrieve", tags=["lessons"], summary="A lesson, its Your Turn and my progress in it",
        description=(
            "Everything the lesson's screens need in one response: the Guide's typed sections (with my warm-up "
            "answers and their recall), FAQs, quick reference, next steps, the Your Turn definition with my "
            "reflections, latest snapshot and its insights, and my reading progress. Reading this does not "
            "start the lesson: send PUT …/progress/ for that. Sends an ETag; with If-None-Match it answers 304 "
            "while neither the lesson nor anything of mine in it has changed."
        ),
        responses={200: s.LessonDetailSerializer, **NOT_MODIFIED, **LESSON_ERRORS},
        parameters=[LESSON_SLUG, IF_NONE_MATCH, ETAG, RETRY_AFTER],
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        user = request.user

        def build() -> dict:
            lesson = lesson_selectors.lesson_get(user=user, slug=slug)
            guide = lesson_selectors.lesson_guide(user=user, lesson=lesson)
            extras = section_data_for(user, lesson, guide.sections)
            try:
                page = selectors.turn_page(user=user, lesson=lesson)
            except Http404:
                page = None  # a lesson without a Your Turn
            # The presenter's dict is already what LessonDetailSerializer renders (same keys and
            # order, JSON-ready values: tests/api/test_lesson_detail.py compares them), so it is
            # returned as it is; the serializer stays the schema's (extend_schema above).
            return presenters.lesson_data(lesson=lesson, guide=guide, extras=extras, page=page, user=user)

        return answers.json_answer(request, "lesson_detail", build, conditional=True, lesson_slug=slug)


class PromptResponseView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_prompt_response_update", tags=["lessons"], summary="Save my warm-up answers",
        description="The list sent is the whole answer: slot N is item N, an empty text clears a slot, and "
                    "slots beyond the list are cleared. Errors name `answers.<N>.text` / `answers.<N>.category`.",
        request=s.PromptResponseWriteSerializer,
        responses={200: s.PromptResponseSerializer, **LESSON_WRITE_ERRORS},
        parameters=WRITE_PARAMETERS,
        examples=[OpenApiExample("Three answers", request_only=True, value={"answers": [
            {"text": "Mixing vocals so they sit in the track", "category": "technical"},
            {"text": "Sound design for leads", "category": "technical"},
            {"text": "Keeping a session relaxed", "category": "interpersonal"},
        ]})],
    )
    @idempotent
    def put(self, request: Request, slug: str) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        incoming = s.PromptResponseWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        section = selectors.prompt_section_get(lesson=lesson, section_id=incoming.validated_data.get("section"))
        answers = services.prompt_answers_save(
            user=request.user, section=section, answers=incoming.validated_data["answers"],
            clear=incoming.validated_data.get("clear", False),
        )
        data = {
            "section": section.pk,
            "answers": [presenters.answer_data(a) for a in answers],
            "cluster_sentence": cluster_sentence(answers, section.answer_count),
        }
        return Response(s.PromptResponseSerializer(data).data)


class PromptDraftView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_prompt_response_draft_update", tags=["lessons"],
        summary="Keep my unsaved warm-up answers (autosave)",
        description="Stores what I have typed so far, on any device, until a real save (PUT …/prompt-response/) "
                    "replaces it. The same length and character limits as a real save apply.",
        request=s.PromptDraftWriteSerializer,
        responses={200: s.PromptDraftResultSerializer, **LESSON_WRITE_ERRORS},
        parameters=WRITE_PARAMETERS,
    )
    @idempotent
    def put(self, request: Request, slug: str) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        incoming = s.PromptDraftWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        section = selectors.prompt_section_get(lesson=lesson, section_id=incoming.validated_data.get("section"))
        draft = services.draft_save(user=request.user, section=section, answers=incoming.validated_data["answers"])
        data = {"section": section.pk, "answers": draft.data["answers"], "saved_at": draft.updated_at}
        return Response(s.PromptDraftResultSerializer(data).data)

    @extend_schema(
        operation_id="lessons_prompt_response_draft_destroy", tags=["lessons"],
        summary="Discard my unsaved warm-up answers",
        parameters=[*WRITE_PARAMETERS, SECTION_QUERY], responses={204: None, **LESSON_WRITE_ERRORS},
    )
    @idempotent
    def delete(self, request: Request, slug: str) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        section = selectors.prompt_section_get(lesson=lesson, section_id=request.query_params.get("section"))
        services.draft_discard(user=request.user, section=section)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReflectionDraftView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_your_turn_reflections_draft_update", tags=["your turn"],
        summary="Keep my unsaved text for a step (autosave)",
        description="Stores what I have typed so far, on any device, until a real save of the step replaces it. "
                    "The same length and character limits as a real save apply; no points rule.",
        request=s.ReflectionDraftWriteSerializer,
        responses={200: s.DraftSerializer, **LESSON_WRITE_ERRORS},
        parameters=[*WRITE_PARAMETERS, STEP_NUMBER],
    )
    @idempotent
    def put(self, request: Request, slug: str, step: int) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        the_step = selectors.reflection_step_get(lesson=lesson, number=step)
        incoming = s.ReflectionDraftWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        draft = services.draft_save(user=request.user, step=the_step, text=incoming.validated_data["text"])
        return Response(s.DraftSerializer(presenters.draft_data(draft)).data)

    @extend_schema(
        operation_id="lessons_your_turn_reflections_draft_destroy", tags=["your turn"],
        summary="Discard my unsaved text for a step",
        parameters=[*WRITE_PARAMETERS, STEP_NUMBER], responses={204: None, **LESSON_WRITE_ERRORS},
    )
    @idempotent
    def delete(self, request: Request, slug: str, step: int) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        the_step = selectors.reflection_step_get(lesson=lesson, number=step)
        services.draft_discard(user=request.user, step=the_step)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SnapshotCreateView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_your_turn_snapshots_create", tags=["your turn"], summary="Rate myself (step 1)",
        description="Records an immutable snapshot on the Turn's framework. A missing, unknown or out-of-range "
                    "rating is a 400 naming `ratings.<key>`. The response carries the insights the web shows. "
                    "Made offline: send `client_id` and `taken_at`; a client_id already recorded answers 200 with "
                    "that snapshot and records nothing.",
        request=s.SnapshotWriteSerializer,
        responses={
            201: OpenApiResponse(s.SnapshotDetailSerializer, description="Recorded."),
            200: OpenApiResponse(s.SnapshotDetailSerializer, description="This client_id was already recorded."),
            **LESSON_WRITE_ERRORS,
        },
        parameters=[*WRITE_PARAMETERS, LOCATION],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        turn = selectors.turn_definition(lesson=lesson).turn  # cached with the lesson's content
        if turn is None:
            raise Http404("This lesson has no Your Turn.")
        incoming = s.SnapshotWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        client_id = incoming.validated_data.get("client_id")
        known = client_id is not None and selectors.snapshot_by_client_id(user=request.user, client_id=client_id)
        snapshot = services.snapshot_record(
            user=request.user, turn=turn, ratings=incoming.validated_data["ratings"], client_id=client_id,
            taken_at=incoming.validated_data.get("taken_at"),
        )
        if known or not hasattr(snapshot, "recorded_ratings"):
            view = selectors.snapshot_get(user=request.user, pk=snapshot.pk)  # a replay: the one recorded before
        else:
            view = selectors.snapshot_recorded(snapshot=snapshot, turn=turn)
        data = presenters.snapshot_detail_data(view, user=request.user)
        location = reverse("api:snapshot-detail", kwargs={"pk": snapshot.pk})
        # The presenters' dicts are the shape the serializers describe (the schema's; every API test
        # checks answers against it), so writes return them as they are, walked once.
        return Response(data, status=status.HTTP_200_OK if known else status.HTTP_201_CREATED,
                        headers={"Location": location})


class ReflectionView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_your_turn_reflections_update", tags=["your turn"],
        summary="Save my reflection for a step",
        description="Saves the text in my current attempt; saving again keeps the earlier version. The step's "
                    "points are paid once per student, the first time the text meets the rule in `depth.rule` "
                    "(enough words, a word counting at most 3 times, not copied); retries, edits, retakes and "
                    "races never pay twice. Text over the limit is refused (400), never cut. Written offline: send "
                    "`client_id` and `taken_at`; a client_id already saved writes nothing (`replayed` true).",
        request=s.ReflectionWriteSerializer,
        responses={200: s.ReflectionResultSerializer, **LESSON_WRITE_ERRORS},
        parameters=[*WRITE_PARAMETERS, STEP_NUMBER],
        examples=[OpenApiExample("A reflection", request_only=True, value={"text": (
            "My chart leans towards craft: technical and creative sit at seven and eight while business is a "
            "three, far below the rest. I spend my evenings on mixing tutorials and almost never think about "
            "how a track reaches anyone or how I talk to the artists I work with."
        )})],
    )
    @idempotent
    def put(self, request: Request, slug: str, step: int) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        the_step = selectors.reflection_step_get(lesson=lesson, number=step)
        incoming = s.ReflectionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = services.reflection_save(
            user=request.user, step=the_step, text=incoming.validated_data["text"],
            client_id=incoming.validated_data.get("client_id"), taken_at=incoming.validated_data.get("taken_at"),
        )
        attempt = result.reflection.attempt
        data = {
            "step": the_step.number,
            "reflection": presenters.reflection_data(result.reflection),
            "attempt": {"number": attempt.number, "started_at": attempt.started_at},
            "depth": presenters.verdict_data(result.verdict, min_words=the_step.min_words),
            "points_awarded": result.points_awarded,
            "balance": request.user.depth_points,  # refreshed by points_award when it paid
            "unlocked": [{"slug": t.slug, "title": t.title} for t in result.unlocked],
            "min_words": the_step.min_words,
            "points": the_step.points,
            "replayed": result.replayed,
        }
        return Response(data)


class TurnCompleteView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="lessons_your_turn_complete", tags=["your turn"], summary="Mark this Turn complete",
        description="Idempotent: completing again answers 200 with created false. A Turn with a rating step "
                    "needs a snapshot first (400 naming `snapshot`). The lesson then counts as done.",
        request=None,
        responses={200: s.CompletionSerializer, **LESSON_WRITE_ERRORS},
        parameters=WRITE_PARAMETERS,
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        lesson = lesson_selectors.lesson_get(user=request.user, slug=slug)
        turn = selectors.turn_get(lesson=lesson)
        result = services.turn_complete(user=request.user, turn=turn)
        data = {
            "completed": True,
            "completed_at": result.completion.completed_at,
            "created": result.created,
            "message": turn.completion_message or _("Turn complete. Nicely done."),
            "lesson_state": "done",
        }
        return Response(data)


class SnapshotListView(RateLimitHeadersMixin, generics.ListAPIView):
    serializer_class = s.SnapshotSerializer

    def get_queryset(self):
        return selectors.snapshot_list(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = [presenters.snapshot_data(snapshot, selectors.ratings_of(snapshot)) for snapshot in page]
        return self.get_paginated_response(s.SnapshotSerializer(data, many=True).data)

    @extend_schema(
        operation_id="snapshots_list", tags=["snapshots"], summary="My snapshots, newest first",
        responses={200: s.SnapshotSerializer(many=True), **error_responses(400, *READ_ERRORS, 404)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class SnapshotDetailView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="snapshots_retrieve", tags=["snapshots"], summary="One of my snapshots, with its insights",
        responses={200: s.SnapshotDetailSerializer, **error_responses(*READ_ERRORS, 404)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.snapshot_get(user=request.user, pk=pk)
        return Response(s.SnapshotDetailSerializer(presenters.snapshot_detail_data(view, user=request.user)).data)


class SnapshotCompareView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="snapshots_compare", tags=["snapshots"], summary="Compare two of my snapshots",
        description="Per category, matched by key; a category only one snapshot has is kept with null on the "
                    "other side, so history still compares after an author adds or renames categories.",
        parameters=[
            OpenApiParameter("from", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, required=True,
                             description="The older snapshot's id."),
            OpenApiParameter("to", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, required=True,
                             description="The newer snapshot's id."),
            RETRY_AFTER,
        ],
        responses={200: s.ComparisonSerializer, **error_responses(400, *READ_ERRORS, 404)},
    )
    def get(self, request: Request) -> Response:
        query = s.CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        before = selectors.snapshot_get(user=request.user, pk=query.validated_data["from"])
        after = selectors.snapshot_get(user=request.user, pk=query.validated_data["to"])
        data = {
            "before": presenters.snapshot_data(before.snapshot, before.ratings),
            "after": presenters.snapshot_data(after.snapshot, after.ratings),
            "changes": [
                {"slug": c.slug, "name": c.name, "before": c.before, "after": c.after, "delta": c.delta}
                for c in insights.compare(before.ratings, after.ratings)
            ],
        }
        return Response(s.ComparisonSerializer(data).data)


class DepthPointsView(RateLimitHeadersMixin, APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="depth_points_retrieve", tags=["depth points"],
        summary="My Depth points: balance, ledger (paginated) and next unlock",
        description="Each ledger row names the lesson and step whose reflection paid it.",
        parameters=[PAGE, PAGE_SIZE, RETRY_AFTER],
        responses={200: s.DepthPointsSerializer, **error_responses(400, *READ_ERRORS, 404)},
    )
    def get(self, request: Request) -> HttpResponse:
        def build() -> dict:
            paginator = self.pagination_class()
            rows = paginator.paginate_queryset(selectors.points_ledger(user=request.user), request, view=self)
            summary = selectors.points_summary(user=request.user, limit=0, balance=request.user.depth_points)
            data = {
                "balance": summary.balance,
                "next_unlock": presenters.next_unlock_data(summary.next_unlock),
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": [presenters.ledger_entry_data(row) for row in rows],
            }
            # Already the shape DepthPointsSerializer describes (the schema's; every API test checks it).
            return data

        return answers.json_answer(request, "depth_points", build, shows=answers.SHARED)


class DashboardView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="dashboard_retrieve", tags=["dashboard"], summary="My dashboard, as the web shows it",
        description="Continue point, Core Track progress, Extension Courses, Depth points and the next unlock, "
                    "the skills retake date, and unlock notices not yet read. Reading does not mark notices "
                    "read: POST /api/v1/dashboard/notices/read/ once they have been shown.",
        responses={200: s.DashboardSerializer, **error_responses(*READ_ERRORS)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request) -> HttpResponse:
        def build() -> dict:
            return s.DashboardSerializer(presenters.dashboard_data(selectors.dashboard(user=request.user))).data

        return answers.json_answer(request, "dashboard", build, daily=True)


class NoticesReadView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="dashboard_notices_read", tags=["dashboard"], summary="Mark unlock notices read",
        description="Marks the named notices (or every unread one) read, so they are announced once, on any "
                    "device or on the web. Marking a notice again does nothing.",
        request=s.NoticesReadSerializer,
        responses={200: s.NoticesReadResultSerializer, **error_responses(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        incoming = s.NoticesReadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        marked = lesson_services.unlock_notices_mark_read(user=request.user, tracks=incoming.validated_data.get("tracks"))
        data = {
            "marked": [{"slug": t.slug, "title": t.title} for t in marked],
            "unlock_notices": [presenters.unlock_notice_data(u) for u in lesson_selectors.unlock_notices(user=request.user)],
        }
        return Response(s.NoticesReadResultSerializer(data).data)


class SkillsHistoryView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="skills_retrieve", tags=["snapshots"], summary="My skills history per framework, with chart data",
        description="What the web's skills page shows: per framework, every snapshot (newest first) and the "
                    "radar's labels and series; and when a retake is due.",
        responses={200: s.SkillsHistorySerializer, **error_responses(*READ_ERRORS)},
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request) -> Response:
        data = presenters.skills_history_data(
            selectors.skills_history(user=request.user), retake_due=selectors.retake_due(user=request.user)
        )
        return Response(s.SkillsHistorySerializer(data).data)


class SkillsCsvView(RateLimitHeadersMixin, APIView):
    @extend_schema(
        operation_id="skills_export_csv", tags=["snapshots"], summary="My skills history as CSV",
        description="The web's download, for token clients: one row per snapshot and category "
                    "(snapshot_id, taken_at, framework, category, rating); text cells guarded against formulas.",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file."),
            **error_responses(*READ_ERRORS),
        },
        parameters=[RETRY_AFTER],
    )
    def get(self, request: Request) -> HttpResponse:
        return skills_csv_response(user=request.user)
