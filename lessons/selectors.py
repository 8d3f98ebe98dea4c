"""Reads that join course structure with a student's progress and access.

Every function here runs a fixed number of queries, however many tracks,
lessons or sections there are.
"""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from courseplatform.errors import DomainError

from .models import (
    FAQ,
    Lesson,
    LessonProgress,
    LessonRevision,
    Module,
    QuickReference,
    Section,
    Track,
    TrackUnlock,
    published_q,
)


class TrackLocked(DomainError):
    """The student asked for an Extension Course they have not unlocked yet.

    The API answers 403 `track_locked` with the track and the points still
    needed; the web shows the lock page (lessons.views.with_lesson).
    """

    status = 403
    code = "track_locked"

    def __init__(self, track: Track):
        super().__init__(track.slug)
        self.track = track

    def message_for(self, user) -> str:
        balance = getattr(user, "depth_points", 0) or 0
        return _("%(title)s unlocks at %(threshold)d Depth points; you have %(balance)d.") % {
            "title": self.track.title, "threshold": self.track.unlock_threshold, "balance": balance,
        }

    def extra_for(self, user) -> dict:
        track = self.track
        balance = getattr(user, "depth_points", 0) or 0
        return {"track": {"slug": track.slug, "title": track.title, "unlock_threshold": track.unlock_threshold,
                          "points_needed": track.points_needed(balance)}}


@dataclass
class LessonRow:
    lesson: Lesson
    state: str  # "done", "in_progress" or "not_started"
    progress: LessonProgress | None = None

    @property
    def state_label(self) -> str:
        return {"done": "Done", "in_progress": "In progress"}.get(self.state, "Not started")


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[LessonRow] = field(default_factory=list)


@dataclass
class TrackCard:
    track: Track
    is_open: bool
    lesson_count: int
    done_count: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done_count / self.lesson_count) if self.lesson_count else 0


@dataclass
class TrackOutline:
    track: Track
    is_open: bool
    modules: list[ModuleOutline]

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules)

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.modules for row in m.lessons if row.state == "done")


@dataclass
class LessonGuide:
    lesson: Lesson
    sections: list[Section]
    faqs: list[FAQ]
    quick_references: list[QuickReference]
    next_lesson: Lesson | None
    progress: LessonProgress | None


@dataclass
class ResumePoint:
    lesson: Lesson
    anchor: str
    started: bool

    @property
    def url(self) -> str:
        url = self.lesson.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


def lesson_state(progress: LessonProgress | None) -> str:
    return state_of(started=progress is not None, completed_at=progress.completed_at if progress else None)


def state_of(*, started: bool, completed_at) -> str:
    """A lesson's state for the student: not started, in progress (a progress row) or done (completed)."""
    if not started:
        return "not_started"
    return "done" if completed_at else "in_progress"


