"""Writes with rules for Your Turn. The web views and the API both call these.

Each is typed, keyword-only and atomic. Once-only rules (one award per source,
one completion, one reflection per step) are unique constraints in the
database; an IntegrityError there means "already done", which is what keeps
retries and concurrent requests from paying twice, on SQLite and PostgreSQL.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import state
from accounts.models import User
from accounts.services import DEFINITION_OF_SUCCESS_MAX_LENGTH, profile_update
from courseplatform.text import text_problem
from lessons.models import Lesson, Section, Track
from lessons.selectors import lesson_revision_id
from lessons.services import progress_mark_done, track_unlock

from . import depth, selectors
from .models import (
    MAX_RATING,
    MIN_RATING,
    Draft,
    PointsEntry,
    PromptAnswer,
    Reflection,
    ReflectionVersion,
    SkillCategory,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnAttempt,
    TurnCompletion,
    TurnStep,
)


@dataclass
class ReflectionResult:
    reflection: Reflection
    verdict: depth.Verdict
    points_awarded: int = 0
    already_paid: bool = False
    unlocked: list[Track] = field(default_factory=list)
    replayed: bool = False  # the save named by this client_id had already been made: nothing was written


@dataclass
class CompletionResult:
    completion: TurnCompletion
    created: bool


def count_words(text: str) -> int:
    return depth.word_stats(text).words


def _check_text(errors: dict[str, list[str]], name: str, value: object) -> str | None:
    """The stripped text, or None after recording why `value` is refused under `name`."""
    problem = text_problem(value)
    if problem:
        errors[name] = [problem]
        return None
    return value.strip()


def suggest_category(text: str, categories: Sequence[SkillCategory]) -> SkillCategory | None:
    """The category whose keywords the text mentions most; None when none or a tie."""
    words = " " + " ".join(depth.words_of(text)) + " "
    scores = []
    for category in categories:
        hits = sum(words.count(f" {' '.join(depth.words_of(k))} ") for k in category.keyword_list() if depth.words_of(k))
        scores.append((hits, category))
    scores = sorted((s for s in scores if s[0]), key=lambda s: -s[0])
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


@transaction.atomic
def prompt_answers_save(
    *, user: User, section: Section, answers: Sequence[Mapping[str, object]], clear: bool = False
) -> list[PromptAnswer]:
    """Save a student's answers to a warm-up prompt.

    `answers` is a list of {"text": str, "category": slug or "", "clear": bool}; slot N is
    the N-th item. An empty text keeps what that slot already holds unless the item
    says `clear` (or `clear` is true for the whole prompt): nothing saved is lost by
    sending empty boxes. A slot left untagged gets the category its keywords suggest,
    marked as a suggestion. Errors name the field (`answers.2.text`); nothing is saved
    when any answer is invalid. Saving discards the prompt's draft.
    """
    if section.kind != Section.Kind.WARMUP_PROMPT or section.is_archived:
        raise ValidationError({"section": [_("This section does not ask for answers.")]})
    if not isinstance(answers, Sequence) or isinstance(answers, str):
        raise ValidationError({"answers": [_("Send the answers as a list.")]})
    if len(answers) > section.answer_count:
        raise ValidationError(
            {"answers": [_("At most %(count)d answers are asked for.") % {"count": section.answer_count}]}
        )
    categories = {c.slug: c for c in selectors.prompt_categories(lesson=section.lesson)}
    limit = settings.SOFTSYNCED["PROMPT_ANSWER_MAX_CHARS"]
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[int, str, SkillCategory | None, bool]] = []
    for index, answer in enumerate(answers, start=1):
        if not isinstance(answer, Mapping):
            errors[f"answers.{index}"] = [_("Each answer must be an object with a text.")]
            continue
        text = _check_text(errors, f"answers.{index}.text", answer.get("text", ""))
        slug = answer.get("category") or ""
        if text is not None and len(text) > limit:
            errors[f"answers.{index}.text"] = [
                _("Keep each answer under %(limit)d characters (this one has %(count)d).")
                % {"limit": limit, "count": len(text)}
            ]
        if not isinstance(slug, str) or (slug and slug not in categories):
            errors[f"answers.{index}.category"] = [_("Unknown skill category: %(slug)s.") % {"slug": slug}]
            continue
        if text is not None:
            cleaned.append((index, text, categories.get(slug) if slug else None, bool(clear or answer.get("clear"))))
    if errors:
        raise ValidationError(errors)

    existing = {a.position: a for a in PromptAnswer.objects.select_for_update().filter(user=user, section=section)}
    if not existing and not any(text for _i, text, _c, _x in cleaned):
        raise ValidationError({"answers": [_("Write at least one answer before saving.")]})
    # The revision the student answered: a later edit of the prompt never changes what this answered.
    revision_id = lesson_revision_id(lesson_id=section.lesson_id)
    for position, text, category, clear_slot in cleaned:
        current = existing.get(position)
        if not text:
            if current is not None and clear_slot:
                current.delete()
            continue
        suggested = False
        if category is None:
            category = suggest_category(text, list(categories.values()))
            suggested = category is not None
        if current is None:
            try:
                with transaction.atomic():
                    PromptAnswer.objects.create(
                        user=user, section=section, position=position, text=text, category=category,
                        category_suggested=suggested, revision_id=revision_id,
                    )
                continue
            except IntegrityError:
                current = PromptAnswer.objects.get(user=user, section=section, position=position)
        if (current.text, current.category_id, current.category_suggested) != (
            text, category.pk if category else None, suggested
        ):
            current.text, current.category, current.category_suggested = text, category, suggested
            current.revision_id = revision_id
            current.save(update_fields=["text", "category", "category_suggested", "revision", "updated_at"])
    if clear:
        # Clearing the whole prompt also clears slots beyond the list sent.
        PromptAnswer.objects.filter(user=user, section=section, position__gt=len(answers)).delete()
    Draft.objects.filter(user=user, target=draft_target(section=section)).delete()
    return list(PromptAnswer.objects.filter(user=user, section=section).select_related("category"))


def taken_at_check(taken_at: datetime | None) -> datetime:
    """When the student made an offline write: the client's clock, within bounds.

    None means now. A time further ahead than the allowed clock skew, or older
    than the offline window (settings.SOFTSYNCED), is refused naming `taken_at`.
    """
    now = timezone.now()
    if taken_at is None:
        return now
    if timezone.is_naive(taken_at):
        raise ValidationError({"taken_at": [_("Give the time with its UTC offset, e.g. 2026-05-01T09:30:00Z.")]})
    rules = settings.SOFTSYNCED
    if taken_at > now + rules["CLIENT_CLOCK_SKEW"]:
        raise ValidationError({"taken_at": [_("This time is in the future; check the device's clock.")]})
    if taken_at < now - rules["OFFLINE_WRITE_MAX_AGE"]:
        raise ValidationError({"taken_at": [
            _("Offline work is accepted for %(days)d days; this was made earlier.")
            % {"days": rules["OFFLINE_WRITE_MAX_AGE"].days}
        ]})
    return taken_at


def _rating_error(name: str) -> str:
    return _("Rate %(name)s with a whole number from %(min)d to %(max)d.") % {
        "name": name,
        "min": MIN_RATING,
        "max": MAX_RATING,
    }


def attempt_current(*, user: User, turn: Turn) -> TurnAttempt:
    """The student's latest attempt at the Turn, started now when there is none."""
    attempt = TurnAttempt.objects.filter(user=user, turn=turn).order_by("-number").first()
    return attempt or _attempt_start(user=user, turn=turn, number=1)


