"""Reads that join Your Turn data with a student's own history.

Each runs a fixed number of queries, however many snapshots or ledger rows a
student has.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from lessons.models import Lesson, Track
from lessons.selectors import CONTENT_CACHE_SECONDS, lesson_content_cache_key

from . import insights
from .models import (
    PointsEntry,
    Reflection,
    SkillCategory,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnCompletion,
    TurnStep,
)


@dataclass
class NextUnlock:
    track: Track
    threshold: int
    needed: int


@dataclass
class PointsSummary:
    balance: int
    entries: list[PointsEntry]
    next_unlock: NextUnlock | None


@dataclass
class SnapshotView:
    snapshot: SkillSnapshot
    ratings: list[insights.Rating]

    @property
    def labels(self) -> list[str]:
        return [r.name for r in self.ratings]

    @property
    def values(self) -> list[int]:
        return [r.value for r in self.ratings]


@dataclass
class FrameworkHistory:
    framework_name: str
    framework_slug: str
    snapshots: list[SnapshotView]  # newest first

    @property
    def latest(self) -> SnapshotView | None:
        return self.snapshots[0] if self.snapshots else None


@dataclass
class TurnDefinition:
    """A lesson's Your Turn as its authors wrote it, the same for every student.

    `turn` is None for a lesson without a Your Turn.
    """

    turn: Turn | None
    steps: list[TurnStep]
    categories: list[SkillCategory]


@dataclass
class TurnPage:
    turn: Turn
    lesson: Lesson
    steps: list
    categories: list[SkillCategory]
    latest: SnapshotView | None
    reflections: dict[int, Reflection]
    completed: TurnCompletion | None
    points_here: int
    points_possible: int
    summary: PointsSummary
    patterns: insights.PatternSummary | None = None
    goals: insights.GoalsInsight | None = None
    extra: dict = field(default_factory=dict)


def ratings_of(snapshot: SkillSnapshot) -> list[insights.Rating]:
    """Plain ratings of a snapshot whose `ratings` were prefetched."""
    return [
        insights.Rating(slug=r.category_slug, name=r.category_name, value=r.value, cluster=r.cluster)
        for r in snapshot.ratings.all()
    ]


def _snapshots(user: User):
    return (
        SkillSnapshot.objects.filter(user=user)
        .select_related("framework", "turn__lesson")
        .prefetch_related(Prefetch("ratings", queryset=SnapshotRating.objects.order_by("position", "id")))
    )


def next_unlock(*, user: User, balance: int) -> NextUnlock | None:
    track = (
        Track.objects.filter(kind=Track.Kind.EXTENSION)
        .exclude(unlocks__user=user)
        .order_by("unlock_threshold", "position", "id")
        .first()
    )
    if track is None:
        return None
    return NextUnlock(track=track, threshold=track.unlock_threshold, needed=track.points_needed(balance))


def points_summary(*, user: User, limit: int | None = None, balance: int | None = None) -> PointsSummary:
    """Balance (cached on the user, kept equal to the ledger's sum), ledger and next unlock.

    The balance is read again from the database unless the caller passes one it
    has just read (e.g. `user.depth_points` of the user loaded for this request).
    """
    if balance is None:
        balance = User.objects.filter(pk=user.pk).values_list("depth_points", flat=True).get()
    entries: list[PointsEntry] = []
    if limit != 0:  # limit=0: no ledger rows wanted, so no queryset is built at all
        rows = PointsEntry.objects.filter(user=user).order_by("-created_at", "-id")
        entries = list(rows[:limit] if limit is not None else rows)
    return PointsSummary(balance=balance, entries=entries, next_unlock=next_unlock(user=user, balance=balance))


def snapshot_list(*, user: User):
    """The student's snapshots, newest first, ratings prefetched (a QuerySet to paginate)."""
    return _snapshots(user).order_by("-created_at", "-id")


def points_ledger(*, user: User):
    """The student's ledger rows, newest first (a QuerySet to paginate)."""
    return PointsEntry.objects.filter(user=user).order_by("-created_at", "-id")


def skills_history(*, user: User) -> list[FrameworkHistory]:
    """Snapshots grouped by framework, newest first (2 queries)."""
    groups: dict[str, FrameworkHistory] = {}
    for snapshot in _snapshots(user).order_by("-created_at", "-id"):
        slug = snapshot.framework.slug if snapshot.framework else f"archived-{slugify(snapshot.framework_name)}"
        group = groups.setdefault(slug, FrameworkHistory(snapshot.framework_name, slug, []))
        group.snapshots.append(SnapshotView(snapshot=snapshot, ratings=ratings_of(snapshot)))
    return list(groups.values())


def snapshot_get(*, user: User, pk: object) -> SnapshotView:
    """One of the student's own snapshots, or 404 (another student's id is unknown here)."""
    try:
        snapshot = _snapshots(user).get(pk=int(pk))
    except (SkillSnapshot.DoesNotExist, TypeError, ValueError):
        raise Http404("No such snapshot.") from None
    return SnapshotView(snapshot=snapshot, ratings=ratings_of(snapshot))


def retake_due(*, user: User) -> date | None:
    """The date a retake is suggested: 182 days after the latest snapshot."""
    latest = SkillSnapshot.objects.filter(user=user).order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is None:
        return None
    return timezone.localdate(latest + settings.SOFTSYNCED["REASSESS_AFTER"])


def turn_get(*, lesson: Lesson) -> Turn:
    try:
        return Turn.objects.select_related("framework").get(lesson=lesson)
    except Turn.DoesNotExist:
        raise Http404("This lesson has no Your Turn.") from None


def reflection_step_get(*, lesson: Lesson, number: object) -> TurnStep:
    """The lesson's Turn step `number` that takes a reflection, or 404."""
    step = TurnStep.objects.filter(turn__lesson=lesson, number=number).select_related("turn").first()
    if step is None or not step.takes_reflection:
        raise Http404("No such reflection step.")
    return step


def turn_definition(*, lesson: Lesson) -> TurnDefinition:
    """The lesson's Turn with its framework, steps and framework categories.

    Cached next to the lesson's content, by the same key (the lesson's id, content
    version and last change): saving or deleting a Turn, step, framework or
    category makes a new lesson version, so a warm request runs no query here.
    Drafts, which only staff preview, always come from the database (3 queries).
    The caller's lesson is attached to the Turn, and the Turn to its steps.
    """
    key = f"{lesson_content_cache_key(lesson)}:turn" if lesson.is_published else None
    definition = cache.get(key) if key is not None else None
    if definition is None:
        # Queried without the lesson attached, so the cached copy holds no lesson that could go stale.
        turn = Turn.objects.select_related("framework").filter(lesson_id=lesson.pk).first()
        steps = list(TurnStep.objects.filter(turn=turn).order_by("number")) if turn is not None else []
        categories = (
            list(SkillCategory.objects.filter(framework_id=turn.framework_id).order_by("position", "id"))
            if turn is not None and turn.framework_id is not None else []
        )
        definition = TurnDefinition(turn=turn, steps=steps, categories=categories)
        if key is not None:
            cache.set(key, definition, CONTENT_CACHE_SECONDS)
    if definition.turn is not None:
        definition.turn.lesson = lesson
        for step in definition.steps:
            step.turn = definition.turn
        for category in definition.categories:
            category.framework = definition.turn.framework
    return definition


def _latest_snapshot(*, user: User, turn: Turn, lesson: Lesson) -> SnapshotView | None:
    """The student's latest snapshot on this Turn with its ratings (2 short queries).

    The Turn and lesson the caller already holds are attached instead of joined
    again, and the ratings are read as plain values: readers of a SnapshotView
    use its `ratings`, not `snapshot.ratings`.
    """
    snapshot = (
        SkillSnapshot.objects.filter(user=user, turn=turn).select_related("framework").order_by("-created_at", "-id").first()
    )
    if snapshot is None:
        return None
    turn.lesson = lesson
    snapshot.turn = turn
    rows = SnapshotRating.objects.filter(snapshot=snapshot).order_by("position", "id")
    ratings = [
        insights.Rating(slug=slug, name=name, value=value, cluster=cluster)
        for slug, name, value, cluster in rows.values_list("category_slug", "category_name", "value", "cluster")
    ]
    return SnapshotView(snapshot=snapshot, ratings=ratings)


def turn_page(*, user: User, lesson: Lesson) -> TurnPage:
    """Everything the Your Turn page shows, in a fixed number of queries.

    The Turn's definition comes from the cache (see `turn_definition`); the
    student's own data from the database. The balance is the requesting user's
    `depth_points`, loaded with the user for this request.
    """
    definition = turn_definition(lesson=lesson)
    turn = definition.turn
    if turn is None:
        raise Http404("This lesson has no Your Turn.")
    steps, categories = definition.steps, definition.categories
    step_ids = [s.pk for s in steps]
    latest = _latest_snapshot(user=user, turn=turn, lesson=lesson)
    reflections = {r.step_id: r for r in Reflection.objects.filter(user=user, step_id__in=step_ids)}
    completed = TurnCompletion.objects.filter(user=user, turn=turn).first()
    points_here = sum(
        PointsEntry.objects.filter(user=user, step_id__in=step_ids).values_list("amount", flat=True)
    )
    page = TurnPage(
        turn=turn,
        lesson=lesson,
        steps=steps,
        categories=categories,
        latest=latest,
        reflections=reflections,
        completed=completed,
        points_here=points_here,
        points_possible=sum(s.points for s in steps if s.takes_reflection),
        summary=points_summary(user=user, limit=0, balance=user.depth_points),
    )
    if latest is not None:
        page.patterns = insights.pattern_summary(latest.ratings)
        framework_slug = turn.framework.slug if turn.framework else ""
        page.goals = insights.goals_insight(latest.ratings, framework_slug=framework_slug, path=user.producer_path)
    return page
