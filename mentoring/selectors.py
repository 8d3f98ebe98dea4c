"""Reads for mentors, peers, students and staff: who may see which attempt, and the aggregates.

Visibility has one home: `attempt_for_viewer`. An attempt's text is shown to
its owner, to the mentors of a cohort the owner belongs to when the owner
shared it with mentors, and to the owner's cohort peers when shared with peers.
Everyone else, staff included, gets a 404: the attempt is simply not found.

The aggregates (`cohort_radar`, `blind_spots`, `lesson_funnel`) are computed in
SQL over a set of students given as a subquery, so their query count does not
depend on how many students there are; the cohort view and /reports/ share them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from assessments import insights
from assessments.models import (
    Reflection,
    SkillCategory,
    SkillFramework,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnAttempt,
    TurnCompletion,
)
from lessons.models import Lesson, LessonProgress, Track

from .models import MENTOR_PERMISSION, Cohort, Feedback, FeedbackGuidance, Membership, Share


def min_group() -> int:
    return settings.SOFTSYNCED["MIN_AGGREGATE_SIZE"]


# --- Who sees what -----------------------------------------------------------------


def active_cohort_ids(*, user: User) -> QuerySet:
    """The ids of the cohorts the user is a member of now (a subquery)."""
    return Membership.objects.active().filter(user=user).values("cohort_id")


def is_mentor(user: User) -> bool:
    return user.is_authenticated and user.has_perm(MENTOR_PERMISSION)


def mentors_student(*, mentor: User, student_id: int) -> bool:
    """Whether `mentor` has the mentor role and mentors a cohort the student belongs to now."""
    if not is_mentor(mentor):
        return False
    return Membership.objects.active().filter(user_id=student_id, cohort__mentors=mentor).exists()


def peers(*, user: User, other_id: int) -> bool:
    """Whether the two are members of the same cohort now."""
    return Membership.objects.active().filter(user_id=other_id, cohort_id__in=active_cohort_ids(user=user)).exists()


@dataclass
class Access:
    attempt: TurnAttempt
    role: str  # "owner", "mentor" or "peer"

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"


def share_of(attempt: TurnAttempt) -> Share | None:
    try:
        return attempt.share
    except Share.DoesNotExist:
        return None


def attempt_for_viewer(*, viewer: User, attempt_id: object) -> Access:
    """The attempt and the viewer's role towards it, or Http404 when it was not shared with them."""
    try:
        attempt = (
            TurnAttempt.objects.select_related("user", "turn__lesson__module__track", "turn__framework", "share")
            .get(pk=int(attempt_id))
        )
    except (TurnAttempt.DoesNotExist, TypeError, ValueError):
        raise Http404("No such attempt.") from None
    if attempt.user_id == viewer.pk:
        return Access(attempt=attempt, role="owner")
    share = share_of(attempt)
    if share is not None:
        if share.with_mentors and mentors_student(mentor=viewer, student_id=attempt.user_id):
            return Access(attempt=attempt, role="mentor")
        if share.with_peers and peers(user=viewer, other_id=attempt.user_id):
            return Access(attempt=attempt, role="peer")
    raise Http404("No such attempt.")


def own_attempt_get(*, user: User, attempt_id: object) -> TurnAttempt:
    """One of the user's own attempts, or 404."""
    try:
        return TurnAttempt.objects.select_related("turn__lesson", "share").get(pk=int(attempt_id), user=user)
    except (TurnAttempt.DoesNotExist, TypeError, ValueError):
        raise Http404("No such attempt.") from None


def own_attempts(*, user: User) -> QuerySet:
    """The user's attempts, newest first, with their lesson and share (a QuerySet to paginate)."""
    return (
        TurnAttempt.objects.filter(user=user)
        .select_related("turn__lesson", "share")
        .order_by("-started_at", "-id")
    )


def feedback_get(*, viewer: User, feedback_id: object) -> tuple[Feedback, Access]:
    """A comment on an attempt the viewer may read, or 404 (a hidden one only for mentors)."""
    try:
        feedback = Feedback.objects.select_related("author").get(pk=int(feedback_id))
    except (Feedback.DoesNotExist, TypeError, ValueError):
        raise Http404("No such comment.") from None
    access = attempt_for_viewer(viewer=viewer, attempt_id=feedback.attempt_id)
    if feedback.is_hidden and not access.is_mentor:
        raise Http404("No such comment.")
    return feedback, access


# --- A shared attempt as a reader sees it --------------------------------------------


