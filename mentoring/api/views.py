"""API views for the student side of mentoring.

Input serializer → the same service the web calls → output serializer. Every
lookup is within what the requesting student may see: another student's
attempt or comment, or a cohort they are not in, is simply not found (404).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courseplatform.api.errors import READ_ERRORS, RETRY_AFTER, WRITE_ERRORS, error_responses
from courseplatform.api.idempotency import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotent

from .. import selectors, services
from ..models import Feedback, TurnAttempt
from . import serializers as s

WRITE_PARAMETERS = [IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, RETRY_AFTER]
WRITE = error_responses(*WRITE_ERRORS, 404)
READ = error_responses(*READ_ERRORS, 404)
# Lists are paginated: a page_size outside 1..100 is a 400 naming it.
LIST = error_responses(400, *READ_ERRORS, 404)


def _id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description=description)


COHORT_ID = _id("id", "The cohort's id.")
ATTEMPT_ID = _id("id", "The id of one of my Your Turn attempts.")
FEEDBACK_ID = _id("id", "The id of a comment on one of my attempts.")


def cohort_data(membership) -> dict:
    cohort = membership.cohort
    return {"id": cohort.pk, "name": cohort.name, "members": membership.members, "joined_at": membership.joined_at,
            "mentors": [{"name": m.name} for m in cohort.mentors.all()]}


def share_data(attempt: TurnAttempt) -> dict:
    share = selectors.share_of(attempt)
    return {"with_mentors": bool(share and share.with_mentors), "with_peers": bool(share and share.with_peers)}


def attempt_data(attempt: TurnAttempt) -> dict:
    return {"id": attempt.pk, "lesson": attempt.turn.lesson.slug, "lesson_title": attempt.turn.lesson.title,
            "number": attempt.number, "started_at": attempt.started_at, "share": share_data(attempt)}


def reply_data(reply: Feedback | None) -> dict | None:
    if reply is None:
        return None
    return {"id": reply.pk, "text": reply.text, "created_at": reply.created_at, "updated_at": reply.updated_at}


def feedback_data(comment: Feedback, reply: Feedback | None) -> dict:
    return {"id": comment.pk, "attempt": comment.attempt_id, "lesson": comment.attempt.turn.lesson.slug,
            "author": {"name": comment.author.name}, "role": comment.role, "text": comment.text,
            "created_at": comment.created_at, "updated_at": comment.updated_at, "reply": reply_data(reply)}


class CohortListView(APIView):
    @extend_schema(operation_id="cohorts_list", tags=["cohorts"], summary="The cohorts I am a member of",
                   responses={200: s.CohortSerializer(many=True), **LIST}, parameters=[RETRY_AFTER])
    def get(self, request: Request) -> Response:
        data = [cohort_data(m) for m in selectors.my_cohorts(user=request.user)]
        return Response(s.CohortSerializer(data, many=True).data)


class CohortJoinView(APIView):
    @extend_schema(
        operation_id="cohorts_join", tags=["cohorts"], summary="Join a cohort with its invite code",
        description="Joining again while a member answers 200 with the same cohort. An unknown code is a 400 "
                    "naming `code`. Joining shares nothing: each attempt stays private until I share it.",
        request=s.JoinWriteSerializer, responses={200: s.CohortSerializer, **WRITE}, parameters=WRITE_PARAMETERS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        incoming = s.JoinWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        membership = services.cohort_join(user=request.user, code=incoming.validated_data["code"])
        mine = next(m for m in selectors.my_cohorts(user=request.user) if m.pk == membership.pk)
        return Response(s.CohortSerializer(cohort_data(mine)).data)


class CohortLeaveView(APIView):
    @extend_schema(
        operation_id="cohorts_leave", tags=["cohorts"], summary="Leave a cohort",
        description="Its mentors and members stop seeing what I shared with them. Not a member: 404.",
        request=None, responses={204: None, **WRITE}, parameters=[*WRITE_PARAMETERS, COHORT_ID],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        cohort = selectors.cohort_for_member(user=request.user, pk=pk)
        services.cohort_leave(user=request.user, cohort=cohort)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttemptListView(generics.ListAPIView):
    serializer_class = s.AttemptSharingSerializer

    def get_queryset(self):
        return selectors.own_attempts(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.AttemptSharingSerializer([attempt_data(a) for a in page], many=True).data)

    @extend_schema(operation_id="cohorts_attempts_list", tags=["cohorts"],
                   summary="My Your Turn attempts and whom each is shared with, newest first",
                   responses={200: s.AttemptSharingSerializer(many=True), **LIST}, parameters=[RETRY_AFTER])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ShareView(APIView):
    @extend_schema(operation_id="cohorts_attempts_share_retrieve", tags=["cohorts"],
                   summary="Whom one of my attempts is shared with",
                   responses={200: s.ShareSerializer, **READ}, parameters=[ATTEMPT_ID, RETRY_AFTER])
    def get(self, request: Request, pk: int) -> Response:
        attempt = selectors.own_attempt_get(user=request.user, attempt_id=pk)
        return Response(s.ShareSerializer(share_data(attempt)).data)

    @extend_schema(
        operation_id="cohorts_attempts_share_update", tags=["cohorts"], summary="Share or unshare one of my attempts",
        description="Both flags false makes the attempt private again. Sharing covers the attempt's ratings and "
                    "reflections. Only my own attempts: any other id is a 404.",
        request=s.ShareWriteSerializer, responses={200: s.ShareSerializer, **WRITE},
        parameters=[*WRITE_PARAMETERS, ATTEMPT_ID],
    )
    @idempotent
    def put(self, request: Request, pk: int) -> Response:
        attempt = selectors.own_attempt_get(user=request.user, attempt_id=pk)
        incoming = s.ShareWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        share = services.share_set(user=request.user, attempt=attempt, **incoming.validated_data)
        return Response(s.ShareSerializer({"with_mentors": share.with_mentors, "with_peers": share.with_peers}).data)


class FeedbackListView(generics.ListAPIView):
    serializer_class = s.FeedbackSerializer

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = [feedback_data(c, next(iter(c.replies.all()), None)) for c in page]
        return self.get_paginated_response(s.FeedbackSerializer(data, many=True).data)

    @extend_schema(operation_id="feedback_list", tags=["feedback"],
                   summary="Comments from mentors and peers on my attempts, newest first, with my replies",
                   responses={200: s.FeedbackSerializer(many=True), **LIST}, parameters=[RETRY_AFTER])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class FeedbackReplyView(APIView):
    @extend_schema(
        operation_id="feedback_reply", tags=["feedback"], summary="Reply to a comment on my attempt",
        description="One reply per comment: sending again edits it, and the earlier text is kept as a version.",
        request=s.ReplyWriteSerializer, responses={200: s.FeedbackSerializer, **WRITE},
        parameters=[*WRITE_PARAMETERS, FEEDBACK_ID],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        incoming = s.ReplyWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reply = services.feedback_reply(user=request.user, feedback_id=pk, text=incoming.validated_data["text"])
        comment = Feedback.objects.select_related("author", "attempt__turn__lesson").get(pk=reply.reply_to_id)
        return Response(s.FeedbackSerializer(feedback_data(comment, reply)).data)


class FeedbackReportView(APIView):
    @extend_schema(
        operation_id="feedback_report", tags=["feedback"], summary="Report a peer's comment on my attempt",
        description="Tells my cohort's mentors, who can hide it. Once per comment; repeating changes nothing.",
        request=s.ReportWriteSerializer, responses={200: s.ReportSerializer, **WRITE},
        parameters=[*WRITE_PARAMETERS, FEEDBACK_ID],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        incoming = s.ReportWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = services.feedback_report(user=request.user, feedback_id=pk,
                                          reason=incoming.validated_data.get("reason", ""))
        return Response(s.ReportSerializer({"feedback": report.feedback_id, "reported_at": report.created_at}).data)


