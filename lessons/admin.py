"""Authoring: tracks, modules and lessons with ordered inlines and a Markdown preview."""

import json

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableAdminBase,
    SortableAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
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
        return self.refuse_deleting_learner_records(super().get_formset(request, obj, **kwargs))

    @staticmethod
    def refuse_deleting_learner_records(formset):
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


# --- Content changes go through one service ---------------------------------------
# Saving, deleting, bulk actions: each ends in lessons.services.content_changed,
# so the versions that key every cache move (with F()) whatever the author did.


class ContentChangesAdmin(admin.ModelAdmin):
    """Calls `content_changed` after every save, delete and bulk delete of this admin's objects.

    `content_change(obj)` says what changed: a dict of `content_changed` keyword
    arguments (parts, lessons, structure). Read before a delete, applied after it.
    """

    def content_change(self, obj) -> dict:
        return {"parts": [obj]}

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.content_changed(**self.content_change(form.instance))

    def delete_model(self, request, obj) -> None:
        change = self._ids_before_delete([obj])
        super().delete_model(request, obj)
        services.content_changed(**change)

    def delete_queryset(self, request, queryset) -> None:
        change = self._ids_before_delete(list(queryset))
        super().delete_queryset(request, queryset)
        services.content_changed(**change)

    def _ids_before_delete(self, objs) -> dict:
        ids: set[int] = set()
        structure = False
        for obj in objs:
            change = self.content_change(obj)
            structure = structure or change.get("structure", False)
            for part in change.get("parts", ()):
                ids.update(part.affected_lesson_ids())
            ids.update(lesson.pk for lesson in change.get("lessons", ()))
        return {"lesson_ids": ids, "structure": structure}


class ModuleInline(SortableTabularInline):
    model = Module
    extra = 0
    fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("position",)


@admin.register(Track)
class TrackAdmin(SortableAdminMixin, MarkdownPreviewMixin, ContentChangesAdmin):
    list_display = ("title", "kind", "unlock_threshold")
    list_filter = ("kind",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "kind", "unlock_threshold", "summary", "description_md")
    inlines = [ModuleInline]
    ordering = ("position",)

    def content_change(self, obj) -> dict:
        return {"structure": True}

    def _update_order(self, updated_items, extra_model_filters):
        # Dragging rows in the track list: a structure change like any other.
        result = super()._update_order(updated_items, extra_model_filters)
        services.content_changed(structure=True)
        return result


class LessonInline(SortableTabularInline):
    model = Lesson
    extra = 0
    fields = ("number", "title", "slug", "status")
    show_change_link = True
    ordering = ("position",)


