"""Course structure: Track → Module → Lesson → typed sections, FAQs, quick reference.

Markdown fields are rendered to sanitised HTML when a row is saved (the `*_html`
fields), never per request. `Lesson.content_version` and `CourseVersion` key every
cache of the course; they move only through `lessons.services.content_changed`,
which every writer of content (the admin, the importers, the loaders) calls.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown


class Track(models.Model):
    class Kind(models.TextChoices):
        CORE = "core", _("Core track")
        EXTENSION = "extension", _("Extension course")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CORE)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description_md = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    unlock_threshold = models.PositiveIntegerField(
        _("Depth points to unlock"),
        default=0,
        help_text=_("Extension courses open when a student's Depth points reach this. Core tracks: 0."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="core", unlock_threshold=0) | Q(kind="extension", unlock_threshold__gt=0)),
                name="lessons_track_threshold_matches_kind",
                violation_error_message=_("A core track has no threshold; an extension course needs one above 0."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Derived field: the sanitised HTML of the Markdown, computed once here.
        self.description_html = render_markdown(self.description_md)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("lessons:track", kwargs={"slug": self.slug})

    @property
    def is_extension(self) -> bool:
        return self.kind == self.Kind.EXTENSION

    def points_needed(self, balance: int) -> int:
        """Depth points still missing to unlock this track from `balance` (0 once reached)."""
        return max(self.unlock_threshold - (balance or 0), 0)


class Module(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="modules", verbose_name=_("track"))
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["track", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["track", "slug"], name="lessons_module_slug_unique_in_track"),
        ]

    def __str__(self) -> str:
        return f"{self.track.title} → {self.title}"


def published_q(prefix: str = "", *, now=None) -> Q:
    """Published, and its scheduled moment (if any) has come: what students may see.

    `prefix` reaches a lesson through a relation, e.g. `"modules__lessons__"`.
    Evaluated against the clock at query time, so a scheduled lesson appears at
    its moment with no background job.
    """
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Lesson.Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": now})
    )


class LessonQuerySet(models.QuerySet):
    def published(self) -> "LessonQuerySet":
        return self.filter(published_q())

    def scheduled(self) -> "LessonQuerySet":
        """Published by the author, waiting for their `publish_at`."""
        return self.filter(status=Lesson.Status.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user) -> "LessonQuerySet":
        """Published lessons, plus drafts for staff (who see them as a preview)."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def in_reading_order(self) -> "LessonQuerySet":
        return self.order_by("module__track__position", "module__position", "position", "id")


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module"))
    number = models.PositiveSmallIntegerField(_("lesson number"))
    title = models.CharField(_("title"), max_length=160)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True,
        help_text=_("Optional. A published lesson with a time here stays hidden from students until that moment, "
                    "then appears by itself. Left empty: visible as soon as it is published."),
    )
    next_steps_md = models.TextField(_("next steps (Markdown)"), blank=True)
    next_steps_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    content_version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="lessons_lesson_minutes_positive"),
            models.UniqueConstraint(fields=["module", "number"], name="lessons_lesson_number_unique_in_module"),
        ]

    def __str__(self) -> str:
        return f"Lesson {self.number}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        # Derived field only; version bumps belong to lessons.services.content_changed.
        self.next_steps_html = render_markdown(self.next_steps_md)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """Visible to students now: published, and its scheduled moment (if any) has come."""
        return self.status == self.Status.PUBLISHED and (self.publish_at is None or self.publish_at <= timezone.now())

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at is not None and self.publish_at > timezone.now()

    @property
    def path_label(self) -> str:
        """Where the lesson sits, for choosers: "Core Track › Why Learn Anything? › Lesson 1: …"."""
        module = self.module
        return f"{module.track.title} › {module.title} › {self}"

    def affected_lesson_ids(self) -> list[int]:
        return [self.pk] if self.pk else []


class CourseVersion(models.Model):
    """One row: the version of the course's structure (tracks, modules, lessons and who sees them).

    Caches of anything that lists tracks, modules or lessons key on it. It moves
    with `F()` in `lessons.services.content_changed(structure=True)`, and when a
    scheduled publication comes due (see `lessons.services.course_version`), so
    such a cache never shows a scheduled lesson early or late. `content` moves
    with every content change of any lesson: a cached answer that shows content
    from several lessons (a student's read answers, `courseplatform.answers`)
    keys on both numbers, read in one query.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveBigIntegerField(default=1)
    content = models.PositiveBigIntegerField(default=1)
    next_publication_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="lessons_courseversion_single_row")]

    def __str__(self) -> str:
        return f"course structure v{self.version}"


class LessonPart(models.Model):
    """Base for the ordered pieces of a lesson; a change to one is a new lesson version."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, verbose_name=_("lesson"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["lesson", "position", "id"]

    def render(self) -> None:
        """Fill the derived HTML fields from their Markdown sources."""

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and not self.position and self.lesson_id:
            # Appended without a position (e.g. a new admin inline): put it last,
            # so order and reading progress stay well defined.
            last = type(self).objects.filter(lesson_id=self.lesson_id).aggregate(m=models.Max("position"))["m"]
            self.position = 0 if last is None else last + 1
        self.render()
        super().save(*args, **kwargs)

    def affected_lesson_ids(self) -> list[int]:
        return [self.lesson_id] if self.lesson_id else []