def _attempt_start(*, user: User, turn: Turn, number: int) -> TurnAttempt:
    """Insert attempt `number`; a concurrent request that inserted it first wins and is returned.

    The attempt this call inserted says so (`started_here`): it has nothing in it yet.
    """
    try:
        with transaction.atomic():
            attempt = TurnAttempt.objects.create(user=user, turn=turn, number=number)
    except IntegrityError:
        return TurnAttempt.objects.get(user=user, turn=turn, number=number)
    attempt.started_here = True
    return attempt


@transaction.atomic
def snapshot_record(
    *, user: User, turn: Turn, ratings: Mapping[str, object], client_id: UUID | None = None,
    taken_at: datetime | None = None,
) -> SkillSnapshot:
    """Record an immutable self-assessment on the Turn's framework.

    `client_id` (a UUID the client made for this rating) makes a replay harmless:
    the student's snapshot with that id is returned and nothing is written.
    `taken_at` (checked by `taken_at_check`) is when the student rated, offline.

    `ratings` maps every category key of the framework to an int from 1 to 10.
    A missing, unknown or out-of-range rating raises a ValidationError naming
    `ratings.<key>`, and nothing is written. The first rating belongs to the
    student's current attempt; a rating after that starts a new attempt, whose
    reflections start empty (the earlier attempt's are kept).
    """
    # The Turn as authored (steps, categories), cached per lesson version: no query when warm.
    definition = selectors.turn_definition(lesson=turn.lesson)
    framework = definition.turn.framework if definition.turn is not None else None
    if framework is None or not any(s.kind == TurnStep.Kind.RATE for s in definition.steps):
        raise ValidationError({"ratings": [_("This Your Turn has no rating step.")]})
    categories = definition.categories
    if not isinstance(ratings, Mapping):
        raise ValidationError({"ratings": [_("Send one rating per category.")]})
    errors: dict[str, list[str]] = {}
    known = {c.slug for c in categories}
    for slug in ratings:
        if slug not in known:
            errors[f"ratings.{slug}"] = [_("Unknown skill category: %(slug)s.") % {"slug": slug}]
    for category in categories:
        if category.slug not in ratings:
            errors[f"ratings.{category.slug}"] = [_("Rate %(name)s too.") % {"name": category.name}]
            continue
        value = ratings[category.slug]
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_RATING <= value <= MAX_RATING:
            errors[f"ratings.{category.slug}"] = [_rating_error(category.name)]
    if client_id is not None:
        existing = SkillSnapshot.objects.filter(user=user, client_id=client_id).first()
        if existing is not None:
            return existing
    try:
        taken = taken_at_check(taken_at)
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)

    # The rating, and the attempt it may start, show in this lesson's answers only (accounts.state).
    with state.lesson_scope(turn.lesson_id):
        return _snapshot_write(user=user, turn=turn, framework=framework, categories=categories, ratings=ratings,
                               client_id=client_id, taken=taken)


