"""Authoring Your Turn and skill frameworks; students' history is read-only here."""

from functools import partial

from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.checks import InlineModelAdminChecks
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.forms.models import inlineformset_factory
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lessons.admin import (
    ArchiveForm,
    ArchiveInsteadOfDeleteAdmin,
    ArchiveInsteadOfDeleteInline,
    ContentChangesAdmin,
    LessonAdmin,
    LessonChoiceField,
    MarkdownPreviewMixin,
)
from lessons.admin_revisions import RecordsRevisionsMixin
from lessons.models import Lesson
from lessons.services import content_changed

from . import services
from .models import (
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

LEVELS = range(1, 11)


class SkillCategoryForm(ArchiveForm):
    """Level descriptors as ten labelled fields ("What a 1 means" … "What a 10 means"), not raw JSON."""

    class Meta:
        model = SkillCategory
        fields = ("name", "slug", "description", "keywords", "cluster")
        help_texts = {"slug": _("Filled from the name; left empty, it is made from the name when saved.")}

    locals().update({
        f"level_{level}": forms.CharField(
            label=_("What a %(level)d means") % {"level": level}, required=False, max_length=200,
            help_text=_("Optional; shown beside the slider at this rating.") if level == 1 else "",
        )
        for level in LEVELS
    })

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        descriptors = self.instance.level_descriptors or {}
        for level in LEVELS:
            self.initial.setdefault(f"level_{level}", descriptors.get(str(level), ""))

    def clean(self):
        cleaned = super().clean()
        self.instance.level_descriptors = {
            str(level): cleaned[f"level_{level}"].strip() for level in LEVELS if cleaned.get(f"level_{level}", "").strip()
        }
        return cleaned


class SkillCategoryInline(ArchiveInsteadOfDeleteInline, SortableStackedInline):
    model = SkillCategory
    form = SkillCategoryForm
    extra = 0
    ordering = ("position",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "keywords", "cluster", "archived")}),
        (_("Level descriptors"), {"fields": tuple(f"level_{level}" for level in LEVELS), "classes": ("collapse",)}),
    )
    prepopulated_fields = {"slug": ("name",)}