def unlocked_track_ids(*, user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(TrackUnlock.objects.filter(user=user).values_list("track_id", flat=True))


def extension_tracks(*, user: User) -> tuple[list[Track], set[int]]:
    """The Extension Courses in unlock order (threshold, position, id) and the ids of those the student unlocked.

    The courses are cached for everyone per course version, so a warm call reads
    only the student's unlocks; a cold one reads the courses with the student's
    flag on each, one query either way.
    """
    from .services import course_versions

    structure, content = course_versions(user=user)
    key = f"lessons:extensions:{structure}.{content}"
    tracks = cache.get(key)
    if tracks is not None:
        return tracks, unlocked_track_ids(user=user)
    mine = TrackUnlock.objects.filter(track=OuterRef("pk"), user_id=user.pk)
    tracks = list(
        Track.objects.filter(kind=Track.Kind.EXTENSION).annotate(unlocked_here=Exists(mine))
        .order_by("unlock_threshold", "position", "id")
    )
    unlocked = {track.pk for track in tracks if track.unlocked_here}
    for track in tracks:
        del track.unlocked_here  # the cached copy is everyone's
    cache.set(key, tracks, CONTENT_CACHE_SECONDS)
    return tracks, unlocked


def track_is_open(*, user: User, track: Track, unlocked: set[int] | None = None) -> bool:
    """Core tracks are open to everyone; an Extension Course once unlocked.

    Staff see every track so they can check what they wrote.
    """
    if not track.is_extension or (user.is_authenticated and user.is_staff):
        return True
    if unlocked is None:
        unlocked = unlocked_track_ids(user=user)
    return track.pk in unlocked


def track_cards(*, user: User) -> list[TrackCard]:
    """Every track with its lock state and the student's done count (3 queries)."""
    tracks = list(
        Track.objects.annotate(
            lesson_count=Count("modules__lessons", filter=published_q("modules__lessons__"))
        ).order_by("position", "id")
    )
    unlocked = unlocked_track_ids(user=user)
    done_by_track = dict(
        LessonProgress.objects.filter(published_q("lesson__"), user=user, completed_at__isnull=False)
        .values_list("lesson__module__track_id")
        .annotate(n=Count("id"))
        .values_list("lesson__module__track_id", "n")
    )
    return [
        TrackCard(
            track=t,
            is_open=track_is_open(user=user, track=t, unlocked=unlocked),
            lesson_count=t.lesson_count,
            done_count=done_by_track.get(t.pk, 0),
        )
        for t in tracks
    ]


def track_get(*, slug: str) -> Track:
    try:
        return Track.objects.get(slug=slug)
    except Track.DoesNotExist:
        raise Http404("No such track.") from None


def track_outline(*, user: User, track: Track) -> TrackOutline:
    """Modules → lessons with the student's state for each (3 queries)."""
    # An outline shows no lesson's next steps: leave the longest columns in the database.
    lessons = Lesson.objects.visible_to(user).defer("next_steps_md", "next_steps_html").order_by("position", "id")
    modules = list(
        track.modules.order_by("position", "id").prefetch_related(Prefetch("lessons", queryset=lessons))
    )
    lesson_ids = [lesson.pk for m in modules for lesson in m.lessons.all()]
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids)}
    outline = [
        ModuleOutline(
            module=m,
            lessons=[
                LessonRow(lesson=lesson, state=lesson_state(progress.get(lesson.pk)), progress=progress.get(lesson.pk))
                for lesson in m.lessons.all()
            ],
        )
        for m in modules
    ]
    return TrackOutline(track=track, is_open=track_is_open(user=user, track=track), modules=outline)


def track_outline_data(*, user: User, track: Track) -> list[dict]:
    """The outline's modules → lessons with the student's state, as plain data (the API's shape).

    For students the modules and lessons are the same for everyone until the
    course changes: they are cached per course version as plain data, and the
    student's part is one query of (lesson, done?) pairs. Staff, who also see
    drafts, get `track_outline` rewritten.
    """
    if user.is_staff:
        return [
            {**_module_fields(row.module),
             "lessons": [{**_lesson_fields(r.lesson), "state": r.state} for r in row.lessons]}
            for row in track_outline(user=user, track=track).modules
        ]
    from .services import course_versions

    structure, content = course_versions(user=user)
    key = f"lessons:outline:{structure}.{content}:{track.pk}"
    skeleton = cache.get(key)
    if skeleton is None:
        lessons = Lesson.objects.published().defer("next_steps_md", "next_steps_html").order_by("position", "id")
        skeleton = [
            {**_module_fields(m), "lessons": [{"id": lesson.pk, **_lesson_fields(lesson)} for lesson in m.lessons.all()]}
            for m in track.modules.order_by("position", "id").prefetch_related(Prefetch("lessons", queryset=lessons))
        ]
        cache.set(key, skeleton, CONTENT_CACHE_SECONDS)
    ids = [lesson["id"] for m in skeleton for lesson in m["lessons"]]
    done = dict(LessonProgress.objects.filter(user=user, lesson_id__in=ids).values_list("lesson_id", "completed_at"))
    return [
        {**{k: v for k, v in m.items() if k != "lessons"},
         "lessons": [
             {**{k: v for k, v in lesson.items() if k != "id"},
              "state": state_of(started=lesson["id"] in done, completed_at=done.get(lesson["id"]))}
             for lesson in m["lessons"]
         ]}
        for m in skeleton
    ]