def _snapshot_write(*, user: User, turn: Turn, framework, categories, ratings: Mapping[str, object],
                    client_id: UUID | None, taken: datetime) -> SkillSnapshot:
    # The latest attempt and whether it is rated already, in one query.
    latest = (
        TurnAttempt.objects.filter(user=user, turn=turn)
        .annotate(rated=Exists(SkillSnapshot.objects.filter(attempt=OuterRef("pk"))))
        .order_by("-number").first()
    )
    if latest is None or latest.rated:
        attempt = _attempt_start(user=user, turn=turn, number=latest.number + 1 if latest else 1)
    else:
        attempt = latest
    fields = {"user": user, "framework": framework, "framework_name": framework.name, "turn": turn,
              "attempt": attempt, "created_at": taken, "client_id": client_id}
    if client_id is None:
        snapshot = SkillSnapshot.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                snapshot = SkillSnapshot.objects.create(**fields)
        except IntegrityError:
            # A concurrent replay with the same client_id got there first (only it can collide).
            return SkillSnapshot.objects.get(user=user, client_id=client_id)
    rows = SnapshotRating.objects.bulk_create(
        SnapshotRating(
            snapshot=snapshot,
            category=category,
            category_slug=category.slug,
            category_name=category.name,
            cluster=category.cluster,
            position=index,
            value=ratings[category.slug],
        )
        for index, category in enumerate(categories)
    )
    # What a caller presents next, without reading it back: the ratings as written, in order,
    # and on an attempt this call started, its reflections (none yet).
    snapshot.recorded_ratings = rows
    if getattr(attempt, "started_here", False):
        snapshot.recorded_reflections = []
    return snapshot


@transaction.atomic
def points_award(
    *, user: User, amount: int, reason: str, source_key: str, step: TurnStep | None = None,
    known_unpaid: bool = False,
) -> PointsEntry | None:
    """Append a ledger row and move the cached balance, once per source.

    Returns the new row, or None when this source has already paid. The
    existence check (skipped when the caller has just made it: `known_unpaid`)
    spares the usual case a failing insert; the unique constraint still decides a race.
    """
    if amount <= 0:
        return None
    if not known_unpaid and PointsEntry.objects.filter(user=user, source_key=source_key).exists():
        return None
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user=user, amount=amount, reason=reason[:200], source_key=source_key, step=step
            )
    except IntegrityError:
        return None
    User.objects.filter(pk=user.pk).update(depth_points=F("depth_points") + amount)
    user.refresh_from_db(fields=["depth_points"])
    return entry


