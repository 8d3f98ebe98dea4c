"""The admin's "Import a lesson" page: a Markdown or Word guide becomes a draft lesson.

Staff only (it sits behind the admin's login and needs the permission to add
lessons). The page shows what was recognised and what was not, and the changes;
"Preview only" shows them without writing. Conventions: docs/authoring.md.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .content_files.document_import import MAX_DOCUMENT_BYTES
from .content_files.syntax import FormatError
from .models import Module
from .services import DOCUMENT_SUFFIXES, lesson_import_document


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        return f"{obj.track.title} → {obj.title}"


class ImportLessonForm(forms.Form):
    """Parses the upload; `lesson_import_document` decides what it means."""

    document = forms.FileField(
        label=gettext_lazy("Document"),
        help_text=gettext_lazy("A Markdown (.md) or Word (.docx) file written with the conventions in the authoring guide."),
    )
    module = ModuleChoiceField(
        label=gettext_lazy("Into module"),
        queryset=Module.objects.select_related("track").order_by("track__position", "position", "id"),
    )
    number = forms.IntegerField(
        label=gettext_lazy("Lesson number"), required=False, min_value=1,
        help_text=gettext_lazy("Left empty: after the module's last lesson, or the lesson with the same title."),
    )
    preview_only = forms.BooleanField(
        label=gettext_lazy("Preview only"), required=False, initial=True,
        help_text=gettext_lazy("Show what would be imported and write nothing."),
    )
    replace_published = forms.BooleanField(
        label=gettext_lazy("Replace the published lesson"), required=False,
        help_text=gettext_lazy("Only when the document is a new version of a published lesson: its current content "
                               "is kept as a revision you can revert to."),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if not document.name.lower().endswith(DOCUMENT_SUFFIXES):
            raise forms.ValidationError(_("Choose a Markdown (.md) or Word (.docx) file."))
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The document is over %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // 2**20})
        return document


def import_lesson_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    result = None
    form = ImportLessonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        try:
            result = lesson_import_document(
                data=document.read(), filename=document.name, module=form.cleaned_data["module"],
                number=form.cleaned_data["number"], author=request.user,
                dry_run=form.cleaned_data["preview_only"], replace_published=form.cleaned_data["replace_published"],
            )
        except FormatError as exc:
            form.add_error("document", str(exc))
        else:
            if result.refused:
                messages.warning(request, result.refused)
            elif result.written:
                messages.success(request, _("“%(title)s” was imported (%(status)s).") % {
                    "title": result.lesson.title, "status": result.lesson.get_status_display()})
            elif not result.plan.dry_run:
                messages.info(request, _("Nothing to change: the lesson already matches the document."))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import a lesson"),
        "form": form,
        "result": result,
        "lesson_url": (reverse("admin:lessons_lesson_change", args=[result.lesson.pk])
                       if result is not None and result.lesson is not None else ""),
        "authoring_guide": "docs/authoring.md",
    }
    return TemplateResponse(request, "admin/lessons/lesson/import.html", context)