@dataclass
class Thread:
    comment: Feedback
    reply: Feedback | None


@dataclass
class AttemptView:
    access: Access
    snapshot: SkillSnapshot | None
    ratings: list[insights.Rating]
    reflections: list[Reflection]
    threads: list[Thread]
    share: Share | None
    guidance_html: str = ""

    @property
    def attempt(self) -> TurnAttempt:
        return self.access.attempt

    @property
    def can_comment(self) -> bool:
        if self.access.is_owner:
            return False
        return not any(t.comment.author_id == self.viewer_id for t in self.threads)

    viewer_id: int = 0


def _threads(feedback: list[Feedback], *, include_hidden: bool) -> list[Thread]:
    replies = {f.reply_to_id: f for f in feedback if f.reply_to_id}
    return [
        Thread(comment=f, reply=replies.get(f.pk))
        for f in feedback
        if f.reply_to_id is None and (include_hidden or not f.is_hidden)
    ]


def attempt_view(*, viewer: User, attempt_id: object) -> AttemptView:
    """A shared (or own) attempt with its rating, reflections and comment threads (at most 7 queries).

    Mentors see every comment (hidden ones marked) and the reports on them; peers
    see the peers' comments and the student's replies to those.
    """
    access = attempt_for_viewer(viewer=viewer, attempt_id=attempt_id)
    attempt = access.attempt
    snapshot = SkillSnapshot.objects.filter(attempt=attempt).order_by("-created_at", "-id").first()
    ratings = []
    if snapshot is not None:
        ratings = [
            insights.Rating(slug=slug, name=name, value=value, cluster=cluster)
            for slug, name, value, cluster in SnapshotRating.objects.filter(snapshot=snapshot)
            .order_by("position", "id").values_list("category_slug", "category_name", "value", "cluster")
        ]
    reflections = list(Reflection.objects.filter(attempt=attempt).select_related("step").order_by("step__number"))
    feedback = Feedback.objects.filter(attempt=attempt).select_related("author").order_by("created_at", "id")
    if access.role == "peer":
        # Peers see the peer conversation; what the mentor and the student say to each other stays theirs.
        feedback = feedback.filter(Q(role=Feedback.Role.PEER) | Q(reply_to__role=Feedback.Role.PEER))
    feedback = list(feedback.prefetch_related("reports") if access.is_mentor else feedback)
    guidance = ""
    if access.role == "peer":
        guidance_row = FeedbackGuidance.objects.filter(turn_id=attempt.turn_id).first()
        guidance = guidance_row.guidance_html if guidance_row else ""
    return AttemptView(
        access=access, snapshot=snapshot, ratings=ratings, reflections=reflections,
        threads=_threads(feedback, include_hidden=access.is_mentor), share=share_of(attempt),
        guidance_html=guidance, viewer_id=viewer.pk,
    )


def feedback_for_owner(*, user: User, attempt_ids: list[int] | None = None) -> dict[int, list[Thread]]:
    """Visible comments (not hidden) on the user's own attempts, with the user's replies, by attempt id."""
    rows = Feedback.objects.filter(attempt__user=user).select_related("author", "attempt__turn__lesson")
    if attempt_ids is not None:
        rows = rows.filter(attempt_id__in=attempt_ids)
    by_attempt: dict[int, list[Feedback]] = {}
    for row in rows.order_by("created_at", "id"):
        by_attempt.setdefault(row.attempt_id, []).append(row)
    return {pk: _threads(items, include_hidden=False) for pk, items in by_attempt.items()}


def feedback_list(*, user: User) -> QuerySet:
    """Comments (not hidden) on the user's attempts, newest first, each with the user's reply (API list)."""
    return (
        Feedback.objects.filter(attempt__user=user, reply_to__isnull=True, hidden_at__isnull=True)
        .select_related("author", "attempt__turn__lesson")
        .prefetch_related(Prefetch("replies", queryset=Feedback.objects.filter(role=Feedback.Role.STUDENT)))
        .order_by("-created_at", "-id")
    )


# --- Cohorts ------------------------------------------------------------------------


def cohort_for_mentor(*, mentor: User, pk: object) -> Cohort:
    try:
        return Cohort.objects.mentored_by(mentor).get(pk=int(pk))
    except (Cohort.DoesNotExist, TypeError, ValueError):
        raise Http404("No such cohort.") from None


