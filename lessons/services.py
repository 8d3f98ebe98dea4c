"""Writes with rules for course structure: reading progress, track unlocks and lesson revisions."""

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from .content_files.diff import describe_changes
from .content_files.documents import parse_lesson
from .content_files.plan import Plan
from .content_files.sync import apply_lesson, lesson_text
from .models import Lesson, LessonProgress, LessonRevision, Section, Track, TrackUnlock


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
def unlock_notices_take(*, user: User) -> list[Track]:
    """Return the tracks unlocked since the student was last told, and mark them told.

    Each unlock is announced once: the conditional update means two requests
    racing here cannot both announce it.
    """
    pending = list(
        TrackUnlock.objects.filter(user=user, notified_at__isnull=True).select_related("track")
    )
    if not pending:
        return []
    now = timezone.now()
    told = []
    for unlock in pending:
        if TrackUnlock.objects.filter(pk=unlock.pk, notified_at__isnull=True).update(notified_at=now):
            told.append(unlock.track)
    return told


# --- Revisions ------------------------------------------------------------------------
# Every save of a lesson (the admin, an import, a revert) records a revision: the
# lesson's whole content file as text, so two revisions compare as a diff and an
# old one can be put back.

BASELINE_SUMMARY = "The lesson as it was before the next change"


def _revision_create(*, lesson: Lesson, text: str, author: User | None, summary: str,
                     latest: LessonRevision | None) -> LessonRevision:
    return LessonRevision.objects.create(
        lesson=lesson, number=(latest.number if latest else 0) + 1, content_version=lesson.content_version,
        text=text, author=author, summary=summary[:300],
    )


@transaction.atomic
def revision_baseline(*, lesson: Lesson) -> LessonRevision | None:
    """Keep the lesson as it is now, before a change, unless a revision already holds it.

    Called before the first write of an admin save or an import, so what was
    there before (content older than revisions, or changed by other means) can
    still be compared and reverted to.
    """
    current = Lesson.objects.select_for_update().get(pk=lesson.pk)
    latest = current.revisions.order_by("-number").first()
    if latest is not None and latest.content_version == current.content_version:
        return None
    text = lesson_text(current)
    if latest is not None and latest.text == text:
        return None
    return _revision_create(lesson=current, text=text, author=None, summary=BASELINE_SUMMARY, latest=latest)


@transaction.atomic
def revision_record(*, lesson: Lesson, author: User | None = None, summary: str = "",
                    force: bool = False) -> LessonRevision | None:
    """Record the lesson as it is now, saying who and what changed; None when its file is unchanged.

    `force` records even an unchanged file (a revert is worth a line in the history).
    The lesson row is locked so two saves at once number their revisions in turn.
    """
    current = Lesson.objects.select_for_update().get(pk=lesson.pk)
    latest = current.revisions.order_by("-number").first()
    text = lesson_text(current)
    if latest is not None and latest.text == text and not force:
        return None
    changes = describe_changes(latest.text if latest else "", text)
    return _revision_create(lesson=current, text=text, author=author, latest=latest,
                            summary=f"{summary}: {changes}" if summary else changes)


@transaction.atomic
def revision_revert(*, revision: LessonRevision, author: User | None) -> LessonRevision:
    """Put the lesson's content back as `revision` had it, and record that as a new revision.

    Parts the old revision lacks are archived when students' records point at
    them (deleted otherwise), exactly as an import of that file would do.
    """
    lesson = Lesson.objects.select_for_update().select_related("module").get(pk=revision.lesson_id)
    doc = parse_lesson(revision.text, where=f"revision {revision.number}")
    doc.slug = lesson.slug  # the row is the identity; a slug changed since then stays
    plan = Plan(before_lesson_write=lambda changed: revision_baseline(lesson=changed))
    apply_lesson(doc, module=lesson.module, plan=plan, lesson=lesson)
    new = revision_record(lesson=lesson, author=author, summary=f"Reverted to revision {revision.number}", force=True)
    assert new is not None
    return new