class Section(LessonPart):
    """One typed block of a lesson's Guide; each kind has its own template."""

    class Kind(models.TextChoices):
        PROSE = "prose", _("Prose")
        CALLOUT = "callout", _("Callout")
        WARMUP_PROMPT = "warmup_prompt", _("Warm-up prompt")
        RECALL = "recall", _("Recall of warm-up answers")
        AUDIO = "audio", _("Audio example")
        IMAGE = "image", _("Image")

    # Which of the kind-specific fields each kind uses (the admin shows only these).
    KIND_FIELDS = {
        "prose": ("heading", "anchor", "body_md"),
        "callout": ("heading", "anchor", "body_md"),
        "warmup_prompt": ("heading", "anchor", "body_md", "answer_count", "answer_label"),
        "recall": ("heading", "anchor", "body_md", "recall_of"),
        "audio": ("heading", "anchor", "body_md", "audio_file", "audio_description"),
        "image": ("heading", "anchor", "body_md", "image_file", "image_alt"),
    }

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections", verbose_name=_("lesson"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROSE)
    heading = models.CharField(_("heading"), max_length=160, blank=True)
    anchor = models.SlugField(_("anchor"), max_length=80, blank=True, help_text=_("Left empty, it is made from the heading."))
    body_md = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    answer_count = models.PositiveSmallIntegerField(
        _("answers asked for"), default=3, help_text=_("Warm-up prompts only: how many short answers.")
    )
    answer_label = models.CharField(
        _("answer label"), max_length=40, blank=True,
        help_text=_("Warm-up prompts only: what one answer is, e.g. “Skill” labels the boxes Skill 1, Skill 2… "
                    "Left empty: Answer 1, Answer 2…"),
    )
    audio_file = models.FileField(
        _("audio file"), upload_to="lessons/audio/%Y/%m/", blank=True, max_length=200,
        help_text=_("Audio examples only: MP3, Ogg, WAV or M4A, 20 MB at most."),
    )
    audio_description = models.TextField(
        _("what is heard"), blank=True,
        help_text=_("Audio examples only, required: a text description of what the listener hears, "
                    "for students who cannot hear it."),
    )
    image_file = models.FileField(
        _("image file"), upload_to="lessons/images/%Y/%m/", blank=True, max_length=200,
        help_text=_("Images only: JPEG, PNG, GIF or WebP, 5 MB at most."),
    )
    image_alt = models.CharField(
        _("alt text"), max_length=300, blank=True,
        help_text=_("Images only, required: what the image shows, for students who cannot see it."),
    )
    # Derived from the uploaded file when it is checked (never from the browser's word).
    media_content_type = models.CharField(max_length=40, blank=True, editable=False)
    media_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    media_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    media_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(
        _("archived"), null=True, blank=True,
        help_text=_("Archived sections are hidden from students; answers given to them are kept."),
    )
    recall_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recalled_by",
        limit_choices_to={"kind": "warmup_prompt"},
        verbose_name=_("recalls the prompt"),
        help_text=_("Recall sections only: the warm-up prompt whose answers are shown again."),
    )

    class Meta(LessonPart.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_count__gte=1, answer_count__lte=10), name="lessons_section_answer_count_range"
            ),
            # Anchors are the page's link targets and the resume point.
            models.UniqueConstraint(fields=["lesson", "anchor"], name="lessons_section_anchor_unique_in_lesson"),
        ]

    def __str__(self) -> str:
        return self.heading or self.get_kind_display()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def has_learner_records(self) -> bool:
        """Students' answers point at warm-up prompts: such a section is archived, never deleted."""
        return self.kind == self.Kind.WARMUP_PROMPT and self.answers.exists()

    def clean(self) -> None:
        self.check_media()
        # Fill the anchor before constraints are validated, so a clash with a
        # sibling's anchor is a form error rather than a database error.
        self.fill_anchor()

    def check_media(self) -> None:
        """An audio section needs a playable file and a description; an image, an image and alt text."""
        from . import media

        errors: dict[str, list] = {}
        if self.kind == self.Kind.AUDIO:
            if not self.audio_file:
                errors["audio_file"] = [_("An audio example needs its audio file.")]
            elif media.is_new_upload(self.audio_file):
                try:
                    self._store_media_facts(media.check_audio(self.audio_file.file))
                except ValidationError as error:
                    errors.update(error.message_dict)
            if not self.audio_description.strip():
                errors["audio_description"] = [_("Describe what is heard, for students who cannot hear it.")]
        elif self.kind == self.Kind.IMAGE:
            if not self.image_file:
                errors["image_file"] = [_("An image section needs its image file.")]
            elif media.is_new_upload(self.image_file):
                try:
                    self._store_media_facts(media.check_image(self.image_file.file))
                except ValidationError as error:
                    errors.update(error.message_dict)
            if not self.image_alt.strip():
                errors["image_alt"] = [_("Say what the image shows, for students who cannot see it.")]
        if errors:
            raise ValidationError(errors)

    def _store_media_facts(self, checked) -> None:
        self.media_content_type = checked.content_type
        self.media_size = checked.size
        self.media_width, self.media_height = checked.width, checked.height

    @property
    def media_file(self):
        """The file this section shows (audio or image), or None."""
        if self.kind == self.Kind.AUDIO and self.audio_file:
            return self.audio_file
        if self.kind == self.Kind.IMAGE and self.image_file:
            return self.image_file
        return None

    def fill_anchor(self, taken: set[str] | None = None) -> None:
        """Left empty, the anchor is made from the heading, unique in the lesson (-2, -3… on a clash)."""
        if self.anchor:
            return
        if taken is None:
            siblings = Section.objects.filter(lesson_id=self.lesson_id) if self.lesson_id else Section.objects.none()
            taken = set(siblings.exclude(pk=self.pk).values_list("anchor", flat=True))
        self.anchor = unique_anchor(self.heading, taken)

    def render(self) -> None:
        self.body_html = render_markdown(self.body_md)
        self.fill_anchor()

    @property
    def template_name(self) -> str:
        return f"lessons/sections/{self.kind}.html"