@transaction.atomic
def unlocks_grant(*, user: User) -> list[Track]:
    """Unlock every Extension Course whose threshold the balance has reached."""
    balance = User.objects.filter(pk=user.pk).values_list("depth_points", flat=True).get()
    unlocked = []
    for track in Track.objects.filter(kind=Track.Kind.EXTENSION, unlock_threshold__lte=balance).exclude(
        unlocks__user=user
    ):
        _, created = track_unlock(user=user, track=track)
        if created:
            unlocked.append(track)
    return unlocked


def text_limit(step: TurnStep) -> int:
    """Characters a step's text may have: the profile's limit for a definition of success."""
    if step.kind == TurnStep.Kind.SUCCESS:
        return DEFINITION_OF_SUCCESS_MAX_LENGTH
    return settings.SOFTSYNCED["REFLECTION_MAX_CHARS"]


def _reflection_text(step: TurnStep, text: object) -> str:
    errors: dict[str, list[str]] = {}
    cleaned = _check_text(errors, "text", text)
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"text": [_("Write your reflection before saving.")]})
    limit = text_limit(step)
    if len(cleaned) > limit:
        raise ValidationError(
            {"text": [_("Keep this under %(limit)s characters (it has %(count)s); nothing was cut or saved.")
                      % {"limit": f"{limit:,}", "count": f"{len(cleaned):,}"}]}
        )
    return cleaned


def reflection_save(
    *, user: User, step: TurnStep, text: object, client_id: UUID | None = None, taken_at: datetime | None = None,
) -> ReflectionResult:
    """Save the student's text for a step in their current attempt; pay its points once.

    Every change is kept as a new version. Points are paid the first time the text
    passes `depth.judge` for the step (see the rule there); they are keyed by the
    step's stable source key, so later edits, retakes, repeats, races and a
    re-created identical step never pay again. Saving discards the step's draft.

    `client_id` (a UUID the client made for this save) makes a replay harmless:
    a save already made with it writes nothing and answers with `replayed` true.
    `taken_at` (checked by `taken_at_check`) is when the text was written, offline.
    """
    if not step.takes_reflection or step.is_archived:
        raise ValidationError({"step": [_("This step does not take a reflection.")]})
    if client_id is not None:
        done = (
            Reflection.objects.filter(user=user, client_id=client_id).first()
            or Reflection.objects.filter(user=user, versions__client_id=client_id).first()
        )
        if done is not None:
            return _reflection_result(user=user, step=done.step, reflection=done, replayed=True)
    errors: dict[str, list[str]] = {}
    try:
        text = _reflection_text(step, text)
    except ValidationError as problem:
        errors.update(problem.message_dict)
    try:
        taken = taken_at_check(taken_at)
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)
    stats = depth.word_stats(text)
    # Judged before the write transaction, which then holds SQLite's one write lock
    # (or PostgreSQL's row locks) only for the writes.
    verdict = _verdict(user=user, step=step, text=text)
    # Its versions and drafts show in this lesson's answers only (accounts.state); the points it may
    # pay and a success step's profile text show elsewhere, and move the shared version themselves.
    with transaction.atomic(), state.lesson_scope(step.turn.lesson_id):
        return _reflection_write(user=user, step=step, text=text, stats=stats, verdict=verdict,
                                 client_id=client_id, taken=taken)


