"""Student pages: the dashboard, warm-up answers, Your Turn, skills history and Depth points.

Views parse the request, call a service or selector and render; the rules
live in services.py, shared with the API.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET

from accounts.owner import last_student_id
from accounts.services import profile_update
from courseplatform import answers
from courseplatform.forms import apply_service_errors
from courseplatform.middleware import service_checks_text
from lessons import selectors as lesson_selectors
from lessons import services as lesson_services
from lessons.models import Lesson
from lessons.sections import section_data_for
from lessons.views import guide_response, with_lesson

from . import depth, insights, selectors, services
from .forms import PromptAnswersForm, RatingForm, ReflectionForm, SuccessForm
from .models import TurnStep
from .panels import skills_panels_for, turn_panels_for
from .skills_csv import csv_safe, skills_csv_response  # noqa: F401  (csv_safe: its old home)


@dataclass
class StepView:
    """One step as the Turn page shows it: the step, its form (text steps) and the page."""

    step: TurnStep
    form: ReflectionForm | None
    page: selectors.TurnPage

    @property
    def reflection(self):
        return self.page.reflections.get(self.step.pk)

    @property
    def draft(self):
        return self.page.drafts.get(self.step.pk)

    @property
    def paid(self) -> bool:
        return self.step.pk in self.page.paid

    @property
    def max_chars(self) -> int:
        return services.text_limit(self.step)

    @property
    def max_chars_label(self) -> str:
        return f"{self.max_chars:,}"


def _announce(request: HttpRequest, result: services.ReflectionResult) -> None:
    if result.points_awarded:
        messages.success(
            request,
            ngettext("Saved. You earned %(n)d Depth point.", "Saved. You earned %(n)d Depth points.",
                     result.points_awarded) % {"n": result.points_awarded},
        )
    elif result.reflection.step.points and not result.already_paid and not result.verdict.pays:
        messages.info(request, _("Saved, but no points yet: %(why)s") % {"why": result.verdict.message})
    else:
        messages.success(request, _("Saved."))
    if result.unlocked:
        # Shown inside the step that earned it (the dashboard announces it once too).
        request.session["unlocked_at_step"] = {
            "step": result.reflection.step.number,
            "tracks": [{"title": t.title, "url": t.get_absolute_url()} for t in result.unlocked],
        }


def _turn_url(lesson: Lesson, anchor: str = "") -> str:
    url = reverse("turn", kwargs={"slug": lesson.slug})
    return f"{url}#{anchor}" if anchor else url


def keeps_unsaved_text(back: Callable[..., str], restore: Callable[..., str]):
    """For a form POST that saves what a student wrote: a signed-out save is never lost.

    Signed out, the POST's fields are kept in the session and the student is sent
    to log in, coming back to this URL. Signed in, a GET here (the way back from
    the login page, or a reload) hands those kept fields to
    `restore(request, lesson, data, **kwargs)` (which puts them back, e.g. as a
    server draft, and returns what to tell the student) and redirects to
    `back(lesson, **kwargs)`, with one button to save: never a 405.

    Kept fields go back only to the student who wrote them: the browser's
    `owner_cookie` names the last student signed in there, so on a shared
    computer the next person to log in never sees them.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                owner = last_student_id(request)
                if request.method == "POST" and owner is not None:
                    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
                    request.session[PENDING_KEY] = {"path": request.path, "data": data, "owner": owner}
                return redirect_to_login(request.path)
            if request.method == "GET":
                return _restore_pending(request, slug, back, restore, **kwargs)
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, slug, **kwargs)

        return wrapper

    return decorate


PENDING_KEY = "unsaved_post"


@with_lesson
def _restore_pending(request: HttpRequest, lesson: Lesson, back, restore, **kwargs) -> HttpResponse:
    pending = request.session.pop(PENDING_KEY, None)
    if pending and pending.get("path") == request.path and pending.get("owner") == request.user.pk:
        try:
            told = restore(request, lesson, pending.get("data", {}), **kwargs)
        except (ValidationError, Http404):
            messages.error(request, _("What you sent before signing in could not be kept: it was not valid."))
        else:
            messages.warning(request, told)
    return redirect(back(lesson, **kwargs))


TEXT_IS_BACK = _("You were signed out before this was saved. Your text is back in its box: press Save to keep it.")


def _restore_answers(request: HttpRequest, lesson: Lesson, data: dict, *, section_id: int) -> str:
    section = selectors.prompt_section_get(lesson=lesson, section_id=section_id)
    answers = [{"text": data.get(f"answer_{n}", ""), "category": data.get(f"category_{n}", "")}
               for n in range(1, section.answer_count + 1)]
    services.draft_save(user=request.user, section=section, answers=answers)
    return TEXT_IS_BACK