def _module_fields(module: Module) -> dict:
    return {"slug": module.slug, "title": module.title, "summary": module.summary}


def _lesson_fields(lesson: Lesson) -> dict:
    return {"slug": lesson.slug, "number": lesson.number, "title": lesson.title, "subtitle": lesson.subtitle,
            "summary": lesson.summary, "estimated_minutes": lesson.estimated_minutes, "status": str(lesson.status)}


def lesson_get(*, user: User, slug: str) -> Lesson:
    """The lesson the student may read, or 404 (unknown or draft) / TrackLocked.

    What students may see (published lessons, with module and track) is cached
    per course version (structure and content, `lessons.services.course_versions`):
    every write and every API read of a lesson starts here. Staff, who also see
    drafts, always read the database.
    """
    lesson = _published_lesson(user, slug) if not user.is_staff else _staff_lesson(user, slug)
    if lesson is None:
        raise Http404("No such lesson.")
    if not track_is_open(user=user, track=lesson.module.track):
        raise TrackLocked(lesson.module.track)
    return lesson


def _staff_lesson(user: User, slug: str) -> Lesson | None:
    return Lesson.objects.visible_to(user).select_related("module__track").filter(slug=slug).first()


_NO_LESSON = "none"  # cached too: an unknown slug asked for again costs no query either
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")


def _published_lesson(user: User, slug: str) -> Lesson | None:
    from .services import course_versions

    key = None
    if _SLUG.fullmatch(slug):
        structure, content = course_versions(user=user)
        key = f"lessons:published:{structure}.{content}:{slug}"
    found = cache.get(key) if key else None
    if found is None:
        found = Lesson.objects.published().select_related("module__track").filter(slug=slug).first() or _NO_LESSON
        if key:
            cache.set(key, found, CONTENT_CACHE_SECONDS)
    return None if isinstance(found, str) else found


def next_lesson_for(*, user: User, lesson: Lesson) -> Lesson | None:
    """The lesson after this one in its track, as the user may see it (cached per course version for students)."""
    if user.is_staff:
        return _next_lesson(user, lesson)
    from .services import course_versions

    structure, content = course_versions(user=user)
    key = f"lessons:next:{structure}.{content}:{lesson.pk}"
    found = cache.get(key)
    if found is None:
        found = _next_lesson(user, lesson) or _NO_LESSON
        cache.set(key, found, CONTENT_CACHE_SECONDS)
    return None if isinstance(found, str) else found


def _next_lesson(user: User, lesson: Lesson) -> Lesson | None:
    module = lesson.module
    return (
        Lesson.objects.visible_to(user)
        .filter(module__track_id=module.track_id)
        .filter(
            # After this lesson in (module position, module id, position, id)
            # order, so equal positions (the default is 0) still lead on.
            Q(module__position__gt=module.position)
            | Q(module__position=module.position, module_id__gt=module.pk)
            | Q(module_id=module.pk, position__gt=lesson.position)
            | Q(module_id=module.pk, position=lesson.position, id__gt=lesson.pk)
        )
        .select_related("module")
        .order_by("module__position", "module_id", "position", "id")
        .first()
    )


# Published content is cached for a day per lesson version; an edit makes a new
# version (see lessons.models), so an old copy is never read again, only evicted.
CONTENT_CACHE_SECONDS = 24 * 60 * 60


@dataclass
class LessonContent:
    sections: list[Section]
    faqs: list[FAQ]
    quick_references: list[QuickReference]


def lesson_content_cache_key(lesson: Lesson) -> str:
    """The cache key of a lesson's content: its id, content version and last change.

    `updated_at` is in the key too, so a database rebuilt from scratch (same ids,
    version 1 again) cannot meet a copy cached from the previous one.
    """
    stamp = lesson.updated_at.timestamp() if lesson.updated_at else 0
    return f"lessons:content:{lesson.pk}:{lesson.content_version}:{stamp:.6f}"