def _reflection_write(*, user: User, step: TurnStep, text: str, stats, verdict: depth.Verdict,
                      client_id: UUID | None, taken: datetime) -> ReflectionResult:
    attempt = attempt_current(user=user, turn=step.turn)
    # The revision the student wrote under: a later edit of the step never changes what this answered.
    revision_id = lesson_revision_id(lesson_id=step.turn.lesson_id)
    reflection = Reflection.objects.select_for_update().filter(attempt=attempt, step=step).first()
    if reflection is not None:
        reflection.attempt = attempt  # the caller presents it: no second read
    if reflection is None:
        try:
            with transaction.atomic():
                reflection = Reflection.objects.create(
                    user=user, attempt=attempt, step=step, text=text, word_count=stats.words, created_at=taken,
                    client_id=client_id, revision_id=revision_id,
                )
                ReflectionVersion.objects.create(
                    reflection=reflection, text=text, word_count=stats.words, created_at=taken, client_id=client_id
                )
        except IntegrityError:
            reflection = Reflection.objects.select_for_update().get(attempt=attempt, step=step)
    if reflection.text != text:
        reflection.text = text
        reflection.word_count = stats.words
        reflection.client_id = client_id
        reflection.revision_id = revision_id
        reflection.save(update_fields=["text", "word_count", "client_id", "revision", "updated_at"])
        ReflectionVersion.objects.create(
            reflection=reflection, text=text, word_count=stats.words, created_at=taken, client_id=client_id
        )
    elif client_id is not None and reflection.client_id != client_id:
        # The same text again under a new id: remember the id, so its replay is recognised too.
        reflection.client_id = client_id
        reflection.save(update_fields=["client_id"])
    if step.kind == TurnStep.Kind.SUCCESS:
        # Lesson 1's text is the student's definition of success: later lessons
        # (Lesson 3's goals step) read it from the profile. The limit is the profile's.
        profile_update(user=user, definition_of_success=text)
    Draft.objects.filter(user=user, target=draft_target(step=step)).delete()

    return _reflection_result(user=user, step=step, reflection=reflection, pay=True, verdict=verdict)


def _verdict(*, user: User, step: TurnStep, text: str, exclude_pk: int | None = None) -> depth.Verdict:
    """`text` against the depth rule; copies are looked for in the student's other reflections.

    "Other" is every reflection but the one this text is for: `exclude_pk`, or
    before a save, the step's reflection in the latest attempt.
    """
    others: list[str] = []
    if step.points:
        rows = Reflection.objects.filter(user=user).order_by()  # any order: no joins for the default one
        if exclude_pk is not None:
            rows = rows.exclude(pk=exclude_pk)
        else:
            latest = TurnAttempt.objects.filter(user=user, turn_id=step.turn_id).order_by("-number").values("pk")[:1]
            rows = rows.exclude(step=step, attempt_id__in=latest)
        others = list(rows.values_list("text", flat=True))
    return depth.judge(text, min_words=step.min_words, instructions=step.body_md, others=others)


def _reflection_result(
    *, user: User, step: TurnStep, reflection: Reflection, pay: bool = False, replayed: bool = False,
    verdict: depth.Verdict | None = None,
) -> ReflectionResult:
    """How the reflection's text measures against the depth rule; with `pay`, its points paid once."""
    already_paid = bool(step.points) and PointsEntry.objects.filter(
        user=user, source_key=step.points_source_key
    ).exists()
    if verdict is None:
        verdict = _verdict(user=user, step=step, text=reflection.text, exclude_pk=reflection.pk)
    result = ReflectionResult(reflection=reflection, verdict=verdict, already_paid=already_paid, replayed=replayed)
    if pay and step.points and verdict.pays and not already_paid:
        entry = points_award(
            user=user,
            amount=step.points,
            reason=_("Reflection: %(title)s") % {"title": step.title},
            source_key=step.points_source_key,
            step=step,
            known_unpaid=True,
        )
        if entry is not None:
            result.points_awarded = entry.amount
            result.unlocked = unlocks_grant(user=user)
        else:
            result.already_paid = True
    return result


def turn_missing_steps(*, user: User, turn: Turn, steps: Sequence[TurnStep] | None = None) -> dict[str, list[str]]:
    """What the student must still do before the Turn can be completed, by field.

    A rate step needs a rating in the current attempt; a definition-of-success
    step needs its text. Reflections are optional: they earn points.
    """
    steps = [s for s in (steps if steps is not None else turn.steps.active()) if s.is_required]
    if not steps:
        return {}
    attempt = TurnAttempt.objects.filter(user=user, turn=turn).order_by("-number").first()
    missing: dict[str, list[str]] = {}
    for step in steps:
        if step.kind == TurnStep.Kind.RATE:
            if attempt is None or not attempt.snapshots.exists():
                missing["snapshot"] = [
                    _("Rate yourself (step %(n)d) before marking this Turn complete.") % {"n": step.number}
                ]
        elif attempt is None or not attempt.reflections.filter(step=step).exists():
            missing[f"steps.{step.number}"] = [
                _("Write “%(title)s” (step %(n)d) before marking this Turn complete.")
                % {"title": step.title, "n": step.number}
            ]
    return missing


