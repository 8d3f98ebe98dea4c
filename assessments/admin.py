"""Authoring Your Turn and skill frameworks; students' history is read-only here."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lessons.admin import ArchiveForm, ArchiveInsteadOfDeleteAdmin, ArchiveInsteadOfDeleteInline, MarkdownPreviewMixin

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


class SkillCategoryForm(ArchiveForm):
    class Meta:
        model = SkillCategory
        fields = ("position", "name", "slug", "description", "keywords", "cluster", "level_descriptors")


class SkillCategoryInline(ArchiveInsteadOfDeleteInline, admin.StackedInline):
    model = SkillCategory
    form = SkillCategoryForm
    extra = 0
    ordering = ("position",)
    fields = ("position", "name", "slug", "description", "keywords", "cluster", "level_descriptors", "archived")
    prepopulated_fields = {"slug": ("name",)}


class ArchiveActions:
    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected (hidden from students, their work kept)"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset) -> None:
        changed = 0
        for obj in queryset.filter(archived_at__isnull=True):
            obj.archived_at = timezone.now()
            obj.save(update_fields=["archived_at"])
            changed += 1
        self.message_user(request, ngettext("%(n)d archived.", "%(n)d archived.", changed) % {"n": changed},
                          messages.SUCCESS)

    @admin.action(description=_("Restore the selected from the archive"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset) -> None:
        changed = 0
        for obj in queryset.filter(archived_at__isnull=False):
            obj.archived_at = None
            obj.save(update_fields=["archived_at"])
            changed += 1
        self.message_user(request, ngettext("%(n)d restored.", "%(n)d restored.", changed) % {"n": changed},
                          messages.SUCCESS)


@admin.register(SkillFramework)
class SkillFrameworkAdmin(ArchiveActions, ArchiveInsteadOfDeleteAdmin):
    list_display = ("name", "slug", "position", "archived_at")
    list_filter = ("archived_at",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SkillCategoryInline]


class TurnStepForm(ArchiveForm):
    class Meta:
        model = TurnStep
        fields = ("number", "key", "kind", "title", "body_md", "points", "min_words")


class TurnStepInline(ArchiveInsteadOfDeleteInline, admin.StackedInline):
    model = TurnStep
    form = TurnStepForm
    extra = 0
    ordering = ("number",)
    fields = ("number", "kind", "title", "body_md", "points", "min_words", "key", "archived")


@admin.register(Turn)
class TurnAdmin(MarkdownPreviewMixin, ArchiveInsteadOfDeleteAdmin):
    list_display = ("title", "lesson", "framework", "estimated_minutes")
    list_select_related = ("lesson", "framework")
    search_fields = ("title", "lesson__title")
    fields = ("lesson", "title", "intro_md", "estimated_minutes", "framework", "expected_outcome_md", "completion_message")
    inlines = [TurnStepInline]


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