def _restore_reflection(request: HttpRequest, lesson: Lesson, data: dict, *, number: int) -> str:
    step = selectors.reflection_step_get(lesson=lesson, number=number)
    services.draft_save(user=request.user, step=step, text=data.get(f"step{number}-text", ""))
    return TEXT_IS_BACK


def _answers_back(lesson: Lesson, *, section_id: int) -> str:
    anchor = next((s.anchor for s in lesson_selectors.lesson_content(lesson=lesson).sections if s.pk == section_id), "")
    return f"{lesson.get_absolute_url()}#{anchor}" if anchor else lesson.get_absolute_url()


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        board = selectors.dashboard(user=request.user)
        context = {
            "core_cards": board.core_cards,
            "extension_cards": board.extension_cards,
            "resume": board.resume,
            "returning": board.returning,
            # The web announces each unlock once: shown now, so marked read (the API marks on request).
            # That moves the student's state version, so the page with the notices is never served again.
            "unlock_notices": lesson_services.unlock_notices_mark_read(
                user=request.user, tracks=[notice.track.slug for notice in board.notices]
            ) if board.notices else [],
            "retake_due": board.retake_due,
            "csrf_token": answers.CSRF_PLACEHOLDER,
        }
        return render(request, "assessments/dashboard.html", context)

    return answers.page_answer(request, "dashboard_page", build, daily=True)


@service_checks_text
@csrf_protect
@keeps_unsaved_text(back=_answers_back, restore=_restore_answers)
@with_lesson
def prompt_answers(request: HttpRequest, lesson: Lesson, section_id: int) -> HttpResponse:
    try:
        section = selectors.prompt_section_get(lesson=lesson, section_id=section_id)
    except ValidationError:
        raise Http404("No such warm-up prompt in this lesson.") from None
    blocks = section_data_for(request.user, lesson, [section])
    block = blocks[section.pk]
    form = PromptAnswersForm(request.POST, slots=block.slots, categories=block.categories)
    if form.is_valid():
        clear = "clear" in request.POST
        try:
            services.prompt_answers_save(
                user=request.user, section=section, answers=form.answers(), clear=clear
            )
        except ValidationError as error:
            apply_service_errors(form, error, PromptAnswersForm.field_for)
        else:
            messages.success(request, _("Your warm-up answers are cleared.") if clear
                             else _("Your warm-up answers are saved."))
            next_anchor = request.POST.get("next_anchor", "")
            if not re.fullmatch(r"[-\w]{1,80}", next_anchor):
                next_anchor = section.anchor
            return redirect(f"{lesson.get_absolute_url()}#{next_anchor}")
    block.form = form
    return guide_response(request, lesson, overrides={section.pk: block}, status=400)


def _turn_context(request: HttpRequest, lesson: Lesson, **forms) -> dict:
    page = selectors.turn_page(user=request.user, lesson=lesson)
    rating_values = {r.slug: r.value for r in page.latest.ratings} if page.latest else {}
    rating_values.update(request.session.pop(RATINGS_KEPT, None) or {})
    sliders = [(c, rating_values.get(c.slug, 5)) for c in page.categories]
    steps = []
    for step in page.steps:
        form = None
        if step.takes_reflection:
            saved = page.reflections.get(step.pk)
            draft = page.drafts.get(step.pk)
            text = draft.data.get("text", "") if draft else (saved.text if saved else "")
            form = forms.get(f"reflection_{step.pk}") or ReflectionForm(initial={"text": text}, step=step)
        steps.append(StepView(step=step, form=form, page=page))
    unlocked = request.session.pop("unlocked_at_step", None)
    return {
        "lesson": lesson,
        "track": lesson.module.track,
        "module": lesson.module,
        "page": page,
        "steps": steps,
        "sliders": sliders,
        "rating_form": forms.get("rating_form"),
        "success_form": forms.get("success_form") or SuccessForm(
            initial={"definition_of_success": request.session.pop(SUCCESS_KEPT, None)
                     or request.user.definition_of_success}
        ),
        "unlocked_at_step": unlocked,
        "depth_rule": depth,
        "panels": turn_panels_for(request, page),
    }


