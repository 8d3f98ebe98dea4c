"""Writes with rules for Your Turn. The web views and the API both call these.

Each is typed, keyword-only and atomic. Once-only rules (one award per source,
one completion, one reflection per step) are unique constraints in the
database; an IntegrityError there means "already done", which is what keeps
retries and concurrent requests from paying twice, on SQLite and PostgreSQL.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import profile_update
from lessons.models import Section, Track
from lessons.services import progress_mark_done, track_unlock

from .models import (
    MAX_RATING,
    MIN_RATING,
    PointsEntry,
    PromptAnswer,
    Reflection,
    SkillCategory,
    SkillFramework,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnCompletion,
    TurnStep,
)

WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def count_words(text: str) -> int:
    return len(WORD.findall(text))


@dataclass
class ReflectionResult:
    reflection: Reflection
    points_awarded: int = 0
    unlocked: list[Track] = field(default_factory=list)


@dataclass
class CompletionResult:
    completion: TurnCompletion
    created: bool


def prompt_framework(*, section: Section) -> SkillFramework | None:
    """The framework whose categories tag a warm-up prompt's answers.

    The lesson's Your Turn framework when it has one, else the first framework.
    """
    turn = Turn.objects.filter(lesson_id=section.lesson_id).select_related("framework").first()
    if turn is not None and turn.framework is not None:
        return turn.framework
    return SkillFramework.objects.order_by("position", "id").first()


@transaction.atomic
def prompt_answers_save(
    *, user: User, section: Section, answers: Sequence[Mapping[str, object]]
) -> list[PromptAnswer]:
    """Save a student's answers to a warm-up prompt, replacing earlier ones.

    `answers` is a list of {"text": str, "category": slug or ""}; slot N is the
    N-th item. An empty text clears that slot. Errors name the field, e.g.
    `answers.2.text`; nothing is saved when any answer is invalid.
    """
    if section.kind != Section.Kind.WARMUP_PROMPT:
        raise ValidationError({"section": [_("This section does not ask for answers.")]})
    if len(answers) > section.answer_count:
        raise ValidationError(
            {"answers": [_("At most %(count)d answers are asked for.") % {"count": section.answer_count}]}
        )
    framework = prompt_framework(section=section)
    categories = {c.slug: c for c in framework.categories.all()} if framework else {}
    limit = settings.SOFTSYNCED["PROMPT_ANSWER_MAX_CHARS"]
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[int, str, SkillCategory | None]] = []
    for index, answer in enumerate(answers, start=1):
        if not isinstance(answer, Mapping):
            errors[f"answers.{index}"] = [_("Each answer must be an object with a text.")]
            continue
        text = answer.get("text", "")
        slug = answer.get("category") or ""
        if not isinstance(text, str):
            errors[f"answers.{index}.text"] = [_("The answer must be text.")]
            continue
        text = text.strip()
        if len(text) > limit:
            errors[f"answers.{index}.text"] = [_("Keep each answer under %(limit)d characters.") % {"limit": limit}]
        if not isinstance(slug, str) or (slug and slug not in categories):
            errors[f"answers.{index}.category"] = [_("Unknown skill category: %(slug)s.") % {"slug": slug}]
            continue
        cleaned.append((index, text, categories.get(slug) if slug else None))
    if errors:
        raise ValidationError(errors)

    existing = {a.position: a for a in PromptAnswer.objects.select_for_update().filter(user=user, section=section)}
    for position, text, category in cleaned:
        current = existing.pop(position, None)
        if not text:
            if current is not None:
                current.delete()
            continue
        if current is None:
            try:
                with transaction.atomic():
                    PromptAnswer.objects.create(
                        user=user, section=section, position=position, text=text, category=category
                    )
                continue
            except IntegrityError:
                current = PromptAnswer.objects.get(user=user, section=section, position=position)
        if current.text != text or current.category_id != (category.pk if category else None):
            current.text = text
            current.category = category
            current.save(update_fields=["text", "category", "updated_at"])
    # Slots beyond what was sent are cleared: the list sent is the whole answer.
    for leftover in existing.values():
        if leftover.position > len(answers):
            leftover.delete()
    return list(PromptAnswer.objects.filter(user=user, section=section).select_related("category"))


def _rating_error(slug: str) -> str:
    return _("Rate %(slug)s with a whole number from %(min)d to %(max)d.") % {
        "slug": slug,
        "min": MIN_RATING,
        "max": MAX_RATING,
    }


@transaction.atomic
def snapshot_record(*, user: User, turn: Turn, ratings: Mapping[str, object]) -> SkillSnapshot:
    """Record an immutable self-assessment on the Turn's framework.

    `ratings` maps every category key of the framework to an int from 1 to 10.
    A missing, unknown or out-of-range rating raises a ValidationError naming
    `ratings.<key>`, and nothing is written.
    """
    framework = turn.framework
    if framework is None:
        raise ValidationError({"ratings": [_("This Your Turn has no rating step.")]})
    categories = list(framework.categories.order_by("position", "id"))
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
            errors[f"ratings.{category.slug}"] = [_rating_error(category.slug)]
    if errors:
        raise ValidationError(errors)

    snapshot = SkillSnapshot.objects.create(
        user=user, framework=framework, framework_name=framework.name, turn=turn
    )
    SnapshotRating.objects.bulk_create(
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
    return snapshot


@transaction.atomic
def points_award(
    *, user: User, amount: int, reason: str, source_key: str, step: TurnStep | None = None
) -> PointsEntry | None:
    """Append a ledger row and move the cached balance, once per source.

    Returns the new row, or None when this source has already paid.
    """
    if amount <= 0:
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


@transaction.atomic
def reflection_save(*, user: User, step: TurnStep, text: object) -> ReflectionResult:
    """Save (or replace) the student's reflection for a step and pay its points once.

    Points are paid the first time the text reaches the step's minimum word
    count; later edits, repeats and races never pay again (ledger source key).
    """
    if not step.takes_reflection:
        raise ValidationError({"step": [_("This step does not take a reflection.")]})
    if not isinstance(text, str):
        raise ValidationError({"text": [_("The reflection must be text.")]})
    text = text.strip()
    limit = settings.SOFTSYNCED["REFLECTION_MAX_CHARS"]
    if not text:
        raise ValidationError({"text": [_("Write your reflection before saving.")]})
    if len(text) > limit:
        raise ValidationError(
            {"text": [_("Keep your reflection under %(limit)s characters (it has %(count)s).")
                      % {"limit": f"{limit:,}", "count": f"{len(text):,}"}]}
        )
    words = count_words(text)
    reflection = Reflection.objects.select_for_update().filter(user=user, step=step).first()
    if reflection is None:
        try:
            with transaction.atomic():
                reflection = Reflection.objects.create(user=user, step=step, text=text, word_count=words)
        except IntegrityError:
            reflection = Reflection.objects.select_for_update().get(user=user, step=step)
    if reflection.text != text:
        reflection.text = text
        reflection.word_count = words
        reflection.save(update_fields=["text", "word_count", "updated_at"])
    if step.kind == TurnStep.Kind.SUCCESS:
        # Lesson 1's reflection is the student's definition of success: later
        # lessons (Lesson 3's goals step) read it from the profile.
        profile_update(user=user, definition_of_success=text[:2000])

    result = ReflectionResult(reflection=reflection)
    if step.points and words >= step.min_words:
        entry = points_award(
            user=user,
            amount=step.points,
            reason=_("Reflection: %(title)s") % {"title": step.title},
            source_key=f"reflection-step:{step.pk}",
            step=step,
        )
        if entry is not None:
            result.points_awarded = entry.amount
            result.unlocked = unlocks_grant(user=user)
    return result


def turn_has_rating(*, user: User, turn: Turn) -> bool:
    return turn.framework_id is None or SkillSnapshot.objects.filter(user=user, turn=turn).exists()


@transaction.atomic
def turn_complete(*, user: User, turn: Turn) -> CompletionResult:
    """Mark the Turn complete (idempotent); the lesson then counts as done.

    A Turn with a rating step needs a snapshot first.
    """
    if not turn_has_rating(user=user, turn=turn):
        raise ValidationError({"snapshot": [_("Rate yourself (step 1) before marking this Turn complete.")]})
    completion = TurnCompletion.objects.filter(user=user, turn=turn).first()
    created = False
    if completion is None:
        try:
            with transaction.atomic():
                completion = TurnCompletion.objects.create(user=user, turn=turn)
                created = True
        except IntegrityError:
            completion = TurnCompletion.objects.get(user=user, turn=turn)
    progress_mark_done(user=user, lesson=turn.lesson)
    return CompletionResult(completion=completion, created=created)


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