def cohort_for_member(*, user: User, pk: object) -> Cohort:
    try:
        return Cohort.objects.filter(pk__in=active_cohort_ids(user=user)).get(pk=int(pk))
    except (Cohort.DoesNotExist, TypeError, ValueError):
        raise Http404("No such cohort.") from None


def my_cohorts(*, user: User) -> list[Membership]:
    """The user's current memberships with each cohort's mentors and size (3 queries)."""
    memberships = list(
        Membership.objects.active().filter(user=user)
        .select_related("cohort")
        .annotate(members=Count("cohort__memberships", filter=Q(cohort__memberships__left_at__isnull=True)))
        .prefetch_related("cohort__mentors")
        .order_by("cohort__name", "cohort_id")
    )
    for membership in memberships:
        membership.mentor_names = ", ".join(mentor.name for mentor in membership.cohort.mentors.all())
    return memberships


def member_ids(cohort: Cohort) -> QuerySet:
    """The cohort's current members' ids, as a subquery."""
    return Membership.objects.active().filter(cohort=cohort).values("user_id")


def peer_shared_attempts(*, user: User, cohort: Cohort) -> list[TurnAttempt]:
    """Attempts the cohort's other members shared with peers, newest first."""
    return list(
        TurnAttempt.objects.filter(user_id__in=member_ids(cohort), share__with_peers=True)
        .exclude(user=user)
        .select_related("user", "turn__lesson")
        .order_by("-started_at", "-id")[:50]
    )


@dataclass
class MemberRow:
    user: User
    joined_at: datetime
    lessons_done: int
    last_active: datetime | None
    latest_rating_at: datetime | None
    retake_due: date | None
    nudge: list[str] = field(default_factory=list)


def cohort_members(*, cohort: Cohort, today: date | None = None) -> list[MemberRow]:
    """Each current member's progress and whether they need a nudge (1 query)."""
    now = timezone.now()
    today = today or timezone.localdate()
    done = (
        LessonProgress.objects.filter(user=OuterRef("user_id"), completed_at__isnull=False)
        .order_by().values("user").annotate(n=Count("id")).values("n")
    )
    last_read = (
        LessonProgress.objects.filter(user=OuterRef("user_id")).order_by().values("user")
        .annotate(at=Max("updated_at")).values("at")
    )
    last_written = (
        Reflection.objects.filter(user=OuterRef("user_id")).order_by().values("user")
        .annotate(at=Max("updated_at")).values("at")
    )
    last_rated = (
        SkillSnapshot.objects.filter(user=OuterRef("user_id")).order_by().values("user")
        .annotate(at=Max("created_at")).values("at")
    )
    memberships = (
        Membership.objects.active().filter(cohort=cohort).select_related("user")
        .annotate(done=Subquery(done), read_at=Subquery(last_read), wrote_at=Subquery(last_written),
                  rated_at=Subquery(last_rated))
        .order_by("user__display_name", "user__email")
    )
    after = settings.SOFTSYNCED["REASSESS_AFTER"]
    idle = settings.SOFTSYNCED["NUDGE_AFTER"]
    rows = []
    for m in memberships:
        moments = [t for t in (m.read_at, m.wrote_at, m.rated_at) if t is not None]
        last = max(moments) if moments else None
        due = timezone.localdate(m.rated_at + after) if m.rated_at else None
        row = MemberRow(user=m.user, joined_at=m.joined_at, lessons_done=m.done or 0, last_active=last,
                        latest_rating_at=m.rated_at, retake_due=due)
        if (last or m.joined_at) < now - idle:
            row.nudge.append("inactive")
        if due is not None and due <= today:
            row.nudge.append("retake")
        rows.append(row)
    return rows


@dataclass
class AwaitingRow:
    attempt: TurnAttempt
    last_written: datetime


def awaiting_feedback(*, cohort: Cohort) -> list[AwaitingRow]:
    """Attempts members shared with mentors whose latest writing has no mentor comment after it (1 query)."""
    last_mentor = (
        Feedback.objects.filter(attempt=OuterRef("pk"), role=Feedback.Role.MENTOR).order_by()
        .values("attempt").annotate(at=Max("created_at")).values("at")
    )
    attempts = (
        TurnAttempt.objects.filter(user_id__in=member_ids(cohort), share__with_mentors=True)
        .annotate(written=Max("reflections__updated_at"), answered=Subquery(last_mentor))
        .filter(written__isnull=False)
        .filter(Q(answered__isnull=True) | Q(answered__lt=F("written")))
        .select_related("user", "turn__lesson")
        .order_by("written", "id")
    )
    return [AwaitingRow(attempt=a, last_written=a.written) for a in attempts]