@login_required
@require_GET
@with_lesson
def turn(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    return render(request, "assessments/turn.html", _turn_context(request, lesson))


def _rate_back(lesson: Lesson) -> str:
    return _turn_url(lesson, "step-1")


RATINGS_KEPT = "unsaved_ratings"


def _restore_ratings(request: HttpRequest, lesson: Lesson, data: dict) -> str:
    """The sliders come back where the student left them (the session keeps them for the page)."""
    kept = {}
    for name, value in data.items():
        if name.startswith("rating-") and value.isdigit():
            kept[name.removeprefix("rating-")] = int(value)
    request.session[RATINGS_KEPT] = kept
    return _("You were signed out before your ratings were saved. The sliders are back where you left them: "
             "press “Save my ratings” to keep them.")


def _restore_completion(request: HttpRequest, lesson: Lesson, data: dict) -> str:
    return _("You were signed out before the Turn was marked complete: press “Mark this Turn complete” again.")


@service_checks_text
@csrf_protect
@keeps_unsaved_text(back=_rate_back, restore=_restore_ratings)
@with_lesson
def turn_snapshot(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    definition = selectors.turn_definition(lesson=lesson)
    if definition.turn is None:
        raise Http404("This lesson has no Your Turn.")
    form = RatingForm(request.POST, categories=definition.categories)
    if form.is_valid():
        try:
            services.snapshot_record(user=request.user, turn=definition.turn, ratings=form.ratings())
        except ValidationError as error:
            apply_service_errors(form, error, RatingForm.field_for)
        else:
            messages.success(request, _("Snapshot saved. Your chart is below; read what it shows in the next step."))
            rate = next((s for s in definition.steps if s.kind == s.Kind.RATE), None)
            following = next((s for s in definition.steps if rate and s.number > rate.number), None)
            return redirect(_turn_url(lesson, f"step-{following.number}" if following else "step-1"))
    context = _turn_context(request, lesson, rating_form=form)
    return render(request, "assessments/turn.html", context, status=400)


def _reflection_back(lesson: Lesson, *, number: int) -> str:
    return _turn_url(lesson, f"step-{number}")


@service_checks_text
@csrf_protect
@keeps_unsaved_text(back=_reflection_back, restore=_restore_reflection)
@with_lesson
def turn_reflection(request: HttpRequest, lesson: Lesson, number: int) -> HttpResponse:
    step = selectors.reflection_step_get(lesson=lesson, number=number)
    form = ReflectionForm(request.POST, step=step)
    if form.is_valid():
        try:
            result = services.reflection_save(user=request.user, step=step, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error, ReflectionForm.FIELDS)
        else:
            _announce(request, result)
            return redirect(_turn_url(lesson, f"step-{step.number}"))
    context = _turn_context(request, lesson, **{f"reflection_{step.pk}": form})
    return render(request, "assessments/turn.html", context, status=400)


SUCCESS_KEPT = "unsaved_definition_of_success"


def _success_back(lesson: Lesson) -> str:
    goals = next((s for s in selectors.turn_definition(lesson=lesson).steps if s.kind == TurnStep.Kind.GOALS), None)
    return _turn_url(lesson, f"step-{goals.number}" if goals else "")


def _restore_success(request: HttpRequest, lesson: Lesson, data: dict) -> str:
    """The definition typed on a goals step has no draft box: the session keeps it for the form."""
    request.session[SUCCESS_KEPT] = data.get("definition_of_success", "")
    return TEXT_IS_BACK


@csrf_protect
@keeps_unsaved_text(back=_success_back, restore=_restore_success)
@with_lesson
def turn_success(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    """Save the definition of success from a goals step to the profile."""
    form = SuccessForm(request.POST)
    goals = next((s for s in selectors.turn_definition(lesson=lesson).steps if s.kind == TurnStep.Kind.GOALS), None)
    if form.is_valid():
        try:
            profile_update(user=request.user, definition_of_success=form.cleaned_data["definition_of_success"])
        except ValidationError as error:
            apply_service_errors(form, error, SuccessForm.FIELDS)
        else:
            messages.success(request, _("Your definition of success is saved to your profile."))
            return redirect(_turn_url(lesson, f"step-{goals.number}" if goals else ""))
    context = _turn_context(request, lesson, success_form=form)
    return render(request, "assessments/turn.html", context, status=400)


def _complete_back(lesson: Lesson) -> str:
    return _turn_url(lesson, "complete")


@csrf_protect
@keeps_unsaved_text(back=_complete_back, restore=_restore_completion)
@with_lesson
def turn_complete(request: HttpRequest, lesson: Lesson) -> HttpResponse:
    the_turn = selectors.turn_get(lesson=lesson)
    try:
        result = services.turn_complete(user=request.user, turn=the_turn)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(_turn_url(lesson, "complete"))
    if result.created:
        messages.success(request, the_turn.completion_message or _("Turn complete. Nicely done."))
    return redirect(_turn_url(lesson, "complete"))


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
            "sides": [("before", before), ("after", after)],
            "changes": insights.compare(before.ratings, after.ratings),
        }
    return render(
        request,
        "assessments/skills.html",
        {"history": history, "comparison": comparison, "retake_due": selectors.retake_due(user=request.user),
         "panels": skills_panels_for(request, history)},
    )


@login_required
@require_GET
def skills_csv(request: HttpRequest) -> HttpResponse:
    """Every snapshot as CSV: one row per snapshot and category (the API sends the same)."""
    return skills_csv_response(user=request.user)
