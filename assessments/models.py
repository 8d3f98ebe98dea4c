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
from django.utils.translation import gettext_lazy as _

from lessons.markdown import render_markdown
from lessons.models import Lesson, Section, bump_lesson_versions

MIN_RATING = 1
MAX_RATING = 10


class LessonContent(models.Model):
    """Authoring rows that lessons show: saving or deleting one is a new lesson version.

    The API and the Guide cache a lesson's content by `Lesson.content_version`,
    so an author's edit to a Turn, a step or a skill category must move it too.
    """

    class Meta:
        abstract = True

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        raise NotImplementedError

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        bump_lesson_versions(self.affected_lessons())

    def delete(self, *args, **kwargs):
        lessons = list(self.affected_lessons().values_list("pk", flat=True))
        result = super().delete(*args, **kwargs)
        bump_lesson_versions(Lesson.objects.filter(pk__in=lessons))
        return result


class SkillFramework(LessonContent):
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


class SkillCategory(LessonContent):
    class Cluster(models.TextChoices):
        NONE = "", _("None")
        CRAFT = "craft", _("Craft (technical and creative)")
        PEOPLE = "people", _("People (interpersonal and business)")

    framework = models.ForeignKey(SkillFramework, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("key"), max_length=80)
    description = models.CharField(_("one-line description"), max_length=300, blank=True)
    level_descriptors = models.JSONField(
        _("level descriptors"),
        default=dict,
        blank=True,
        help_text=_('Optional: what a rating means, e.g. {"1": "New to this", "5": "Comfortable", "10": "Could teach it"}.'),
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
            models.UniqueConstraint(fields=["framework", "slug"], name="assessments_category_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(turn__framework_id=self.framework_id)


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


class TurnStep(LessonContent):
    class Kind(models.TextChoices):
        RATE = "rate", _("Rate yourself")
        REFLECTION = "reflection", _("Reflection")
        GOALS = "goals", _("Connect to your goals")
        SUCCESS = "success", _("Define success (saved to the profile)")

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step number"))
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
            models.UniqueConstraint(fields=["turn", "number"], name="assessments_step_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="assessments_step_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Step {self.number}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body_md)
        super().save(*args, **kwargs)

    def affected_lessons(self) -> "models.QuerySet[Lesson]":
        return Lesson.objects.filter(turn__pk=self.turn_id)

    @property
    def takes_reflection(self) -> bool:
        return self.kind in (self.Kind.REFLECTION, self.Kind.GOALS, self.Kind.SUCCESS)


class SkillSnapshot(models.Model):
    """One self-assessment, immutable once recorded.

    It keeps the framework's and categories' names as they were, so history still
    compares after an author renames, adds or removes a category.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snapshots")
    framework = models.ForeignKey(SkillFramework, on_delete=models.SET_NULL, null=True, related_name="snapshots")
    framework_name = models.CharField(max_length=120)
    turn = models.ForeignKey(Turn, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "framework", "-created_at"], name="assess_snapshot_history")]

    def __str__(self) -> str:
        return f"{self.user} · {self.framework_name} · {self.created_at:%Y-%m-%d}"


class SnapshotRating(models.Model):
    snapshot = models.ForeignKey(SkillSnapshot, on_delete=models.CASCADE, related_name="ratings")
    category = models.ForeignKey(SkillCategory, on_delete=models.SET_NULL, null=True, related_name="+")
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
    """One of a student's answers to a warm-up prompt section; editable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompt_answers")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    category = models.ForeignKey(SkillCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "section", "position"], name="assessments_answer_unique_slot"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=10), name="assessments_answer_slot_range"),
        ]

    def __str__(self) -> str:
        return self.text


class Reflection(models.Model):
    """A student's text for one reflection step; editing replaces the text."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    step = models.ForeignKey(TurnStep, on_delete=models.CASCADE, related_name="reflections")
    text = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="assessments_reflection_one_per_step"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), 10_000), name="assessments_reflection_max_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.step}"


class TurnCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turn_completions")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

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
