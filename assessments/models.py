"""Your Turn: skill frameworks, steps, snapshots, prompt answers, reflections,
completions and the Depth points ledger.

History is append-only: a snapshot keeps the names of the categories it was
rated on, and the ledger gets a row per award, each with a unique source key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lessons.markdown import render_markdown
from lessons.models import Lesson, Section

MIN_RATING = 1
MAX_RATING = 10


class LessonContent(models.Model):
    """Authoring rows that lessons show: a change to one is a change to those lessons.

    The API and the Guide cache a lesson's content by `Lesson.content_version`, so
    whoever saves or deletes a Turn, a step, a framework or a category passes it to
    `lessons.services.content_changed(parts=...)`, which bumps the versions of the
    lessons named by `affected_lesson_ids()` (read it before a delete).
    """

    class Meta:
        abstract = True

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        raise NotImplementedError

    def affected_lesson_ids(self) -> list[int]:
        return list(self.affected_lessons().values_list("pk", flat=True))


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Archivable(models.Model):
    """Content that learners' records point at is archived, never deleted.

    An archived row is hidden from the course from then on; every rating,
    answer and reflection made on it stays, with the row it was made on.
    The foreign keys from learners' records are PROTECT, so the database
    refuses a delete the admin would otherwise cascade.
    """

    archived_at = models.DateTimeField(
        _("archived"), null=True, blank=True,
        help_text=_("Archived parts are hidden from students; what students wrote to them is kept."),
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def has_learner_records(self) -> bool:
        raise NotImplementedError


class SkillFramework(Archivable, LessonContent):
    """An ordered set of skill categories a student rates themselves on."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(turn__framework=self)

    def has_learner_records(self) -> bool:
        return self.snapshots.exists()


class SkillCategory(Archivable, LessonContent):
    class Cluster(models.TextChoices):
        NONE = "", _("None")
        CRAFT = "craft", _("Craft (technical and creative)")
        PEOPLE = "people", _("People (interpersonal and business)")

    framework = models.ForeignKey(SkillFramework, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("key"), max_length=80, blank=True, help_text=_("Left empty, it is made from the name."))
    description = models.CharField(_("one-line description"), max_length=300, blank=True)
    level_descriptors = models.JSONField(
        _("level descriptors"),
        default=dict,
        blank=True,
        help_text=_('Optional: what a rating means, e.g. {"1": "New to this", "5": "Comfortable", "10": "Could teach it"}.'),
    )
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True,
        help_text=_("Comma-separated words or phrases, e.g. “mixing, eq, compression”. A warm-up answer a student "
                    "leaves untagged is given the category whose keywords it mentions most, as a suggestion."),
    )
    cluster = models.CharField(
        _("cluster"),
        max_length=10,
        choices=Cluster.choices,
        blank=True,
        help_text=_("Used to notice whether scores cluster on craft or on people skills."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["framework", "position", "id"]
        verbose_name_plural = _("skill categories")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "slug"], condition=Q(archived_at__isnull=True),
                name="assessments_category_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(turn__framework_id=self.framework_id)

    def clean(self) -> None:
        self.fill_slug()

    def save(self, *args, **kwargs) -> None:
        self.fill_slug()
        super().save(*args, **kwargs)

    def fill_slug(self) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]

    def has_learner_records(self) -> bool:
        return SnapshotRating.objects.filter(category=self).exists() or PromptAnswer.objects.filter(category=self).exists()

    def keyword_list(self) -> list[str]:
        return [word.strip().lower() for word in self.keywords.split(",") if word.strip()]


