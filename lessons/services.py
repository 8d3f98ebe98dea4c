"""Writes with rules for course structure: content changes, reading progress, track unlocks and lesson
revisions."""

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Protocol

from django.db import IntegrityError, connection, models, transaction
from django.db.models import DateTimeField, F, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from accounts import state
from accounts.models import LessonVersion, User

from .content_files.diff import describe_changes
from .content_files.document_import import MAX_DOCUMENT_BYTES, check_writable, docx_to_markdown, recognise
from .content_files.documents import parse_lesson
from .content_files.plan import Plan
from .content_files.sync import apply_lesson, complete_document, lesson_text
from .content_files.syntax import FormatError
from .models import (
    FAQ,
    CourseVersion,
    Lesson,
    LessonProgress,
    LessonRevision,
    Module,
    QuickReference,
    Section,
    Track,
    TrackUnlock,
)
from .selectors import unlock_notices

# --- Content changes ---------------------------------------------------------------
# Every writer of course content (the admin, the importers, load_demo, the bench
# loader) saves its rows and then calls `content_changed` in the same transaction.
# Nothing in Model.save()/delete() moves a version, so a queryset.update() in an
# admin action is never served stale: the action calls this too.


class ContentPart(Protocol):
    """Anything a lesson shows (a section, an FAQ, a Turn, a step, a skill category…)."""

    def affected_lesson_ids(self) -> Iterable[int]: ...


@transaction.atomic
def content_changed(
    *,
    lessons: "Iterable[Lesson] | models.QuerySet[Lesson] | None" = None,
    lesson_ids: Iterable[int] | None = None,
    parts: Iterable[ContentPart] = (),
    structure: bool = False,
) -> None:
    """Record that lessons' content (and, with `structure`, the course's shape) changed.

    Each named lesson's `content_version` moves by one with an `F()` increment, so
    two authors saving at once never lose a bump, and every cache keyed by it
    (Guide page, API lesson detail, Turn definition) is missed from now on.
    `parts` are rows a lesson shows; their lessons are found through
    `affected_lesson_ids()` (call it before deleting a part and pass `lesson_ids`).
    `structure=True` moves the course-structure version: tracks, modules or
    lessons were created, changed, deleted, published or scheduled.
    Lesson instances passed in are refreshed with their new version.
    """
    ids: set[int] = {pk for pk in (lesson_ids or ()) if pk}
    instances: list[Lesson] = []
    if isinstance(lessons, models.QuerySet):
        ids.update(lessons.values_list("pk", flat=True))
    elif lessons is not None:
        instances = [lesson for lesson in lessons if lesson.pk]
        ids.update(lesson.pk for lesson in instances)
    for part in parts:
        ids.update(pk for pk in part.affected_lesson_ids() if pk)
    if ids:
        Lesson.objects.filter(pk__in=ids).update(content_version=F("content_version") + 1, updated_at=timezone.now())
        for lesson in instances:
            lesson.refresh_from_db(fields=["content_version", "updated_at"])
    if ids or structure:
        _course_bump(structure=structure)


