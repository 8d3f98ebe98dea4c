"""Writes with rules for course structure: reading progress and track unlocks."""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from .models import Lesson, LessonProgress, Section, Track, TrackUnlock
from .selectors import unlock_notices


@transaction.atomic
def progress_start(*, user: User, lesson: Lesson) -> LessonProgress | None:
    """Return the student's progress on `lesson`, creating it the first time they open it.

    A draft (which only staff open, as a preview) records nothing and returns None.
    Safe under concurrent first visits: the unique constraint decides the winner.
    """
    if not lesson.is_published:
        return None
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return LessonProgress.objects.create(user=user, lesson=lesson)
    except IntegrityError:
        return LessonProgress.objects.get(user=user, lesson=lesson)


@transaction.atomic
def progress_record(
    *, user: User, lesson: Lesson, section: Section | None = None, finished: bool = False
) -> LessonProgress | None:
    """Record how far the student has read.

    The furthest section only ever moves forward, so an old tab or a retried
    request cannot move the resume point back. `finished` marks the Guide read.
    Staff previewing a draft leave no progress behind: None is returned.
    """
    if section is not None and section.lesson_id != lesson.pk:
        raise ValueError("The section does not belong to this lesson.")
    progress = progress_start(user=user, lesson=lesson)
    if progress is None:
        return None
    now = timezone.now()
    if section is not None:
        LessonProgress.objects.filter(pk=progress.pk).filter(
            Q(furthest_position__lt=section.position) | Q(furthest_section__isnull=True)
        ).update(furthest_section=section, furthest_position=section.position, updated_at=now)
    if finished:
        LessonProgress.objects.filter(pk=progress.pk, guide_finished_at__isnull=True).update(
            guide_finished_at=now, updated_at=now
        )
    if section is None and not finished:
        LessonProgress.objects.filter(pk=progress.pk).update(updated_at=now)
    progress.refresh_from_db()
    return progress


@transaction.atomic
def progress_mark_done(*, user: User, lesson: Lesson) -> LessonProgress | None:
    """Count the lesson as done (its Your Turn is complete). Idempotent; nothing for a draft preview."""
    progress = progress_start(user=user, lesson=lesson)
    if progress is None:
        return None
    now = timezone.now()
    LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=now,
        guide_finished_at=Coalesce(F("guide_finished_at"), Value(now, output_field=DateTimeField())),
        updated_at=now,
    )
    progress.refresh_from_db()
    return progress


@transaction.atomic
def track_unlock(*, user: User, track: Track) -> tuple[TrackUnlock, bool]:
    """Open an Extension Course for a student for good. Returns (unlock, created)."""
    existing = TrackUnlock.objects.filter(user=user, track=track).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return TrackUnlock.objects.create(user=user, track=track), True
    except IntegrityError:
        return TrackUnlock.objects.get(user=user, track=track), False


@transaction.atomic
def unlock_notices_mark_read(*, user: User, tracks: Sequence[str] | None = None) -> list[Track]:
    """Mark the student's unread unlock notices read (only those of `tracks`, slugs, when given).

    Returns the tracks this call marked. Each notice is marked once: the
    conditional update means two requests racing here cannot both claim it.
    """
    pending = unlock_notices(user=user)
    if tracks is not None:
        wanted = set(tracks)
        pending = [unlock for unlock in pending if unlock.track.slug in wanted]
    now = timezone.now()
    told = []
    for unlock in pending:
        if TrackUnlock.objects.filter(pk=unlock.pk, notified_at__isnull=True).update(notified_at=now):
            told.append(unlock.track)
    return told


def unlock_notices_take(*, user: User) -> list[Track]:
    """Return the tracks unlocked since the student was last told, and mark them told (the web dashboard).

    Each unlock is announced once, on the web or through the API's mark-read call.
    """
    return unlock_notices_mark_read(user=user)
