"""The parts of "download my data" that lessons owns: reading progress and unlocked courses.

Registered with `accounts.exports` from `LessonsConfig.ready()`.
"""

from typing import Any

from accounts.exports import register_export_section

from .models import LessonProgress, TrackUnlock


def reading_progress(user) -> list[dict[str, Any]]:
    rows = LessonProgress.objects.filter(user=user).select_related("lesson").order_by("started_at", "pk")
    return [
        {
            "lesson": {"slug": row.lesson.slug, "title": row.lesson.title},
            "started_at": row.started_at,
            "furthest_position": row.furthest_position,
            "guide_finished_at": row.guide_finished_at,
            "completed_at": row.completed_at,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def track_unlocks(user) -> list[dict[str, Any]]:
    rows = TrackUnlock.objects.filter(user=user).select_related("track").order_by("unlocked_at", "pk")
    return [
        {"track": {"slug": row.track.slug, "title": row.track.title}, "unlocked_at": row.unlocked_at}
        for row in rows
    ]


register_export_section("reading_progress", reading_progress)
register_export_section("track_unlocks", track_unlocks)
