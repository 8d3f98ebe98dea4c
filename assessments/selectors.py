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
from django.utils.translation import gettext as _

from accounts.models import User
from lessons import selectors as lesson_selectors
from lessons.models import Lesson, Track, TrackUnlock
from lessons.selectors import CONTENT_CACHE_SECONDS, ResumePoint, TrackCard, lesson_content_cache_key

from . import insights
from .models import (
    Draft,
    PointsEntry,
    PromptAnswer,
    Reflection,
    SkillCategory,
    SkillFramework,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnAttempt,
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
    reflections: list[Reflection] = field(default_factory=list)  # of the snapshot's attempt, step order

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
    steps: list[TurnStep]
    categories: list[SkillCategory]
    attempt: TurnAttempt | None  # the current attempt; None before the student's first save
    latest: SnapshotView | None  # the current attempt's rating
    reflections: dict[int, Reflection]  # the current attempt's, by step id
    drafts: dict[int, Draft]  # unsaved text by step id
    paid: set[int]  # ids of steps whose points the student has been paid
    completed: TurnCompletion | None
    points_here: int
    points_possible: int
    summary: PointsSummary
    earlier_attempts: int = 0
    patterns: insights.PatternSummary | None = None
    goals: insights.GoalsInsight | None = None

    @property
    def rate_step(self) -> TurnStep | None:
        return next((s for s in self.steps if s.kind == TurnStep.Kind.RATE), None)

    @property
    def text_steps(self) -> list[TurnStep]:
        return [s for s in self.steps if s.takes_reflection]


@dataclass
class PromptSlot:
    number: int
    label: str
    answer: PromptAnswer | None


@dataclass
class PromptBlock:
    """A warm-up prompt as one student sees it: their answers, a draft, the categories to tag with."""

    section: object
    slots: list[PromptSlot]
    categories: list[SkillCategory]
    draft: Draft | None
    template_name: str = "assessments/includes/prompt_form.html"
    form: object = None  # the web page's form, attached by assessments.guide

    @property
    def answers(self) -> list[PromptAnswer]:
        return [slot.answer for slot in self.slots if slot.answer is not None]

    @property
    def answered(self) -> bool:
        return bool(self.answers)


@dataclass
class RecallBlock:
    """A recall section: the student's answers to an earlier prompt, their final tags and the cluster sentence."""

    section: object
    prompt: object | None
    answers: list[PromptAnswer]
    categories: list[SkillCategory]
    cluster: str
    template_name: str = "assessments/includes/recall.html"

    @property
    def prompt_anchor(self) -> str:
        return self.prompt.anchor if self.prompt is not None else ""


def ratings_of(snapshot: SkillSnapshot) -> list[insights.Rating]:
    """Plain ratings of a snapshot whose `ratings` were prefetched."""
    return [
        insights.Rating(slug=r.category_slug, name=r.category_name, value=r.value, cluster=r.cluster)
        for r in snapshot.ratings.all()
    ]


def _snapshots(user: User):
    return (
        SkillSnapshot.objects.filter(user=user)
        .select_related("framework", "turn__lesson", "attempt")
        .prefetch_related(
            Prefetch("ratings", queryset=SnapshotRating.objects.order_by("position", "id")),
            Prefetch(
                "attempt__reflections",
                queryset=Reflection.objects.select_related("step").prefetch_related("versions")
                .order_by("step__number", "id"),
            ),
        )
    )


def snapshot_recorded(*, snapshot: SkillSnapshot, turn: Turn) -> SnapshotView:
    """A snapshot `services.snapshot_record` has just written, presented without reading it back.

    Its ratings are the rows just written; its attempt's reflections are read (one
    query, their versions only when there are some), except on an attempt the write
    started, which has none yet.
    """
    snapshot.turn = turn
    ratings = [
        insights.Rating(slug=r.category_slug, name=r.category_name, value=r.value, cluster=r.cluster)
        for r in snapshot.recorded_ratings
    ]
    reflections = getattr(snapshot, "recorded_reflections", None)
    if reflections is None:
        reflections = list(
            Reflection.objects.filter(attempt_id=snapshot.attempt_id).select_related("step")
            .prefetch_related("versions").order_by("step__number", "id")
        )
    return SnapshotView(snapshot=snapshot, ratings=ratings, reflections=reflections)


def _view(snapshot: SkillSnapshot) -> SnapshotView:
    reflections = list(snapshot.attempt.reflections.all()) if snapshot.attempt_id else []
    return SnapshotView(snapshot=snapshot, ratings=ratings_of(snapshot), reflections=reflections)


def next_unlock(*, user: User, balance: int) -> NextUnlock | None:
    """The cheapest Extension Course the student has not unlocked (one query: see `extension_tracks`)."""
    tracks, unlocked = lesson_selectors.extension_tracks(user=user)
    track = next((t for t in tracks if t.pk not in unlocked), None)
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
    """The student's ledger rows, newest first, with the step and lesson that paid each (a QuerySet to paginate).

    Only the columns a ledger row shows: a lesson row's text columns are long.
    """
    return (
        PointsEntry.objects.filter(user=user).select_related("step__turn__lesson")
        .only("id", "amount", "reason", "created_at", "step__number", "step__key", "step__title",
              "step__turn__lesson__slug", "step__turn__lesson__number", "step__turn__lesson__title")
        .order_by("-created_at", "-id")
    )


def skills_history(*, user: User) -> list[FrameworkHistory]:
    """Snapshots grouped by framework, newest first, each with its attempt's reflections (5 queries)."""
    groups: dict[str, FrameworkHistory] = {}
    for snapshot in _snapshots(user).order_by("-created_at", "-id"):
        slug = snapshot.framework.slug if snapshot.framework else f"archived-{slugify(snapshot.framework_name)}"
        group = groups.setdefault(slug, FrameworkHistory(snapshot.framework_name, slug, []))
        group.snapshots.append(_view(snapshot))
    return list(groups.values())


def snapshot_by_client_id(*, user: User, client_id: object) -> bool:
    """Whether the student already has the snapshot their app made with this client_id."""
    return SkillSnapshot.objects.filter(user=user, client_id=client_id).exists()


def snapshot_get(*, user: User, pk: object) -> SnapshotView:
    """One of the student's own snapshots, or 404 (another student's id is unknown here)."""
    try:
        snapshot = _snapshots(user).get(pk=int(pk))
    except (SkillSnapshot.DoesNotExist, TypeError, ValueError):
        raise Http404("No such snapshot.") from None
    return _view(snapshot)


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
    """The lesson's (not archived) Turn step `number` that takes text, or 404."""
    step = next((s for s in turn_definition(lesson=lesson).steps if str(s.number) == str(number)), None)
    if step is None or not step.takes_reflection:
        raise Http404("No such reflection step.")
    return step


def prompt_section_get(*, lesson: Lesson, section_id: object = None):
    """The lesson's warm-up prompt with this id; with no id, its only one.

    Http404 for an id that names no warm-up prompt of this lesson (the web's URL);
    a ValidationError naming `section` when no id was given and there is not
    exactly one (the API lets a client leave the id out).
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from lessons.selectors import lesson_content

    prompts = [s for s in lesson_content(lesson=lesson).sections if s.kind == s.Kind.WARMUP_PROMPT]
    if section_id is not None:
        for prompt in prompts:
            if str(prompt.pk) == str(section_id):
                return prompt
        raise ValidationError({"section": [_("This lesson has no warm-up prompt with this id.")]})
    if len(prompts) == 1:
        return prompts[0]
    if not prompts:
        raise ValidationError({"section": [_("This lesson has no warm-up prompt.")]})
    raise ValidationError({"section": [_("This lesson has several warm-up prompts: say which one.")]})


def prompt_categories(*, lesson: Lesson) -> list[SkillCategory]:
    """The categories a lesson's warm-up answers are tagged with.

    The lesson's Your Turn framework when it has one (cached with the Turn), else
    the first framework that is not archived.
    """
    definition = turn_definition(lesson=lesson)
    if definition.turn is not None and definition.turn.framework is not None:
        return definition.categories
    framework = SkillFramework.objects.active().order_by("position", "id").first()
    return list(framework.categories.active().order_by("position", "id")) if framework else []


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
        steps = list(TurnStep.objects.active().filter(turn=turn).order_by("number")) if turn is not None else []
        categories = (
            list(SkillCategory.objects.active().filter(framework_id=turn.framework_id).order_by("position", "id"))
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


def _attempt_snapshot(*, attempt: TurnAttempt | None, turn: Turn, lesson: Lesson) -> SnapshotView | None:
    """The current attempt's latest rating with its ratings (2 short queries).

    The Turn, its framework and lesson the caller already holds are attached
    instead of joined again (a rating on a framework the Turn no longer uses
    reads its own when shown), and the ratings are read as plain values: readers
    of a SnapshotView use its `ratings`, not `snapshot.ratings`.
    """
    if attempt is None:
        return None
    snapshot = SkillSnapshot.objects.filter(attempt=attempt).order_by("-created_at", "-id").first()
    if snapshot is None:
        return None
    if snapshot.framework_id is not None and snapshot.framework_id == turn.framework_id:
        snapshot.framework = turn.framework  # the cached definition's: no join for it
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
    student's own data from the database: the current attempt, its rating and
    reflections, drafts, and what has been paid. The balance is the requesting
    user's `depth_points`, loaded with the user for this request.
    """
    definition = turn_definition(lesson=lesson)
    turn = definition.turn
    if turn is None:
        raise Http404("This lesson has no Your Turn.")
    steps, categories = definition.steps, definition.categories
    attempts = list(TurnAttempt.objects.filter(user=user, turn=turn).order_by("-number")[:1])
    attempt = attempts[0] if attempts else None
    latest = _attempt_snapshot(attempt=attempt, turn=turn, lesson=lesson)
    reflections = (  # by step, so in no order: none of the default ordering's joins
        {r.step_id: r for r in Reflection.objects.filter(attempt=attempt).order_by()} if attempt is not None else {}
    )
    text_steps = {f"reflection:{s.pk}": s for s in steps if s.takes_reflection}
    drafts = {
        text_steps[d.target].pk: d
        for d in Draft.objects.filter(user=user, target__in=list(text_steps))
    } if text_steps else {}
    completed = TurnCompletion.objects.filter(user=user, turn=turn).first()
    by_key = {s.points_source_key: s for s in steps if s.takes_reflection and s.points}
    paid_rows = list(
        PointsEntry.objects.filter(user=user, source_key__in=list(by_key)).values_list("source_key", "amount")
    ) if by_key else []
    page = TurnPage(
        turn=turn,
        lesson=lesson,
        steps=steps,
        categories=categories,
        attempt=attempt,
        latest=latest,
        reflections=reflections,
        drafts=drafts,
        paid={by_key[key].pk for key, _amount in paid_rows},
        completed=completed,
        points_here=sum(amount for _key, amount in paid_rows),
        points_possible=sum(s.points for s in steps if s.takes_reflection),
        summary=points_summary(user=user, limit=0, balance=user.depth_points),
        earlier_attempts=(attempt.number - 1) if attempt is not None else 0,
    )
    if latest is not None:
        page.patterns = insights.pattern_summary(latest.ratings)
        framework_slug = turn.framework.slug if turn.framework else ""
        page.goals = insights.goals_insight(latest.ratings, framework_slug=framework_slug, path=user.producer_path)
    return page


def _recall_cluster(answers, total: int) -> str:
    from .guide import cluster_sentence

    return cluster_sentence(answers, total)


def guide_blocks(*, user: User, lesson: Lesson, sections) -> dict[int, PromptBlock | RecallBlock]:
    """The Guide's per-student blocks by section id: warm-up prompts and their recalls (2 queries).

    The Guide template and the API presenter both read these objects.
    """
    prompts = [s for s in sections if s.kind == s.Kind.WARMUP_PROMPT]
    recalls = [s for s in sections if s.kind == s.Kind.RECALL and s.recall_of_id]
    if not (prompts or recalls) or not user.is_authenticated:
        return {}
    prompt_ids = {s.pk for s in prompts} | {s.recall_of_id for s in recalls}
    answers: dict[int, list[PromptAnswer]] = {}
    for answer in PromptAnswer.objects.filter(user=user, section_id__in=prompt_ids).select_related("category"):
        answers.setdefault(answer.section_id, []).append(answer)
    drafts = {
        d.target: d for d in Draft.objects.filter(user=user, target__in=[f"warmup:{s.pk}" for s in prompts])
    } if prompts else {}
    categories = prompt_categories(lesson=lesson)
    blocks: dict[int, PromptBlock | RecallBlock] = {}
    for section in prompts:
        mine = {a.position: a for a in answers.get(section.pk, [])}
        label = section.answer_label or _("Answer")
        blocks[section.pk] = PromptBlock(
            section=section,
            slots=[PromptSlot(number=n, label=f"{label} {n}", answer=mine.get(n))
                   for n in range(1, section.answer_count + 1)],
            categories=categories,
            draft=drafts.get(f"warmup:{section.pk}"),
        )
    for section in recalls:
        mine = sorted(answers.get(section.recall_of_id, []), key=lambda a: a.position)
        prompt = section.recall_of
        blocks[section.pk] = RecallBlock(
            section=section,
            prompt=prompt,
            answers=mine,
            categories=categories,
            cluster=_recall_cluster(mine, prompt.answer_count if prompt else len(mine)),
        )
    return blocks


@dataclass
class Dashboard:
    """What the dashboard shows a student, on the web and through the API."""

    resume: ResumePoint | None  # where Continue leads; None once the Core Track is done
    core_cards: list[TrackCard]
    extension_cards: list[TrackCard]
    returning: bool  # "Welcome back" rather than "Welcome"
    retake_due: date | None
    summary: PointsSummary  # balance and next unlock (no ledger rows)
    notices: list[TrackUnlock]  # unlocks not yet announced; reading them does not mark them read


def dashboard(*, user: User) -> Dashboard:
    """The dashboard in a fixed number of queries (track cards 3, resume 1-2, retake 1, next unlock 1, notices 1)."""
    cards = lesson_selectors.track_cards(user=user)
    resume = lesson_selectors.resume_point(user=user)
    return Dashboard(
        resume=resume,
        core_cards=[c for c in cards if not c.track.is_extension],
        extension_cards=[c for c in cards if c.track.is_extension],
        # A new student is welcomed; one who has read, written or earned anything, welcomed back.
        returning=resume is None or resume.started or bool(user.depth_points) or any(c.done_count for c in cards),
        retake_due=retake_due(user=user),
        summary=points_summary(user=user, limit=0, balance=user.depth_points),
        notices=lesson_selectors.unlock_notices(user=user),
    )