class ArchiveActions:
    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected (hidden from students, their work kept)"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset) -> None:
        changed = list(queryset.filter(archived_at__isnull=True))
        queryset.filter(pk__in=[obj.pk for obj in changed]).update(archived_at=timezone.now())
        content_changed(parts=changed)
        self.message_user(request, ngettext("%(n)d archived.", "%(n)d archived.", len(changed)) % {"n": len(changed)},
                          messages.SUCCESS)

    @admin.action(description=_("Restore the selected from the archive"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset) -> None:
        changed = list(queryset.filter(archived_at__isnull=False))
        queryset.filter(pk__in=[obj.pk for obj in changed]).update(archived_at=None)
        content_changed(parts=changed)
        self.message_user(request, ngettext("%(n)d restored.", "%(n)d restored.", len(changed)) % {"n": len(changed)},
                          messages.SUCCESS)


@admin.register(SkillFramework)
class SkillFrameworkAdmin(ArchiveActions, SortableAdminBase, ArchiveInsteadOfDeleteAdmin, ContentChangesAdmin):
    list_display = ("name", "slug", "position", "archived_at")
    list_filter = ("archived_at",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "position")
    inlines = [SkillCategoryInline]


class TurnStepForm(ArchiveForm):
    class Meta:
        model = TurnStep
        fields = ("number", "key", "kind", "title", "body_md", "points", "min_words")

    def _get_validation_exclusions(self):
        # Numbers are renumbered 1, 2, 3… on save (see TurnStepFormSet.save), so a
        # drag that swaps two steps is no clash to report.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("number")
        return exclusions


class TurnStepFormSet(CustomInlineFormSet):
    """A Turn's steps in the order the author dragged them, numbered 1, 2, 3… when saved.

    Step numbers are unique among a Turn's live steps, so the new order is
    written in two moves (out of the way, then 1..n) and never clashes halfway.
    """

    def save(self, commit=True):
        turn = self.instance
        kept = [
            form for form in self.forms
            if getattr(form, "cleaned_data", None) and (form.instance.pk or form.has_changed())
            and not (self.can_delete and self._should_delete_form(form))
        ]
        # In the order dragged; a new step goes last unless it was given a number (then it goes there).
        kept.sort(key=lambda form: (form.cleaned_data.get("number") or 100_000, form.instance.pk is not None))
        live = [form for form in kept if form.instance.archived_at is None]
        services.turn_step_keys_fill(turn=turn, steps=[form.instance for form in live])
        # Out of the way first, so no two live steps share a number halfway through.
        top = services.turn_steps_shift(turn=turn)
        for offset, form in enumerate(kept, start=1):
            form.instance.number = 2 * top + offset
        saved = super().save(commit)
        if commit:
            services.turn_steps_renumber(turn=turn, step_ids=[form.instance.pk for form in live if form.instance.pk])
        return saved


class TurnStepInline(ArchiveInsteadOfDeleteInline, SortableStackedInline):
    model = TurnStep
    form = TurnStepForm
    formset = TurnStepFormSet
    extra = 0
    ordering = ("number",)
    fields = ("kind", "title", "body_md", "points", "min_words", "key", "archived")


class TurnAdminForm(forms.ModelForm):
    class Meta:
        model = Turn
        fields = ("lesson", "title", "intro_md", "estimated_minutes", "framework", "expected_outcome_md", "completion_message")
        field_classes = {"lesson": LessonChoiceField}


@admin.register(Turn)
class TurnAdmin(RecordsRevisionsMixin, SortableAdminBase, MarkdownPreviewMixin, ArchiveInsteadOfDeleteAdmin, ContentChangesAdmin):
    form = TurnAdminForm
    list_display = ("title", "lesson_path", "framework", "estimated_minutes")
    list_select_related = ("lesson__module__track", "framework")
    search_fields = ("title", "lesson__title")
    inlines = [TurnStepInline]

    @admin.display(description=_("lesson"), ordering="lesson")
    def lesson_path(self, obj: Turn) -> str:
        return obj.lesson.path_label


# --- The Your Turn on the lesson's own page ----------------------------------------
# Django's admin has no nested inlines, and the Turn is one-to-one with its lesson:
# the Turn's fields are a one-form inline of the lesson, and its steps a second
# inline whose formset edits the lesson's Turn (see LessonTurnStepInline).


class LessonTurnInline(admin.StackedInline):
    model = Turn
    fk_name = "lesson"
    max_num = 1
    extra = 0
    can_delete = False
    verbose_name = _("Your Turn")
    verbose_name_plural = _("Your Turn")
    fields = ("title", "intro_md", "estimated_minutes", "framework", "expected_outcome_md", "completion_message")


class LessonTurnStepFormSet(TurnStepFormSet):
    """The steps of the lesson's Turn, on the lesson's page.

    The admin hands every inline formset the lesson; this one edits the lesson's
    Turn instead (an unsaved one while the lesson has none). Saving runs after
    the Turn inline has saved, so a Turn and its first steps can be made at once.
    """

    turn_prefix = "turn"

    def __init__(self, data=None, files=None, instance=None, **kwargs):
        self.lesson = instance
        turn = Turn.objects.filter(lesson=instance).first() if instance is not None and instance.pk else None
        super().__init__(data=data, files=files, instance=turn or Turn(), **kwargs)

    @classmethod
    def get_default_prefix(cls):
        return "turn_steps"

    def clean(self):
        super().clean()
        wants_steps = any(
            getattr(form, "cleaned_data", None) and form.has_changed() and not self._should_delete_form(form)
            for form in self.forms
        )
        turn_titled = bool(self.instance.pk) or bool((self.data.get(f"{self.turn_prefix}-0-title") or "").strip())
        if wants_steps and not turn_titled:
            raise ValidationError(_("Give the Your Turn a title first (above): its steps belong to it."))

    def save(self, commit=True):
        turn = Turn.objects.filter(lesson=self.lesson).first()
        if turn is None:
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        self.instance = turn
        for form in self.forms:
            form.instance.turn = turn
        return super().save(commit)


class TurnStepsOnLessonChecks(InlineModelAdminChecks):
    """Steps point at the lesson's Turn, not at the lesson: the formset bridges the one-to-one."""

    def _check_relation(self, obj, parent_model):
        return []


class LessonTurnStepInline(TurnStepInline):
    formset = LessonTurnStepFormSet
    verbose_name = _("Your Turn step")
    verbose_name_plural = _("Your Turn steps")
    fk_name = "turn"
    checks_class = TurnStepsOnLessonChecks

    def get_formset(self, request, obj=None, **kwargs):
        # The admin would build a Lesson → TurnStep formset, which has no foreign key to
        # follow; build the Turn → TurnStep one (LessonTurnStepFormSet picks the Turn).
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        readonly = self.get_readonly_fields(request, obj)
        exclude = [*readonly]
        formset = inlineformset_factory(
            Turn, TurnStep, form=self.form, formset=self.formset, fk_name="turn",
            fields=[f for f in fields if f not in readonly], exclude=exclude,
            extra=self.get_extra(request, obj), min_num=self.get_min_num(request, obj),
            max_num=self.get_max_num(request, obj), can_delete=self.has_delete_permission(request, obj),
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
        )
        return self.refuse_deleting_learner_records(formset)


class LessonWithTurnAdmin(LessonAdmin):
    inlines = [*LessonAdmin.inlines, LessonTurnInline, LessonTurnStepInline]

    def content_change(self, obj) -> dict:
        # The Turn and its steps are saved with the lesson: the lesson's version covers them.
        return {"lessons": [obj], "structure": True}


admin.site.unregister(Lesson)
admin.site.register(Lesson, LessonWithTurnAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Students' history is append-only: authors can look, never edit."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SnapshotRatingInline(admin.TabularInline):
    model = SnapshotRating
    fields = ("category_name", "value")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SkillSnapshot)
class SkillSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("user", "framework_name", "created_at")
    list_filter = ("framework_name",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    inlines = [SnapshotRatingInline]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "amount", "reason", "source_key", "created_at")
    search_fields = ("user__email", "source_key")
    list_select_related = ("user",)


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdmin):
    """Which reflections exist and how long they are; never their text.

    Students are told that nobody sees a reflection they did not share, and
    staff are no exception (ReflectionVersion, which holds every earlier text,
    is not registered at all).
    """

    list_display = ("user", "step", "word_count", "updated_at")
    fields = ("user", "step", "attempt", "word_count", "created_at", "updated_at")
    search_fields = ("user__email",)
    list_select_related = ("user", "step")


@admin.register(TurnCompletion)
class TurnCompletionAdmin(ReadOnlyAdmin):
    list_display = ("user", "turn", "completed_at")
    list_select_related = ("user", "turn")


@admin.register(PromptAnswer)
class PromptAnswerAdmin(ReadOnlyAdmin):
    """Which warm-up slots are answered and how they are tagged; the answers' text stays private."""

    list_display = ("user", "section", "position", "category")
    fields = ("user", "section", "position", "category", "category_suggested", "updated_at")
    list_select_related = ("user", "section", "category")
