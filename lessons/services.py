"""Writes with rules for course structure: reading progress, track unlocks and lesson revisions."""

from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from .content_files.diff import describe_changes
from .content_files.document_import import MAX_DOCUMENT_BYTES, check_writable, docx_to_markdown, recognise
from .content_files.documents import parse_lesson
from .content_files.plan import Plan
from .content_files.sync import apply_lesson, complete_document, lesson_text
from .content_files.syntax import FormatError
from .models import Lesson, LessonProgress, LessonRevision, Module, Section, Track, TrackUnlock


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
    them (deleted otherwise), exactly as an import of that file would do. The
    lesson's slug, number, position and status stay as they are now.
    """
    lesson = Lesson.objects.select_for_update().select_related("module").get(pk=revision.lesson_id)
    doc = parse_lesson(revision.text, where=f"revision {revision.number}")
    # A revert puts content back; where the lesson sits and whether it is published stay as they are now.
    doc.slug, doc.number, doc.position, doc.status = lesson.slug, lesson.number, lesson.position, lesson.status
    plan = Plan(before_lesson_write=lambda changed: revision_baseline(lesson=changed))
    apply_lesson(doc, module=lesson.module, plan=plan, lesson=lesson)
    new = revision_record(lesson=lesson, author=author, summary=f"Reverted to revision {revision.number}", force=True)
    assert new is not None
    return new


# --- Importing a lesson from a document ---------------------------------------------------

DOCUMENT_SUFFIXES = (".md", ".markdown", ".docx")


@dataclass
class DocumentImport:
    """What importing a document did (or, with `dry_run` or `refused`, would do)."""

    lesson: Lesson | None
    plan: Plan
    recognised: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: str = ""
    revision: LessonRevision | None = None

    @property
    def written(self) -> bool:
        return not self.plan.dry_run and not self.refused and self.plan.has_changes


@transaction.atomic
def lesson_import_document(
    *, data: bytes, filename: str, module: Module, number: int | None = None, author: User | None = None,
    dry_run: bool = False, replace_published: bool = False,
) -> DocumentImport:
    """Import a guide written as a Markdown (.md) or Word (.docx) document into `module`.

    A new lesson is a draft. The lesson is found by `number` in the module, else by
    the slug of its title; sections keep their rows by anchor, so re-importing an
    edited document keeps students' answers attached. A published lesson is only
    replaced with `replace_published`, and then its content before and after is
    kept as revisions (it can be compared and reverted). Raises FormatError for a
    file that cannot be read at all; everything else is reported in the result.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise FormatError(f"{filename}: import a Markdown (.md) or Word (.docx) document.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FormatError(f"{filename}: the document is over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")
    warnings: list[str] = []
    if suffix == ".docx":
        text, warnings = docx_to_markdown(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{filename}: a Markdown file must be UTF-8 text.") from exc
    found = recognise(text, fallback_title=PurePath(filename).stem.replace("-", " ").replace("_", " ").strip().title())
    doc = found.doc
    problems = [*found.problems, *(f"Word: {w}" for w in warnings)]
    problems += complete_document(doc, module)

    existing = None
    if number is not None:
        existing = Lesson.objects.filter(module=module, number=number).first()
    if existing is None and not doc.slug:
        existing = Lesson.objects.filter(slug=slugify_title(doc.title)).first()
    elif existing is None:
        existing = Lesson.objects.filter(slug=doc.slug).first()
    if existing is not None and existing.module_id != module.pk:
        raise FormatError(f"{filename}: a lesson “{existing.title}” with this slug is in another module "
                          f"({existing.module}); rename the document's title or import it there.")
    if existing is not None:
        doc.slug, doc.number = existing.slug, existing.number
        doc.status = existing.status  # replacing content never publishes or unpublishes by itself
        doc.position = existing.position
    else:
        doc.slug = doc.slug or slugify_title(doc.title)
        doc.number = number or (max(module.lessons.values_list("number", flat=True), default=0) + 1)
        doc.status = Lesson.Status.DRAFT
    if not doc.slug:
        raise FormatError(f"{filename}: the lesson needs a title (a first “# Title” line).")
    doc.where = filename
    check_writable(doc)

    refused = ""
    if existing is not None and existing.is_published and not replace_published:
        refused = (f"“{existing.title}” is published. Nothing was changed: choose “replace the published lesson” "
                   "to import over it (its current content is kept as a revision you can revert to).")
    plan = Plan(dry_run=dry_run or bool(refused), before_lesson_write=lambda lesson: revision_baseline(lesson=lesson))
    lesson = apply_lesson(doc, module=module, plan=plan, lesson=existing)
    result = DocumentImport(lesson=lesson if lesson.pk else None, plan=plan, recognised=found.recognised,
                            problems=problems, refused=refused)
    if result.written:
        result.revision = revision_record(lesson=lesson, author=author, summary=f"Imported from {filename}")
    return result


def slugify_title(title: str) -> str:
    return slugify(title)[:100]
