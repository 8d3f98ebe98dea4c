"""Authoring Your Turn and skill frameworks; students' history is read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from lessons.admin import MarkdownPreviewMixin

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


class SkillCategoryInline(admin.StackedInline):
    model = SkillCategory
    extra = 0
    ordering = ("position",)
    fields = ("position", "name", "slug", "description", "cluster", "level_descriptors")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SkillFramework)
class SkillFrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SkillCategoryInline]


class TurnStepInline(admin.StackedInline):
    model = TurnStep
    extra = 0
    ordering = ("number",)
    fields = ("number", "kind", "title", "body_md", "points", "min_words")


@admin.register(Turn)
class TurnAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
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
    list_display = ("user", "step", "word_count", "updated_at")
    search_fields = ("user__email",)
    list_select_related = ("user", "step")


@admin.register(TurnCompletion)
class TurnCompletionAdmin(ReadOnlyAdmin):
    list_display = ("user", "turn", "completed_at")
    list_select_related = ("user", "turn")


@admin.register(PromptAnswer)
class PromptAnswerAdmin(ReadOnlyAdmin):
    list_display = ("user", "section", "position", "text", "category")
    list_select_related = ("user", "section", "category")
