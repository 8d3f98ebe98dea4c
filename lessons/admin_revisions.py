"""Lesson revisions in the admin: every save records one; authors list, compare and revert them.

Kept out of lessons/admin.py so the editor there can change freely: `LessonAdmin`
takes `LessonRevisionsAdminMixin` (history, compare, revert and the "Import a
lesson" page, see `admin_import`); admins of other pieces of a lesson (the Your
Turn) take `RecordsRevisionsMixin` and say which lesson an object belongs to.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .content_files.diff import unified_diff
from .content_files.syntax import FormatError
from .models import Lesson, LessonRevision
from .services import revision_baseline, revision_record, revision_revert

ADMIN_SAVE_SUMMARY = "Saved in the admin"


class RecordsRevisionsMixin:
    """Each admin save of a lesson (or of a piece of one) records a revision, by the signed-in author.

    The content as it was is kept first (when no revision holds it yet), so the
    very first edit of an old lesson can still be compared and reverted.
    """

    def revision_lesson(self, obj) -> Lesson | None:
        return obj if isinstance(obj, Lesson) else getattr(obj, "lesson", None)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        lesson = self.revision_lesson(obj) if change else None
        if lesson is not None and lesson.pk:
            revision_baseline(lesson=lesson)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        lesson = self.revision_lesson(form.instance)
        if lesson is not None and lesson.pk:
            revision_record(lesson=lesson, author=request.user, summary=ADMIN_SAVE_SUMMARY)


class LessonRevisionsAdminMixin(RecordsRevisionsMixin):
    """History, compare and revert pages for a lesson, and the "Import a lesson" page.

    Bulk actions on the lesson list (publish, unpublish) change what a lesson's
    file says too, so each lesson they touch gets a revision as well.
    """

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        for name, (function, action_name, description) in list(actions.items()):
            if name != "delete_selected":
                actions[name] = (_recording_revisions(function, description), action_name, description)
        return actions

    def get_urls(self):
        from .admin_import import import_lesson_view

        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("import/", view(lambda request: import_lesson_view(self, request)), name="lessons_lesson_import"),
            path("<int:lesson_id>/revisions/", view(self.revisions_view), name="lessons_lesson_revisions"),
            path("<int:lesson_id>/revisions/compare/", view(self.revision_compare_view),
                 name="lessons_lesson_revision_compare"),
            path("<int:lesson_id>/revisions/<int:number>/revert/", view(self.revision_revert_view),
                 name="lessons_lesson_revision_revert"),
            *super().get_urls(),
        ]

    def _lesson(self, request: HttpRequest, lesson_id: int, *, change: bool = False) -> Lesson:
        lesson = get_object_or_404(Lesson.objects.select_related("module__track"), pk=lesson_id)
        allowed = self.has_change_permission(request, lesson) if change else self.has_view_or_change_permission(
            request, lesson)
        if not allowed:
            raise PermissionDenied
        return lesson

    def _context(self, request: HttpRequest, lesson: Lesson, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": lesson,
            "title": title,
            "has_change_permission": self.has_change_permission(request, lesson),
        }

    def revisions_view(self, request: HttpRequest, lesson_id: int) -> HttpResponse:
        lesson = self._lesson(request, lesson_id)
        revisions = list(lesson.revisions.select_related("author").order_by("-number"))
        context = self._context(request, lesson, _("Revisions of “%(title)s”") % {"title": lesson.title})
        context["revisions"] = revisions
        context["latest"] = revisions[0] if revisions else None
        return TemplateResponse(request, "admin/lessons/lesson/revisions.html", context)

    def revision_compare_view(self, request: HttpRequest, lesson_id: int) -> HttpResponse:
        lesson = self._lesson(request, lesson_id)
        revisions = {r.number: r for r in lesson.revisions.select_related("author")}
        try:
            old = revisions[int(request.GET.get("from", ""))]
            new = revisions[int(request.GET.get("to", ""))]
        except (KeyError, ValueError):
            messages.error(request, _("Choose two revisions of this lesson to compare."))
            return HttpResponseRedirect(reverse("admin:lessons_lesson_revisions", args=[lesson.pk]))
        diff = unified_diff(old.text, new.text, old_label=_("revision %(n)d") % {"n": old.number},
                            new_label=_("revision %(n)d") % {"n": new.number})
        context = self._context(request, lesson, _("Revision %(a)d → %(b)d of “%(title)s”") % {
            "a": old.number, "b": new.number, "title": lesson.title})
        context.update(old=old, new=new, diff_lines=[_diff_line(line) for line in diff.splitlines()])
        return TemplateResponse(request, "admin/lessons/lesson/revision_compare.html", context)

    def revision_revert_view(self, request: HttpRequest, lesson_id: int, number: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        lesson = self._lesson(request, lesson_id, change=True)
        revision = get_object_or_404(LessonRevision, lesson=lesson, number=number)
        try:
            new = revision_revert(revision=revision, author=request.user)
        except FormatError as exc:
            messages.error(request, _("Revision %(n)d could not be put back: %(problem)s") % {"n": number, "problem": exc})
        else:
            messages.success(request, _("The lesson is back to revision %(n)d; that is recorded as revision %(new)d.")
                             % {"n": number, "new": new.number})
        return HttpResponseRedirect(reverse("admin:lessons_lesson_revisions", args=[lesson.pk]))


def _recording_revisions(function, description):
    def action(model_admin, request: HttpRequest, queryset):
        lessons = list(queryset)
        for lesson in lessons:
            revision_baseline(lesson=lesson)
        response = function(model_admin, request, queryset)
        for lesson in lessons:
            revision_record(lesson=lesson, author=request.user, summary=str(description))
        return response

    return action


def _diff_line(line: str) -> tuple[str, str]:
    """(css class, text) for one line of a unified diff."""
    if line.startswith(("+++", "---")):
        return "diff-file", line
    if line.startswith("@@"):
        return "diff-hunk", line
    if line.startswith("+"):
        return "diff-added", line
    if line.startswith("-"):
        return "diff-removed", line
    return "diff-context", line