@admin.register(Module)
class ModuleAdmin(SortableAdminBase, ContentChangesAdmin):
    list_display = ("title", "track", "position")
    list_filter = ("track",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    fields = ("track", "title", "slug", "summary")
    inlines = [LessonInline]

    def content_change(self, obj) -> dict:
        return {"structure": True}


class KindSelect(forms.Select):
    """The kind chooser carries which fields each kind uses, for the inline's small script."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs["data-kind-fields"] = json.dumps(Section.KIND_FIELDS)
        self.attrs["class"] = "section-kind"


class SectionForm(ArchiveForm):
    class Meta:
        model = Section
        fields = (
            "kind", "heading", "anchor", "body_md", "answer_count", "answer_label", "recall_of",
            "audio_file", "audio_description", "image_file", "image_alt",
        )
        widgets = {"kind": KindSelect}
        help_texts = {
            "anchor": _("The link to this section (#anchor). Left empty, it is made from the heading, "
                        "and kept unique in the lesson (tone, tone-2…)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Accept what browsers offer for the file choosers; the server checks the content anyway.
        self.fields["audio_file"].widget.attrs["accept"] = "audio/mpeg,audio/ogg,audio/wav,audio/mp4,.mp3,.ogg,.wav,.m4a"
        self.fields["image_file"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"

    def clean(self):
        cleaned = super().clean()
        # A typed anchor another section of this page already claims is an error on this field,
        # in words; an empty one is made unique by the formset (see SectionFormSet.clean).
        anchor = cleaned.get("anchor")
        taken = getattr(self, "anchors_claimed_by_others", set())
        if anchor and anchor in taken:
            self.add_error("anchor", _("Another section of this lesson already uses the anchor “%(anchor)s”. "
                                       "Change it, or leave it empty to make one from the heading.") % {"anchor": anchor})
        return cleaned


class SectionFormSet(CustomInlineFormSet):
    """Anchors made from headings, unique in the lesson, before Django compares them.

    Every anchor an author typed is claimed first (each by its own form); an
    empty one is then made from the heading with -2, -3… added on a clash, so
    leaving every anchor empty always works and a real clash names its field.
    """

    def _typed_anchor(self, form) -> str:
        return (form.data.get(form.add_prefix("anchor")) or "").strip() if self.is_bound else ""

    def full_clean(self):
        if self.is_bound:
            typed = [self._typed_anchor(form) for form in self.forms]
            for index, form in enumerate(self.forms):
                form.anchors_claimed_by_others = {a for i, a in enumerate(typed) if a and i != index}
        super().full_clean()

    def clean(self):
        taken = {form.cleaned_data.get("anchor") for form in self.forms
                 if getattr(form, "cleaned_data", None) and self._typed_anchor(form)}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._typed_anchor(form) or (self.can_delete and self._should_delete_form(form)):
                continue
            form.instance.anchor = ""
            form.instance.fill_anchor(taken=taken)
            data["anchor"] = form.instance.anchor
            taken.add(form.instance.anchor)
        super().clean()


class SectionInline(ArchiveInsteadOfDeleteInline, SortableStackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    fk_name = "lesson"
    extra = 0
    ordering = ("position",)
    fields = (
        "kind", "heading", "anchor", "body_md", "answer_count", "answer_label", "recall_of",
        "audio_file", "audio_description", "image_file", "image_alt", "archived",
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        recall_field = formset.form.base_fields.get("recall_of")
        if recall_field is not None:
            # Only the lesson's own warm-up prompts can be recalled.
            recall_field.queryset = recall_field.queryset.filter(lesson=obj) if obj is not None else recall_field.queryset.none()
        return formset


class FAQInline(SortableStackedInline):
    model = FAQ
    extra = 0
    ordering = ("position",)
    fields = ("question", "answer_md")


class QuickReferenceInline(SortableTabularInline):
    model = QuickReference
    extra = 0
    ordering = ("position",)
    fields = ("term", "summary")


class LessonChoiceField(forms.ModelChoiceField):
    """Names each lesson with its track and module: "Core Track › Why Learn Anything? › Lesson 1: …"."""

    def __init__(self, queryset=None, **kwargs):
        queryset = (queryset if queryset is not None else Lesson.objects.all()).select_related("module__track")
        super().__init__(queryset.order_by("module__track__position", "module__position", "position", "id"), **kwargs)

    def label_from_instance(self, obj: Lesson) -> str:
        return obj.path_label


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ("module", "number", "title", "subtitle", "slug", "status", "publish_at", "summary", "estimated_minutes",
                  "next_steps_md")
        help_texts = {"status": _("Draft: only staff see it. Published: students see it, from “Publish at” if set.")}


@admin.register(Lesson)
class LessonAdmin(LessonRevisionsAdminMixin, SortableAdminBase, MarkdownPreviewMixin, ArchiveInsteadOfDeleteAdmin, ContentChangesAdmin):
    form = LessonAdminForm
    list_display = ("title", "number", "module", "visibility", "estimated_minutes", "updated_at")
    list_filter = ("status", "module__track", "module")
    search_fields = ("title", "subtitle", "slug")
    list_select_related = ("module__track",)
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("module", "number", "title", "subtitle", "slug", ("status", "publish_at"))}),
        (_("About"), {"fields": ("summary", "estimated_minutes")}),
        (_("Next steps"), {"fields": ("next_steps_md",)}),
    )
    inlines = [SectionInline, FAQInline, QuickReferenceInline]
    actions = ["publish", "unpublish", "duplicate"]
    save_on_top = True

    class Media:
        # Declared here, this replaces MarkdownPreviewMixin.Media: name both scripts.
        js = (MARKDOWN_PREVIEW_JS, "js/admin-section-kind.js")
        css = {"all": ("css/admin.css",)}

    def content_change(self, obj) -> dict:
        return {"lessons": [obj], "structure": True}

    def save_model(self, request, obj, form, change) -> None:
        if not change and not obj.position:
            # A new lesson reads after the module's others; the module page orders them by dragging.
            last = Lesson.objects.filter(module_id=obj.module_id).aggregate(m=Max("position"))["m"]
            obj.position = (last or 0) + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.lesson_parts_renumber(lesson=form.instance)

    @admin.display(description=_("visible to students"), ordering="status")
    def visibility(self, obj: Lesson) -> str:
        if obj.is_scheduled:
            return _("Scheduled: %(when)s") % {"when": timezone.localtime(obj.publish_at).strftime("%Y-%m-%d %H:%M")}
        return _("Yes") if obj.is_published else _("No (draft)")

    @admin.action(description=_("Publish the selected lessons"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> None:
        changed = services.lessons_publish(lessons=queryset, publish=True)
        self._changed(request, changed)

    @admin.action(description=_("Unpublish (back to draft) the selected lessons"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset) -> None:
        changed = services.lessons_publish(lessons=queryset, publish=False)
        self._changed(request, changed)

    @admin.action(description=_("Duplicate the selected lessons (as drafts)"), permissions=["add"])
    def duplicate(self, request: HttpRequest, queryset) -> None:
        copies = [services.lesson_duplicate(lesson=lesson) for lesson in queryset.select_related("module")]
        for copy in copies:
            self.message_user(request, _("“%(title)s” copied as a draft: %(slug)s.") % {"title": copy.title, "slug": copy.slug},
                              messages.SUCCESS)

    def _changed(self, request: HttpRequest, changed: int) -> None:
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