class Turn(LessonContent):
    """A lesson's "Your Turn": the exercise a student does after the Guide."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="turn")
    title = models.CharField(_("title"), max_length=160)
    intro_md = models.TextField(_("introduction (Markdown)"), blank=True)
    intro_html = models.TextField(editable=False, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    framework = models.ForeignKey(
        SkillFramework, on_delete=models.PROTECT, null=True, blank=True, related_name="turns",
        help_text=_("The skill framework the rate-yourself step uses."),
    )
    expected_outcome_md = models.TextField(_("expected outcome (Markdown)"), blank=True)
    expected_outcome_html = models.TextField(editable=False, blank=True)
    completion_message = models.CharField(_("completion message"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.lesson}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        # Derived fields: sanitised HTML of the Markdown, computed once here.
        self.intro_html = render_markdown(self.intro_md)
        self.expected_outcome_html = render_markdown(self.expected_outcome_md)
        super().save(*args, **kwargs)

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(pk=self.lesson_id)


class TurnStep(Archivable, LessonContent):
    """One step of a Your Turn; each kind has its own template and API representation."""

    class Kind(models.TextChoices):
        RATE = "rate", _("Rate yourself")
        REFLECTION = "reflection", _("Reflection")
        GOALS = "goals", _("Connect to your goals")
        SUCCESS = "success", _("Define success (saved to the profile)")

    # Kinds a student must do before the Turn can be marked complete; reflections
    # and goals are optional (they earn Depth points).
    REQUIRED_KINDS = frozenset({Kind.RATE, Kind.SUCCESS})
    TEXT_KINDS = frozenset({Kind.REFLECTION, Kind.GOALS, Kind.SUCCESS})

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step number"))
    key = models.SlugField(
        _("key"), max_length=40, blank=True,
        help_text=_("Stable name of the step (left empty: kind and number). Points are paid once per student "
                    "per key, so an archived step re-created with the same key never pays twice."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    body_md = models.TextField(_("instructions (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    points = models.PositiveIntegerField(
        _("Depth points"), default=0, help_text=_("Reflection steps: points for a long-enough reflection.")
    )
    min_words = models.PositiveIntegerField(
        _("minimum words"), default=0, help_text=_("Reflection steps: words needed to earn the points.")
    )

    class Meta:
        ordering = ["turn", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["turn", "number"], condition=Q(archived_at__isnull=True), name="assessments_step_number_unique"
            ),
            models.UniqueConstraint(
                fields=["turn", "key"], condition=Q(archived_at__isnull=True), name="assessments_step_key_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="assessments_step_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Step {self.number}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body_md)
        self.fill_key()
        super().save(*args, **kwargs)

    def fill_key(self) -> None:
        if not self.key and self.kind and self.number:
            self.key = f"{self.kind}-{self.number}"

    def clean(self) -> None:
        self.fill_key()

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(turn__pk=self.turn_id)

    def has_learner_records(self) -> bool:
        return self.reflections.exists()

    @property
    def takes_reflection(self) -> bool:
        return self.kind in self.TEXT_KINDS

    @property
    def is_required(self) -> bool:
        return self.kind in self.REQUIRED_KINDS

    @property
    def template_name(self) -> str:
        return f"assessments/steps/{self.kind}.html"

    @property
    def points_source_key(self) -> str:
        """What the ledger pays this step under: the lesson and the step's stable key, not its row id."""
        return f"reflection:lesson-{self.turn.lesson_id}:{self.key}"


