"""Authoring: tracks, modules and lessons with ordered inlines and a Markdown preview."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .admin_revisions import LessonRevisionsAdminMixin
from .markdown import render_markdown
from .models import FAQ, Lesson, Module, QuickReference, Section, Track, TrackUnlock

MARKDOWN_PREVIEW_JS = "js/admin-markdown-preview.js"


class MarkdownPreviewMixin:
    """Adds a live, sanitised preview under every Markdown field of the form."""

    class Media:
        js = (MARKDOWN_PREVIEW_JS,)
        css = {"all": ("css/admin.css",)}


# --- Learners' records outlive content ------------------------------------------------
# Rows students have answered, rated or written to are PROTECTed in the database;
# the admin explains that and offers "Archived" (hidden from students, kept for history).

def refusal(obj) -> str:
    return _(
        "“%(name)s” cannot be deleted: students have answered, rated or written to it, and what they wrote is "
        "kept. Tick “Archived” instead: it is hidden from students from now on and their work stays."
    ) % {"name": obj}


class ArchiveForm(forms.ModelForm):
    """An "Archived" checkbox in place of the archived_at timestamp."""

    archived = forms.BooleanField(
        label=_("Archived"), required=False,
        help_text=_("Hidden from students; what students wrote to it is kept."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archived"].initial = self.instance.archived_at is not None

    def save(self, commit=True):
        archived = self.cleaned_data.get("archived")
        if archived and self.instance.archived_at is None:
            self.instance.archived_at = timezone.now()
        elif not archived:
            self.instance.archived_at = None
        return super().save(commit)


class ArchiveInsteadOfDeleteInline:
    """An inline that refuses, in words, to delete a row that students' records point at.

    Django's inline forms already refuse to delete a row with PROTECTed
    dependants, but they list those rows (students' names included). This
    replaces that check with one sentence that says why and what to do.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def hand_clean_DELETE(form) -> None:
            if form.cleaned_data.get("DELETE") and form.instance.pk and form.instance.has_learner_records():
                raise ValidationError(refusal(form.instance), code="archive_instead")

        formset.form.hand_clean_DELETE = hand_clean_DELETE
        return formset


class ArchiveInsteadOfDeleteAdmin(admin.ModelAdmin):
    """For a whole object (a lesson, a framework): explain the refusal instead of listing students' rows."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        has_records = any(getattr(obj, "has_learner_records", lambda: False)() for obj in objs)
        if protected or has_records:
            perms_needed = set()  # the reason is students' work, not the author's permissions
            protected = [
                _("Students' answers, ratings or reflections (%(count)d records) depend on it. Archive its parts "
                  "instead of deleting: archived parts are hidden from students and their work is kept.")
                % {"count": len(protected) or 1}
            ]
        return deleted, counts, perms_needed, protected


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("position", "title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("position",)


@admin.register(Track)
class TrackAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "unlock_threshold", "position")
    list_editable = ("position",)
    list_filter = ("kind",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "kind", "unlock_threshold", "summary", "description_md", "position")
    inlines = [ModuleInline]


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("position", "number", "title", "slug", "status")
    show_change_link = True
    ordering = ("position",)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "track", "position")
    list_filter = ("track",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LessonInline]


class SectionForm(ArchiveForm):
    class Meta:
        model = Section
        fields = ("position", "kind", "heading", "anchor", "body_md", "answer_count", "answer_label", "recall_of")


class SectionInline(ArchiveInsteadOfDeleteInline, admin.StackedInline):
    model = Section
    form = SectionForm
    fk_name = "lesson"
    extra = 0
    ordering = ("position",)
    fields = ("position", "kind", "heading", "anchor", "body_md", "answer_count", "answer_label", "recall_of", "archived")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        recall_field = formset.form.base_fields.get("recall_of")
        if recall_field is not None and obj is not None:
            # Only the lesson's own warm-up prompts can be recalled.
            recall_field.queryset = recall_field.queryset.filter(lesson=obj)
        return formset


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    ordering = ("position",)
    fields = ("position", "question", "answer_md")


class QuickReferenceInline(admin.TabularInline):
    model = QuickReference
    extra = 0
    ordering = ("position",)
    fields = ("position", "term", "summary")


@admin.register(Lesson)
class LessonAdmin(LessonRevisionsAdminMixin, MarkdownPreviewMixin, ArchiveInsteadOfDeleteAdmin):
    list_display = ("title", "number", "module", "status", "estimated_minutes", "updated_at")
    list_filter = ("status", "module__track", "module")
    search_fields = ("title", "subtitle", "slug")
    list_select_related = ("module__track",)
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("module", "number", "position", "title", "subtitle", "slug", "status")}),
        (_("About"), {"fields": ("summary", "estimated_minutes")}),
        (_("Next steps"), {"fields": ("next_steps_md",)}),
    )
    inlines = [SectionInline, FAQInline, QuickReferenceInline]
    actions = ["publish", "unpublish"]
    save_on_top = True

    @admin.action(description=_("Publish the selected lessons"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Lesson.Status.PUBLISHED)

    @admin.action(description=_("Unpublish (back to draft) the selected lessons"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Lesson.Status.DRAFT)

    def _set_status(self, request: HttpRequest, queryset, status: str) -> None:
        changed = 0
        for lesson in queryset.exclude(status=status):
            lesson.status = status
            lesson.save(update_fields=["status", "content_version", "next_steps_html", "updated_at"])
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d lesson changed.", "%(count)d lessons changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    def get_urls(self):
        preview = self.admin_site.admin_view(markdown_preview)
        return [path("markdown-preview/", preview, name="lessons_markdown_preview"), *super().get_urls()]


@staff_member_required
@require_POST
def markdown_preview(request: HttpRequest) -> JsonResponse:
    """Render Markdown exactly as a saved lesson would, for the admin preview."""
    text = request.POST.get("text", "")
    if len(text) > 100_000:
        return JsonResponse({"error": "text: too long to preview (100,000 characters at most)."}, status=400)
    return JsonResponse({"html": render_markdown(text)})


@admin.register(TrackUnlock)
class TrackUnlockAdmin(admin.ModelAdmin):
    list_display = ("user", "track", "unlocked_at", "notified_at")
    list_filter = ("track",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "track", "unlocked_at", "notified_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