def _next_publication() -> Subquery:
    """The earliest scheduled publication still to come, computed inside the UPDATE itself."""
    return Subquery(
        Lesson.objects.filter(status=Lesson.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at").values("publish_at")[:1]
    )


def _course_bump(*, structure: bool) -> None:
    """Move the course-wide content version, and with `structure` the structure version too."""
    values = {"content": F("content") + 1, "changed_at": timezone.now()}
    if structure:
        values.update(version=F("version") + 1, next_publication_at=_next_publication())

    def bump() -> int:
        return CourseVersion.objects.filter(pk=1).update(**values)

    if not bump():
        # First change ever: make the row (a concurrent first writer is fine), then bump it.
        CourseVersion.objects.get_or_create(pk=1)
        bump()


@transaction.atomic
def lessons_publish(*, lessons: "models.QuerySet[Lesson]", publish: bool) -> int:
    """Publish lessons now (clearing any schedule) or send them back to draft, in one UPDATE.

    Returns how many lessons changed. Their content versions and the course
    structure move, so no cache shows the old state.
    """
    if publish:
        target = lessons.exclude(status=Lesson.Status.PUBLISHED, publish_at__isnull=True)
        values = {"status": Lesson.Status.PUBLISHED, "publish_at": None}
    else:
        target = lessons.exclude(status=Lesson.Status.DRAFT)
        values = {"status": Lesson.Status.DRAFT}
    ids = list(target.values_list("pk", flat=True))
    if not ids:
        return 0
    Lesson.objects.filter(pk__in=ids).update(**values, updated_at=timezone.now())
    content_changed(lesson_ids=ids, structure=True)
    return len(ids)


@transaction.atomic
def lesson_parts_renumber(*, lesson: Lesson) -> None:
    """Positions 1, 2, 3… for the lesson's sections, FAQs and cards, in their current order.

    Dragging sets positions from 1 for the rows already saved, and new rows go
    last; this closes any gap or tie (older rows at 0, two rows at once), so the
    order students read, and reading progress, stay well defined.
    """
    for model in (Section, FAQ, QuickReference):
        rows = list(model.objects.filter(lesson=lesson).order_by("position", "id").values_list("pk", "position"))
        for number, (pk, position) in enumerate(rows, start=1):
            if position != number:
                model.objects.filter(pk=pk).update(position=number)


_lesson_copiers: list = []


def register_lesson_copier(copier) -> None:
    """Let another app copy its parts of a lesson too: `copier(source=..., copy=...)` (e.g. the Your Turn)."""
    if copier not in _lesson_copiers:
        _lesson_copiers.append(copier)


def _free_slug(base: str) -> str:
    slug, n = f"{base}-copy"[:100], 1
    while Lesson.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-copy-{n}"[:100]
    return slug


@transaction.atomic
def lesson_duplicate(*, lesson: Lesson) -> Lesson:
    """A draft copy of `lesson` with all its parts, last in its module, with a new slug and number.

    Sections keep their anchors (unique per lesson) and a recall points at the
    copy's own warm-up prompt; uploaded files are shared, not copied. Students'
    records are not copied. Other apps' parts (the Your Turn) are copied by the
    copiers registered with `register_lesson_copier`.
    """
    siblings = Lesson.objects.filter(module_id=lesson.module_id)
    last = siblings.aggregate(number=models.Max("number"), position=models.Max("position"))
    copy = Lesson.objects.get(pk=lesson.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.slug = _free_slug(lesson.slug)
    copy.number = (last["number"] or 0) + 1
    copy.position = (last["position"] or 0) + 1
    copy.title = f"{lesson.title} (copy)"[:160]
    copy.status = Lesson.Status.DRAFT
    copy.publish_at = None
    copy.content_version = 1
    copy.save()
    sections = list(Section.objects.filter(lesson=lesson).order_by("position", "id"))
    new_ids: dict[int, Section] = {}
    for section in sections:
        old_pk = section.pk
        section.pk = section.id = None
        section._state.adding = True
        section.lesson = copy
        recall_of = section.recall_of_id
        section.recall_of = None
        section.save()
        section._copied_recall_of = recall_of
        new_ids[old_pk] = section
    for section in new_ids.values():
        if section._copied_recall_of in new_ids:
            Section.objects.filter(pk=section.pk).update(recall_of=new_ids[section._copied_recall_of])
    for model in (FAQ, QuickReference):
        for part in model.objects.filter(lesson=lesson).order_by("position", "id"):
            part.pk = part.id = None
            part._state.adding = True
            part.lesson = copy
            part.save()
    for copier in _lesson_copiers:
        copier(source=lesson, copy=copy)
    content_changed(lessons=[copy], structure=True)
    return copy


def course_version() -> int:
    """The course structure's version, a cache key for anything that lists tracks, modules or lessons.

    A scheduled publication that has come due counts as a change: the first
    reader after that moment moves the version (one conditional UPDATE), so a
    cache keyed on it shows the lesson from its moment on, with no background job.
    One query when nothing is due.
    """
    row = CourseVersion.objects.filter(pk=1).values_list("version", "next_publication_at").first()
    if row is None:
        return 1
    version, due = row
    if due is not None and due <= timezone.now():
        with transaction.atomic():
            # Only the reader that still sees the due moment moves the version.
            if CourseVersion.objects.filter(pk=1, next_publication_at=due).update(
                version=F("version") + 1, next_publication_at=_next_publication(), changed_at=timezone.now()
            ):
                version += 1
            else:
                version = CourseVersion.objects.values_list("version", flat=True).get(pk=1)
    return version


# A cached answer reads the versions for its key, then builds: while it builds, the
# lesson lookup (`selectors.lesson_get`) uses the same numbers instead of reading them
# again (`versions_kept`). Nothing is remembered beyond that block.
_versions_kept: ContextVar[tuple[int, str] | None] = ContextVar("course_versions_kept", default=None)


@contextmanager
def versions_kept(versions: tuple[int, str]):
    """Within the block, `course_versions()` answers `versions` without a query."""
    token = _versions_kept.set(versions)
    try:
        yield versions
    finally:
        _versions_kept.reset(token)


def course_versions(*, user: User | None = None) -> tuple[int, str]:
    """(structure version, content version): what a cached answer showing course content keys on.

    One query, written as plain SQL because it runs on every cached read; none for
    a `user` loaded with their session this request (`accounts.sessions` reads
    the versions' row in the same query). A scheduled publication that has come
    due is handled by `course_version()`.
    """
    kept = _versions_kept.get()
    if kept is not None:
        return kept
    # Staff change the course, so their requests read the versions afresh.
    row = getattr(user, "course_versions_row_", None) if user is not None and not user.is_staff else None
    return _versions_of(row) if row is not None else _course_versions_read()


def _moment(value) -> datetime | None:
    """A datetime column read through a plain cursor (SQLite may hand back text), as an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


# The columns the course versions are made of, in the order `_versions_of` takes them.
COURSE_VERSION_COLUMNS = ("version", "content", "next_publication_at", "changed_at")


def _course_versions_read(extra: str = "", params: Sequence[object] = ()) -> tuple[int, str] | tuple:
    """The course versions; with `extra` (one more SQL column), (versions, that column's value)."""
    table = connection.ops.quote_name(CourseVersion._meta.db_table)
    columns = ", ".join(COURSE_VERSION_COLUMNS) + (f", {extra}" if extra else "")
    sql = f"SELECT {columns} FROM {table} WHERE id = 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        # A database with no change recorded yet (new, or emptied): the row is made now, so its
        # moment tells this database's numbers from another's that a shared cache may still hold.
        CourseVersion.objects.get_or_create(pk=1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    versions = _versions_of(row[:4])
    return (versions, row[4]) if extra else versions


def _versions_of(row: Sequence[object]) -> tuple[int, str]:
    """The course versions from their row's `COURSE_VERSION_COLUMNS`, as read through a plain cursor."""
    structure, content, due, changed = row
    due = _moment(due)
    if due is not None and due <= timezone.now():
        structure = course_version()
    # The content number with the row's last change: a database restored or rebuilt (its
    # numbers starting again) never meets answers cached from the one before.
    changed = _moment(changed)
    return structure, f"{content}.{int(changed.timestamp() * 1_000_000) if changed else 0}"


def lesson_version_sql(user_column: str) -> str:
    """SQL for the student's version of the lesson whose slug is the one parameter (NULL before its first change)."""
    quote = connection.ops.quote_name
    return (
        f"(SELECT lv.version FROM {quote(LessonVersion._meta.db_table)} lv "  # noqa: S608
        f"JOIN {quote(Lesson._meta.db_table)} l ON l.id = lv.lesson_id WHERE lv.user_id = {user_column} AND l.slug = %s)"
    )


def course_and_lesson_versions(*, user: User, slug: str) -> tuple[tuple[int, str], int]:
    """`course_versions()` and the student's version of lesson `slug` (0 before its first change), in one query.

    What a lesson's cached answer keys on (`courseplatform.answers`); the lesson's
    own version is `accounts.LessonVersion`, moved by `accounts.state`. No query
    when the session's query read both this request (`accounts.sessions`, for an
    API read of a lesson).
    """
    asked = getattr(user, "lesson_version_", None)
    if asked is not None and asked[0] == slug and getattr(user, "course_versions_row_", None) is not None:
        return course_versions(user=user), asked[1]
    versions, own = _course_versions_read(lesson_version_sql("%s"), [user.pk, slug])
    return versions, own or 0


def course_cache_seconds(default: int) -> int:
    """How long a cache of the course structure may live: never past the next scheduled publication."""
    due = CourseVersion.objects.filter(pk=1).values_list("next_publication_at", flat=True).first()
    if due is None:
        return default
    return max(1, min(default, int((due - timezone.now()).total_seconds()) + 1))


# No savepoint of its own: inside another service's transaction, the insert below has one.
@transaction.atomic(savepoint=False)
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
    moved = 0
    if section is not None:
        moved += LessonProgress.objects.filter(pk=progress.pk).filter(
            Q(furthest_position__lt=section.position) | Q(furthest_section__isnull=True)
        ).update(furthest_section=section, furthest_position=section.position, updated_at=now)
    if finished:
        moved += LessonProgress.objects.filter(pk=progress.pk, guide_finished_at__isnull=True).update(
            guide_finished_at=now, updated_at=now
        )
    if section is None and not finished:
        moved += LessonProgress.objects.filter(pk=progress.pk).update(updated_at=now)
    if moved:
        state.changed(user.pk)
        progress.refresh_from_db()
    return progress


@transaction.atomic
def progress_mark_done(*, user: User, lesson: Lesson) -> LessonProgress | None:
    """Count the lesson as done (its Your Turn is complete). Idempotent; nothing for a draft preview."""
    progress = progress_start(user=user, lesson=lesson)
    if progress is None:
        return None
    now = timezone.now()
    if LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=now,
        guide_finished_at=Coalesce(F("guide_finished_at"), Value(now, output_field=DateTimeField())),
        updated_at=now,
    ):
        state.changed(user.pk)
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
    if told:
        state.changed(user.pk)
    return told


def unlock_notices_take(*, user: User) -> list[Track]:
    """Return the tracks unlocked since the student was last told, and mark them told (the web dashboard).

    Each unlock is announced once, on the web or through the API's mark-read call.
    """
    return unlock_notices_mark_read(user=user)


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
