"""The parts of "download my data" that assessments owns.

One small provider per kind of record, registered with `accounts.exports`
from `AssessmentsConfig.ready()`. Each runs a fixed number of queries, however
many rows the student has.
"""

from typing import Any

from django.db.models import Prefetch

from accounts.exports import register_export_section

from .models import (
    Draft,
    PointsEntry,
    PromptAnswer,
    Reflection,
    ReflectionVersion,
    ReminderSent,
    SkillSnapshot,
    SnapshotRating,
    TurnCompletion,
)


def _lesson(lesson) -> dict[str, Any]:
    return {"slug": lesson.slug, "title": lesson.title}


def warmup_answers(user) -> list[dict[str, Any]]:
    rows = (PromptAnswer.objects.filter(user=user).select_related("section__lesson", "category")
            .order_by("section__lesson_id", "section_id", "position"))
    return [
        {
            "lesson": _lesson(row.section.lesson),
            "prompt": row.section.heading,
            "position": row.position,
            "text": row.text,
            "category": row.category.name if row.category else None,
            "category_suggested": row.category_suggested,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def snapshots(user) -> list[dict[str, Any]]:
    rows = (SkillSnapshot.objects.filter(user=user).select_related("attempt").order_by("created_at", "pk")
            .prefetch_related(Prefetch("ratings", queryset=SnapshotRating.objects.order_by("position", "pk"))))
    return [
        {
            "id": row.pk,
            "framework": row.framework_name,
            "attempt": row.attempt.number if row.attempt_id else None,
            "created_at": row.created_at,
            "ratings": [
                {"category": r.category_name, "slug": r.category_slug, "value": r.value} for r in row.ratings.all()
            ],
        }
        for row in rows
    ]


def reflections(user) -> list[dict[str, Any]]:
    """Every reflection of every attempt, each with all its saved versions, oldest first."""
    rows = (Reflection.objects.filter(user=user).select_related("step__turn__lesson", "attempt")
            .prefetch_related(Prefetch("versions", queryset=ReflectionVersion.objects.order_by("created_at", "pk")))
            .order_by("step__turn__lesson_id", "attempt__number", "step__number"))
    return [
        {
            "lesson": _lesson(row.step.turn.lesson),
            "step": {"number": row.step.number, "title": row.step.title},
            "attempt": row.attempt.number,
            "text": row.text,
            "word_count": row.word_count,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "versions": [
                {"text": v.text, "word_count": v.word_count, "created_at": v.created_at} for v in row.versions.all()
            ],
        }
        for row in rows
    ]


def drafts(user) -> list[dict[str, Any]]:
    """Unsaved text kept by autosave."""
    return [
        {"box": row.target, "content": row.data, "saved_at": row.updated_at}
        for row in Draft.objects.filter(user=user).order_by("updated_at", "pk")
    ]


def turn_completions(user) -> list[dict[str, Any]]:
    rows = TurnCompletion.objects.filter(user=user).select_related("turn__lesson").order_by("completed_at", "pk")
    return [{"lesson": _lesson(row.turn.lesson), "completed_at": row.completed_at} for row in rows]


def depth_points_ledger(user) -> list[dict[str, Any]]:
    rows = PointsEntry.objects.filter(user=user).order_by("created_at", "pk")
    return [
        {"amount": row.amount, "reason": row.reason, "source": row.source_key, "created_at": row.created_at}
        for row in rows
    ]


def reminders_sent(user) -> list[dict[str, Any]]:
    rows = ReminderSent.objects.filter(user=user).order_by("due_date")
    return [{"due_date": row.due_date, "sent_at": row.sent_at} for row in rows]


register_export_section("warmup_answers", warmup_answers)
register_export_section("snapshots", snapshots)
register_export_section("reflections", reflections)
register_export_section("drafts", drafts)
register_export_section("turn_completions", turn_completions)
register_export_section("depth_points_ledger", depth_points_ledger)
register_export_section("reminders_sent", reminders_sent)