# --- Aggregates (cohort and staff reports) ---------------------------------------------


@dataclass
class Scope:
    """Whose data an aggregate covers: some people (a User id subquery; None: every student) and/or a track.

    "Every student" is every account that is not staff; a track's students are
    those who opened one of its lessons.
    """

    users: QuerySet | None = None
    track: Track | None = None

    def people(self) -> QuerySet:
        """The people covered, as a subquery of distinct user ids."""
        people = User.objects.filter(pk__in=self.users) if self.users is not None else User.objects.filter(is_staff=False)
        if self.track is not None:
            people = people.filter(
                Exists(LessonProgress.objects.filter(user=OuterRef("pk"), lesson__module__track=self.track))
            )
        return people.values("id")


def _rating_counts(scope: Scope) -> list[tuple[int, str, int, int, int]]:
    """(framework id, category key, value, people, of whom it is their lowest) over each person's latest snapshot.

    One SQL statement, the same on PostgreSQL and SQLite: each person's latest
    snapshot per framework is found through the (user, framework, -created_at)
    index, one probe per person, and the ratings are grouped in the database;
    a rating is someone's lowest when it equals the minimum of their snapshot.
    """
    qn = connection.ops.quote_name
    people_sql, people_params = scope.people().query.sql_with_params()
    snapshot, rating, framework = (qn(m._meta.db_table) for m in (SkillSnapshot, SnapshotRating, SkillFramework))
    track_sql, track_params = "", ()
    if scope.track is not None:
        turns_sql, track_params = Turn.objects.filter(lesson__module__track=scope.track).values("id").query.sql_with_params()
        track_sql = f" AND s.turn_id IN ({turns_sql})"
    sql = f"""
        WITH people(id) AS ({people_sql}),
        latest(id, framework_id) AS (
            SELECT (SELECT s.id FROM {snapshot} s
                    WHERE s.user_id = p.id AND s.framework_id = f.id{track_sql}
                    ORDER BY s.created_at DESC, s.id DESC LIMIT 1), f.id
            FROM people p CROSS JOIN {framework} f
        ),
        rated(framework_id, slug, value, lowest) AS (
            SELECT l.framework_id, r.category_slug, r.value, MIN(r.value) OVER (PARTITION BY r.snapshot_id)
            FROM latest l JOIN {rating} r ON r.snapshot_id = l.id
        )
        SELECT framework_id, slug, value, COUNT(*), SUM(CASE WHEN value = lowest THEN 1 ELSE 0 END)
        FROM rated GROUP BY framework_id, slug, value
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (*people_params, *track_params))
        return [tuple(row) for row in cursor.fetchall()]


@dataclass
class CategoryStats:
    slug: str
    name: str
    people: int
    median: float
    q1: float
    q3: float
    low: int
    high: int
    lowest_for: int = 0  # members whose lowest rating is this category (ties count for each)


@dataclass
class FrameworkStats:
    slug: str
    name: str
    people: int
    categories: list[CategoryStats]
    enough: bool  # at least MIN_AGGREGATE_SIZE people: otherwise nothing is shown

    @property
    def labels(self) -> list[str]:
        return [c.name for c in self.categories]


def _quantile(histogram: dict[int, int], q: float) -> float:
    """The q-quantile (linear interpolation, like numpy's default) of values given as {value: count}."""
    values = [v for v in sorted(histogram) for _ in range(histogram[v])]
    if not values:
        return 0.0
    position = (len(values) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return round(values[lower] + (values[upper] - values[lower]) * (position - lower), 2)


def skill_stats(*, scope: Scope) -> list[FrameworkStats]:
    """Median, quartiles and range per category of each person's latest rating, and the blind-spot counts.

    Two queries whatever the number of people (see `_rating_counts`); quantiles
    come from the per-value counts (at most ten values per category).
    """
    counts: dict[tuple[int, str], dict[int, int]] = {}
    lowest: Counter = Counter()
    for framework_id, slug, value, people, lowest_for in _rating_counts(scope):
        counts.setdefault((framework_id, slug), {})[value] = people
        lowest[(framework_id, slug)] += lowest_for or 0
    framework_ids = {key[0] for key in counts}
    if not framework_ids:
        return []
    categories = (
        SkillCategory.objects.filter(framework_id__in=framework_ids).select_related("framework")
        .order_by("framework__position", "framework_id", "position", "id")
    )
    result: dict[int, FrameworkStats] = {}
    for category in categories:
        key = (category.framework_id, category.slug)
        hist = counts.get(key)
        if not hist:
            continue
        stats = result.setdefault(category.framework_id, FrameworkStats(
            slug=category.framework.slug, name=category.framework.name, people=0, categories=[], enough=False,
        ))
        if any(c.slug == category.slug for c in stats.categories):
            continue  # an archived category re-created with the same key
        people = sum(hist.values())
        stats.people = max(stats.people, people)
        stats.categories.append(CategoryStats(
            slug=category.slug, name=category.name, people=people,
            median=_quantile(hist, 0.5), q1=_quantile(hist, 0.25), q3=_quantile(hist, 0.75),
            low=min(hist), high=max(hist), lowest_for=lowest.get(key, 0),
        ))
    for stats in result.values():
        # A category fewer people rated (one added later) would show someone's own rating: left out.
        stats.categories = [c for c in stats.categories if c.people >= min_group()]
        stats.enough = stats.people >= min_group() and bool(stats.categories)
    return list(result.values())


@dataclass
class FunnelRow:
    lesson: Lesson
    opened: int
    guide_finished: int
    turn_complete: int


def lesson_funnel(*, scope: Scope) -> list[FunnelRow]:
    """Per published lesson: how many opened it, finished its Guide, completed its Turn (3 queries)."""
    lessons = Lesson.objects.published().select_related("module__track").in_reading_order()
    progress = LessonProgress.objects.all()
    completions = TurnCompletion.objects.all()
    if scope.track is not None:
        lessons = lessons.filter(module__track=scope.track)
        progress = progress.filter(lesson__module__track=scope.track)
        completions = completions.filter(turn__lesson__module__track=scope.track)
    if scope.users is not None:
        progress = progress.filter(user_id__in=scope.users)
        completions = completions.filter(user_id__in=scope.users)
    else:
        # Every student (of the track: its lessons' progress already says who they are), staff left out.
        staff = User.objects.filter(is_staff=True).values("id")
        progress = progress.exclude(user_id__in=staff)
        completions = completions.exclude(user_id__in=staff)
    opened = {
        row["lesson_id"]: row
        for row in progress.values("lesson_id").annotate(
            opened=Count("id"), finished=Count("id", filter=Q(guide_finished_at__isnull=False))
        ).order_by()
    }
    done = dict(completions.values("turn__lesson_id").annotate(n=Count("id")).order_by().values_list("turn__lesson_id", "n"))
    return [
        FunnelRow(lesson=lesson, opened=opened.get(lesson.pk, {}).get("opened", 0),
                  guide_finished=opened.get(lesson.pk, {}).get("finished", 0), turn_complete=done.get(lesson.pk, 0))
        for lesson in lessons
    ]


@dataclass
class CohortDashboard:
    cohort: Cohort
    members: list[MemberRow]
    frameworks: list[FrameworkStats]
    funnel: list[FunnelRow]
    awaiting: list[AwaitingRow]

    @property
    def nudges(self) -> list[MemberRow]:
        return [m for m in self.members if m.nudge]


def cohort_dashboard(*, cohort: Cohort) -> CohortDashboard:
    scope = Scope(users=member_ids(cohort))
    return CohortDashboard(
        cohort=cohort,
        members=cohort_members(cohort=cohort),
        frameworks=skill_stats(scope=scope),
        funnel=lesson_funnel(scope=scope),
        awaiting=awaiting_feedback(cohort=cohort),
    )


# --- Staff reports --------------------------------------------------------------------


@dataclass
class Report:
    track: Track | None
    students: int
    frameworks: list[FrameworkStats]
    funnel: list[FunnelRow]
    as_of: datetime


def report_cache_key(track: Track | None) -> str:
    return f"mentoring:report:{track.slug if track else 'all'}"


def staff_report(*, track: Track | None = None, fresh: bool = False) -> Report:
    """The aggregates over every student, or one track's students; cached for an hour.

    A fixed number of queries whatever the number of students (see `skill_stats`,
    `lesson_funnel`); the report says when it was computed (`as_of`).
    """
    key = report_cache_key(track)
    report = None if fresh else cache.get(key)
    if report is None:
        scope = Scope(track=track)
        students = scope.people().count()
        report = Report(track=track, students=students, frameworks=skill_stats(scope=scope),
                        funnel=lesson_funnel(scope=scope), as_of=timezone.now())
        cache.set(key, report, settings.SOFTSYNCED["REPORT_CACHE_SECONDS"])
    return report