@transaction.atomic
def turn_complete(*, user: User, turn: Turn) -> CompletionResult:
    """Mark the Turn complete (idempotent); the lesson then counts as done.

    Every required step must be done first (`turn_missing_steps`).
    """
    missing = turn_missing_steps(user=user, turn=turn)
    if missing:
        raise ValidationError(missing)
    completion = TurnCompletion.objects.filter(user=user, turn=turn).first()
    created = False
    if completion is None:
        try:
            with transaction.atomic():
                completion = TurnCompletion.objects.create(
                    user=user, turn=turn, revision_id=lesson_revision_id(lesson_id=turn.lesson_id)
                )
                created = True
        except IntegrityError:
            completion = TurnCompletion.objects.get(user=user, turn=turn)
    progress_mark_done(user=user, lesson=turn.lesson)
    return CompletionResult(completion=completion, created=created)


# --- Drafts ---------------------------------------------------------------------


def draft_target(*, step: TurnStep | None = None, section: Section | None = None) -> str:
    if step is not None:
        return f"reflection:{step.pk}"
    assert section is not None
    return f"warmup:{section.pk}"


@transaction.atomic
def draft_save(
    *, user: User, step: TurnStep | None = None, section: Section | None = None,
    text: object = None, answers: object = None,
) -> Draft:
    """Keep what the student is typing in a step's box or a warm-up prompt, unsaved.

    The same limits as a real save apply (a draft that could never be saved is
    refused now, naming the field), but no word rule: a draft is work in progress.
    """
    errors: dict[str, list[str]] = {}
    if step is not None:
        if not step.takes_reflection or step.is_archived:
            raise ValidationError({"step": [_("This step does not take a reflection.")]})
        cleaned = _check_text(errors, "text", text if text is not None else "")
        if cleaned is not None and len(cleaned) > text_limit(step):
            errors["text"] = [_("Keep this under %(limit)s characters (it has %(count)s).")
                              % {"limit": f"{text_limit(step):,}", "count": f"{len(cleaned):,}"}]
        if errors:
            raise ValidationError(errors)
        data: dict[str, object] = {"text": text}
    else:
        assert section is not None
        if section.kind != Section.Kind.WARMUP_PROMPT or section.is_archived:
            raise ValidationError({"section": [_("This section does not ask for answers.")]})
        if not isinstance(answers, Sequence) or isinstance(answers, str) or len(answers) > section.answer_count:
            raise ValidationError({"answers": [
                _("Send at most %(count)d answers as a list.") % {"count": section.answer_count}
            ]})
        limit = settings.SOFTSYNCED["PROMPT_ANSWER_MAX_CHARS"]
        kept = []
        for index, answer in enumerate(answers, start=1):
            answer = answer if isinstance(answer, Mapping) else {}
            value = _check_text(errors, f"answers.{index}.text", answer.get("text", ""))
            slug = answer.get("category") or ""
            if value is not None and len(value) > limit:
                errors[f"answers.{index}.text"] = [_("Keep each answer under %(limit)d characters.") % {"limit": limit}]
            if text_problem(slug):
                errors[f"answers.{index}.category"] = [text_problem(slug)]
            kept.append({"text": answer.get("text", ""), "category": slug})
        if errors:
            raise ValidationError(errors)
        data = {"answers": kept}
    target = draft_target(step=step, section=section)
    with state.lesson_scope(_draft_lesson_id(step=step, section=section)):
        draft, _created = Draft.objects.update_or_create(
            user=user, target=target, defaults={"data": data, "updated_at": timezone.now()}
        )
    return draft


def _draft_lesson_id(*, step: TurnStep | None, section: Section | None) -> int:
    """The lesson whose answers show the draft: a step's Turn's, or a warm-up section's own."""
    return step.turn.lesson_id if step is not None else section.lesson_id