def lesson_content(*, lesson: Lesson) -> LessonContent:
    """A lesson's sections, FAQs and quick reference cards, in position order.

    Published lessons come from the cache (no query) when this version of the
    lesson has been read before; drafts, which only staff preview, always from
    the database (3 queries).
    """
    key = lesson_content_cache_key(lesson) if lesson.is_published else None
    content = cache.get(key) if key is not None else None
    if content is None:
        # Queried without the lesson attached, so the cached copy holds no
        # lesson, module or track that could go stale: the caller's is attached below.
        content = LessonContent(
            sections=list(
                Section.objects.filter(lesson_id=lesson.pk, archived_at__isnull=True)
                .select_related("recall_of").order_by("position", "id")
            ),
            faqs=list(FAQ.objects.filter(lesson_id=lesson.pk).order_by("position", "id")),
            quick_references=list(QuickReference.objects.filter(lesson_id=lesson.pk).order_by("position", "id")),
        )
        if key is not None:
            cache.set(key, content, CONTENT_CACHE_SECONDS)
    for part in (*content.sections, *content.faqs, *content.quick_references):
        part.lesson = lesson
    return content


def section_get(*, lesson: Lesson, section_id: object, sections: list[Section] | None = None) -> Section | None:
    """The lesson's section with this id (None for no id), or a ValidationError naming `section`.

    `sections`: the lesson's `lesson_content` sections, when the caller holds them already.
    """
    if section_id in (None, "", 0):
        return None
    for section in sections if sections is not None else lesson_content(lesson=lesson).sections:
        if str(section.pk) == str(section_id):
            return section
    raise ValidationError({"section": [_("No such section in this lesson.")]})


def lesson_guide(*, user: User, lesson: Lesson) -> LessonGuide:
    """Everything the Guide page shows, in a fixed number of queries (content from the cache)."""
    content = lesson_content(lesson=lesson)
    sections, faqs, quick_references = content.sections, content.faqs, content.quick_references
    progress = (
        LessonProgress.objects.filter(user=user, lesson=lesson).first() if user.is_authenticated else None
    )
    return LessonGuide(
        lesson=lesson,
        sections=sections,
        faqs=faqs,
        quick_references=quick_references,
        next_lesson=next_lesson_for(user=user, lesson=lesson),
        progress=progress,
    )


def resume_point(*, user: User) -> ResumePoint | None:
    """Where "Continue" takes the student.

    The most recently read lesson that is not done, at the furthest section
    reached; otherwise the first Core Track lesson not yet done.
    """
    latest = (
        LessonProgress.objects.filter(published_q("lesson__"), user=user, completed_at__isnull=True)
        .select_related("lesson__module__track", "furthest_section")
        .order_by("-updated_at", "-id")
        .first()
    )
    if latest is not None and track_is_open(user=user, track=latest.lesson.module.track):
        anchor = latest.furthest_section.anchor if latest.furthest_section else ""
        return ResumePoint(lesson=latest.lesson, anchor=anchor, started=True)
    first_open = (
        Lesson.objects.published()
        .filter(module__track__kind=Track.Kind.CORE)
        .exclude(progress__user=user, progress__completed_at__isnull=False)
        .in_reading_order()
        .first()
    )
    if first_open is None:
        return None
    return ResumePoint(lesson=first_open, anchor="", started=False)


def unlock_notices(*, user: User) -> list[TrackUnlock]:
    """Unlocks the student has not been told about yet, oldest first, with their track (1 query).

    Only reads: showing them does not mark them read (`services.unlock_notices_mark_read` does).
    """
    return list(
        TrackUnlock.objects.filter(user=user, notified_at__isnull=True)
        .select_related("track").order_by("unlocked_at", "id")
    )


def lesson_revision_id(*, lesson_id: int) -> int | None:
    """The lesson's latest revision: what a student sees now, kept with what they write."""
    return (
        LessonRevision.objects.filter(lesson_id=lesson_id).order_by("-number").values_list("pk", flat=True).first()
    )
