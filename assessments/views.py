"""Student pages: the dashboard, warm-up answers, Your Turn, skills history and Depth points.

Views parse the request, call a service or selector and render; the rules
live in services.py, shared with the API.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.services import profile_update
from lessons import selectors as lesson_selectors
from lessons import services as lesson_services
from lessons.models import Lesson, Section
from lessons.views import with_lesson

from . import insights, selectors, services
from .forms import RatingForm, ReflectionForm, SuccessForm


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            messages.error(request, f"{field}: {problem}" if field != "__all__" else problem)


def _announce(request: HttpRequest, result: services.ReflectionResult) -> None:
    if result.points_awarded:
        messages.success(
            request,
            ngettext("Saved. You earned %(n)d Depth point.", "Saved. You earned %(n)d Depth points.",
                     result.points_awarded) % {"n": result.points_awarded},
        )
    else:
        messages.success(request, _("Reflection saved."))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    cards = lesson_selectors.track_cards(user=request.user)
    context = {
        "core_cards": [c for c in cards if not c.track.is_extension],
        "extension_cards": [c for c in cards if c.track.is_extension],
        "resume": lesson_selectors.resume_point(user=request.user),
        "unlock_notices": lesson_services.unlock_notices_take(user=request.user),
        "retake_due": selectors.retake_due(user=request.user),
    }
    return render(request, "assessments/dashboard.html", context)


@login_required
@require_POST
@with_lesson
def prompt_answers(request: HttpRequest, lesson: Lesson, section_id: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=section_id, lesson=lesson, kind=Section.Kind.WARMUP_PROMPT)
    answers = [
        {"text": request.POST.get(f"answer_{n}", ""), "category": request.POST.get(f"category_{n}", "")}
        for n in range(1, section.answer_count + 1)
    ]
    try:
        services.prompt_answers_save(user=request.user, section=section, answers=answers)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Your warm-up answers are saved."))
    return redirect(f"{lesson.get_absolute_url()}#{section.anchor}")


def _turn_context(request: HttpRequest, lesson: Lesson, **forms) -> dict:
    page = selectors.turn_page(user=request.user, lesson=lesson)
    rating_values = {r.slug: r.value for r in page.latest.ratings} if page.latest else {}
    sliders = [(c, rating_values.get(c.slug, 5)) for c in page.categories]
    reflection_forms = {}
    for step in page.steps:
        if step.takes_reflection:
            existing = page.reflections.get(step.pk)
            reflection_forms[step.pk] = forms.get(f"reflection_{step.pk}") or ReflectionForm(
                initial={"text": existing.text if existing else ""}, prefix=f"step{step.number}"
            )
    return {
        "lesson": lesson,
        "track": lesson.module.track,
        "module": lesson.module,
        "page": page,
        "sliders": sliders,
        "rating_form": forms.get("rating_form"),
        "reflection_forms": reflection_forms,
        "success_form": forms.get("success_form") or SuccessForm(
            initial={"definition_of_success": request.user.definition_of_success}
        ),
        "unlock_notices": lesson_services.unlock_notices_take(user=request.user),
    }


@login_required
@require_GET
@with_lesson
def turn(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    return render(request, "assessments/turn.html", _turn_context(request, lesson))


@login_required
@require_POST
@with_lesson
def turn_snapshot(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    the_turn = selectors.turn_get(lesson=lesson)
    categories = list(the_turn.framework.categories.order_by("position", "id")) if the_turn.framework else []
    form = RatingForm(request.POST, categories=categories)
    if form.is_valid():
        try:
            services.snapshot_record(user=request.user, turn=the_turn, ratings=form.ratings())
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Snapshot saved. Your chart is below; read what it shows in step 2."))
            return redirect(f"{reverse('turn', kwargs={'slug': lesson.slug})}#step-2")
    context = _turn_context(request, lesson, rating_form=form)
    return render(request, "assessments/turn.html", context, status=400)


@login_required
@require_POST
@with_lesson
def turn_reflection(request: HttpRequest, lesson: Lesson, number: int) -> HttpResponse:
    step = selectors.reflection_step_get(lesson=lesson, number=number)
    form = ReflectionForm(request.POST, prefix=f"step{step.number}")
    if form.is_valid():
        try:
            result = services.reflection_save(user=request.user, step=step, text=form.cleaned_data["text"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error("text" if field == "text" else None, problem)
        else:
            _announce(request, result)
            return redirect(f"{reverse('turn', kwargs={'slug': lesson.slug})}#step-{step.number}")
    context = _turn_context(request, lesson, **{f"reflection_{step.pk}": form})
    return render(request, "assessments/turn.html", context, status=400)


@login_required
@require_POST
@with_lesson
def turn_success(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    """Save the definition of success from the goals step to the profile."""
    form = SuccessForm(request.POST)
    if form.is_valid():
        try:
            profile_update(user=request.user, definition_of_success=form.cleaned_data["definition_of_success"])
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Your definition of success is saved to your profile."))
            return redirect(f"{reverse('turn', kwargs={'slug': lesson.slug})}#step-3")
    context = _turn_context(request, lesson, success_form=form)
    return render(request, "assessments/turn.html", context, status=400)


@login_required
@require_POST
@with_lesson
def turn_complete(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    the_turn = selectors.turn_get(lesson=lesson)
    try:
        result = services.turn_complete(user=request.user, turn=the_turn)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect(f"{reverse('turn', kwargs={'slug': lesson.slug})}#step-1")
    if result.created:
        messages.success(request, the_turn.completion_message or _("Turn complete. Nicely done."))
    return redirect(f"{reverse('turn', kwargs={'slug': lesson.slug})}#complete")


@login_required
@require_GET
def depth_points(request: HttpRequest) -> HttpResponse:
    summary = selectors.points_summary(user=request.user)
    return render(request, "assessments/depth_points.html", {"summary": summary})


@login_required
@require_GET
def skills(request: HttpRequest) -> HttpResponse:
    history = selectors.skills_history(user=request.user)
    comparison = None
    pair = (request.GET.get("from"), request.GET.get("to"))
    if all(pair):
        before = selectors.snapshot_get(user=request.user, pk=pair[0])
        after = selectors.snapshot_get(user=request.user, pk=pair[1])
        comparison = {
            "before": before,
            "after": after,
            "changes": insights.compare(before.ratings, after.ratings),
        }
    return render(
        request,
        "assessments/skills.html",
        {"history": history, "comparison": comparison, "retake_due": selectors.retake_due(user=request.user)},
    )


@login_required
@require_GET
def skills_csv(request: HttpRequest) -> HttpResponse:
    """Every snapshot as CSV: one row per snapshot and category."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="soft-synced-skills.csv"'
    writer = csv.writer(response)
    writer.writerow(["snapshot_id", "taken_at", "framework", "category", "rating"])
    for group in selectors.skills_history(user=request.user):
        for view in group.snapshots:
            for rating in view.ratings:
                writer.writerow([
                    view.snapshot.pk, view.snapshot.created_at.isoformat(), _csv_safe(group.framework_name),
                    _csv_safe(rating.name), rating.value,
                ])
    return response


def _csv_safe(value: str) -> str:
    # Keep spreadsheet programs from reading author text as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