@transaction.atomic
def draft_discard(*, user: User, step: TurnStep | None = None, section: Section | None = None) -> None:
    with state.lesson_scope(_draft_lesson_id(step=step, section=section)):
        Draft.objects.filter(user=user, target=draft_target(step=step, section=section)).delete()


# --- Authoring ---------------------------------------------------------------------


def turn_step_keys_fill(*, turn: Turn, steps: Sequence[TurnStep]) -> None:
    """Give new steps (in their final order) a stable key: kind and number, unique among the Turn's live steps.

    The key is what Depth points are paid under, so it is set once and kept when
    steps are reordered; an author who types one keeps it.
    """
    taken = set(TurnStep.objects.filter(turn_id=turn.pk, archived_at__isnull=True).values_list("key", flat=True)) if turn.pk else set()
    for number, step in enumerate(steps, start=1):
        if step.pk is None and not step.key:
            base = f"{step.kind}-{number}"
            key, n = base, 1
            while key in taken:
                n += 1
                key = f"{base}-{n}"
            step.key = key
        taken.add(step.key)


def turn_steps_shift(*, turn: Turn) -> int:
    """Move the Turn's live step numbers above the current highest (n → n + top); returns top.

    Every new value is above every old one, so even a database that checks the
    unique rule row by row (SQLite) never sees two live steps on one number.
    """
    live = TurnStep.objects.filter(turn_id=turn.pk, archived_at__isnull=True)
    top = live.aggregate(top=Max("number"))["top"] or 0
    if top:
        live.update(number=F("number") + top)
    return top


@transaction.atomic
def turn_steps_renumber(*, turn: Turn, step_ids: Sequence[int]) -> None:
    """Number the Turn's live steps 1, 2, 3… in the order given (others follow in their order).

    Two moves, so the unique (turn, number) rule for live steps never sees a clash halfway.
    """
    live = list(TurnStep.objects.filter(turn=turn, archived_at__isnull=True).order_by("number", "id").values_list("pk", flat=True))
    order = [pk for pk in step_ids if pk in live] + [pk for pk in live if pk not in step_ids]
    turn_steps_shift(turn=turn)
    for number, pk in enumerate(order, start=1):
        TurnStep.objects.filter(pk=pk).update(number=number)


def turn_copy(*, source: Lesson, copy: Lesson) -> Turn | None:
    """Copy a lesson's Your Turn and its live steps (keys kept) onto a copy of the lesson; students' work stays."""
    turn = Turn.objects.filter(lesson=source).first()
    if turn is None:
        return None
    steps = list(turn.steps.filter(archived_at__isnull=True).order_by("number"))
    turn.pk = turn.id = None
    turn._state.adding = True
    turn.lesson = copy
    turn.save()
    for step in steps:
        step.pk = step.id = None
        step._state.adding = True
        step.turn = turn
        step.save()
    return turn


def reminders_send(*, today: date | None = None) -> int:
    """E-mail each opted-in student whose retake date has come, once per due date.

    The (user, due date) row is written before the e-mail goes out, so a second
    run, or two runs at once, never sends the same reminder twice.
    """

    from django.core.mail import send_mail
    from django.db.models import Max
    from django.urls import reverse
    from django.utils import timezone

    from .models import ReminderSent

    today = today or timezone.localdate()
    after = settings.SOFTSYNCED["REASSESS_AFTER"]
    sent = 0
    students = (
        User.objects.filter(reminders_opt_in=True, is_active=True)
        .annotate(latest=Max("snapshots__created_at"))
        .filter(latest__isnull=False)
    )
    for student in students.iterator():
        due = timezone.localdate(student.latest + after)
        if due > today:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=student, due_date=due)
                send_mail(
                    subject=_("Time to retake your skills self-assessment"),
                    message=_(
                        "Hello %(name)s,\n\nSix months have passed since you last rated your skills on Soft Synced. "
                        "Rate yourself again and compare the two charts to see what moved:\n%(url)s\n\n"
                        "You get this because you asked for retake reminders; turn them off on your profile."
                    )
                    % {"name": student.name, "url": settings.SITE_URL.rstrip("/") + reverse("skills")},
                    from_email=None,
                    recipient_list=[student.email],
                )
        except IntegrityError:
            continue
        sent += 1
    return sent