class TurnAttempt(models.Model):
    """One go at a Your Turn. A new rating after the first starts a new attempt.

    Reflections belong to the attempt they were written in, so a retake six
    months on starts with fresh boxes and keeps the earlier attempt readable.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turn_attempts")
    turn = models.ForeignKey(Turn, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "turn", "number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "turn", "number"], name="assessments_attempt_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="assessments_attempt_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.turn} · attempt {self.number}"


class SkillSnapshot(models.Model):
    """One self-assessment, immutable once recorded.

    It keeps the framework's and categories' names as they were, so history still
    compares after an author renames, adds or removes a category.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snapshots")
    framework = models.ForeignKey(SkillFramework, on_delete=models.PROTECT, null=True, related_name="snapshots")
    framework_name = models.CharField(max_length=120)
    turn = models.ForeignKey(Turn, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots")
    # An attempt goes only with its student's account (its Turn is PROTECTed), and its snapshots with it.
    attempt = models.ForeignKey(
        TurnAttempt, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots"
    )
    # When the student rated: the client's `taken_at` for a rating made offline, else when it arrived.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A UUID the client made for this write: a replay (an offline write synced again) finds it.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "framework", "-created_at"], name="assess_snapshot_history"),
            models.Index(fields=["user", "turn", "-created_at"], name="assess_snapshot_latest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="assessments_snapshot_client_id_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.framework_name} · {self.created_at:%Y-%m-%d}"


class SnapshotRating(models.Model):
    snapshot = models.ForeignKey(SkillSnapshot, on_delete=models.CASCADE, related_name="ratings")
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, null=True, related_name="+")
    category_slug = models.SlugField(max_length=80)
    category_name = models.CharField(max_length=80)
    cluster = models.CharField(max_length=10, blank=True)
    position = models.PositiveIntegerField(default=0)
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["snapshot", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=MIN_RATING, value__lte=MAX_RATING), name="assessments_rating_1_to_10"
            ),
            models.UniqueConstraint(fields=["snapshot", "category_slug"], name="assessments_rating_once_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category_name}: {self.value}"


class PromptAnswer(models.Model):
    """One of a student's answers to a warm-up prompt section; editable.

    `category` is the final tag: the student's own choice, or, when they left
    the answer untagged, the category its keywords suggest
    (`category_suggested` true until the student confirms or changes it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompt_answers")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category_suggested = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # SET_NULL, not PROTECT: revisions go only with their lesson, which what a
    # student wrote already keeps from being deleted; a completion alone must not.
    revision = models.ForeignKey(
        "lessons.LessonRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("The lesson's revision when this was written: later edits never change what it answered."),
    )

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "section", "position"], name="assessments_answer_unique_slot"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=10), name="assessments_answer_slot_range"),
        ]

    def __str__(self) -> str:
        # Not the text: a student's answer is theirs (the admin's titles and logs use this).
        return f"{self.user} · answer {self.position}"


class Reflection(models.Model):
    """A student's text for one step in one attempt.

    `text` is the current version; every saved version, the first included,
    is kept as a `ReflectionVersion` row (append-only).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    step = models.ForeignKey(TurnStep, on_delete=models.PROTECT, related_name="reflections")
    attempt = models.ForeignKey(TurnAttempt, on_delete=models.CASCADE, related_name="reflections")
    text = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The client's UUID of the save that last set the text (each version keeps its own).
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    # SET_NULL, not PROTECT: revisions go only with their lesson, which what a
    # student wrote already keeps from being deleted; a completion alone must not.
    revision = models.ForeignKey(
        "lessons.LessonRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("The lesson's revision when this was written: later edits never change what it answered."),
    )

    class Meta:
        ordering = ["attempt", "step__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "step"], name="assessments_reflection_one_per_attempt_step"),
            models.UniqueConstraint(fields=["user", "client_id"], name="assessments_reflection_client_id_once"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), 10_000), name="assessments_reflection_max_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.step}"


class ReflectionVersion(models.Model):
    """One saved version of a reflection; never changed or deleted while the student's account exists."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    # When it was written: the client's `taken_at` for text written offline.
    created_at = models.DateTimeField(default=timezone.now)
    # The client's UUID of the save that made this version, so a replay of it is recognised.
    client_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["reflection", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), 10_000), name="assessments_reflection_version_max_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reflection} @ {self.created_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    """What a student is typing and has not saved yet, kept on the server by autosave.

    `target` names the box: `reflection:<step id>` or `warmup:<section id>`.
    `data` is the box's content: {"text": ...} or {"answers": [{"text", "category"}, ...]}.
    A real save of the same box deletes the draft in the same transaction.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    target = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target"], name="assessments_draft_one_per_box"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.target}"


class TurnCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turn_completions")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    # SET_NULL, not PROTECT: revisions go only with their lesson, which what a
    # student wrote already keeps from being deleted; a completion alone must not.
    revision = models.ForeignKey(
        "lessons.LessonRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("The lesson's revision when this was written: later edits never change what it answered."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "turn"], name="assessments_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.turn}"


class PointsEntry(models.Model):
    """One row of the Depth points ledger: the source of truth for a balance.

    Rows are only appended. `source_key` names what paid (for example
    `reflection-step:12`) and is unique per student, so a source pays once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries")
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    source_key = models.CharField(max_length=120)
    step = models.ForeignKey(TurnStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Depth points entry")
        verbose_name_plural = _("Depth points ledger")
        constraints = [
            models.UniqueConstraint(fields=["user", "source_key"], name="assessments_points_once_per_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="assessments_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} +{self.amount} ({self.reason})"


class ReminderSent(models.Model):
    """A reassessment reminder e-mailed to a student for one due date."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "due_date"], name="assessments_reminder_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · due {self.due_date}"