def unique_anchor(heading: str, taken: set[str]) -> str:
    """A link target made from `heading` that is not in `taken`: "tone", then "tone-2", "tone-3"…"""
    base = slugify(heading)[:72].strip("-") or "section"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    return anchor


class FAQ(LessonPart):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("lesson"))
    question = models.CharField(_("question"), max_length=300)
    answer_md = models.TextField(_("answer (Markdown)"))
    answer_html = models.TextField(editable=False, blank=True)

    class Meta(LessonPart.Meta):
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self) -> str:
        return self.question

    def render(self) -> None:
        self.answer_html = render_markdown(self.answer_md)


class QuickReference(LessonPart):
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="quick_references", verbose_name=_("lesson")
    )
    term = models.CharField(_("term"), max_length=80)
    summary = models.CharField(_("one-line summary"), max_length=300)

    class Meta(LessonPart.Meta):
        verbose_name = _("quick reference card")
        verbose_name_plural = _("quick reference cards")

    def __str__(self) -> str:
        return self.term


class LessonProgress(models.Model):
    """How far one student has read one lesson, and whether the lesson is done."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(default=timezone.now)
    furthest_section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    furthest_position = models.PositiveIntegerField(default=0)
    guide_finished_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lessons_progress_one_per_student_lesson"),
        ]
        indexes = [models.Index(fields=["user", "-updated_at"], name="lessons_progress_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def state(self) -> str:
        if self.completed_at:
            return "done"
        return "in_progress"


class TrackUnlock(models.Model):
    """A student's permanent access to an Extension Course.

    Which Depth points grant it is decided in assessments; this row is the grant.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_unlocks")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="unlocks")
    unlocked_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="lessons_unlock_once_per_student_track"),
        ]

    def __str__(self) -> str:
        return f"{self.user} unlocked {self.track}"


class LessonRevision(models.Model):
    """One saved state of a lesson: its whole content file as text, append-only.

    Recorded by every save of a lesson (the admin, an import, a revert); compared
    as a diff of the file format; learners' records point at the revision they
    were written under, so a later edit never changes what they answered.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("lesson"))
    number = models.PositiveIntegerField(_("revision"))
    content_version = models.PositiveIntegerField(
        default=0, help_text=_("The lesson's content version this text was taken at.")
    )
    text = models.TextField(_("content file"))
    summary = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["lesson", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="lessons_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} · revision {self.number}"
